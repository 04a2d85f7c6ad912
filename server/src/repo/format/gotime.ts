import { LockstepError } from '../../base/errors';

/** A time as Go's RFC3339Nano prints it, e.g. 2014-12-22T14:47:59.912418701+01:00. */
export type GoTime = string;

const NS_PER_S = 1_000_000_000n;
const S_PER_DAY = 86_400n;
/** The range of instants a JS Date can represent, in ms. */
const DATE_LIMIT_MS = 8.64e15;

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
};
const floorMod = (a: bigint, b: bigint): bigint => a - floorDiv(a, b) * b;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12; day may overflow, as with Date.UTC). */
function daysFromCivil(year: bigint, month: number, day: number): bigint {
  const y = month <= 2 ? year - 1n : year;
  const era = floorDiv(y, 400n);
  const yoe = y - era * 400n;
  const m = BigInt(month);
  const doy = (153n * (m > 2n ? m - 3n : m + 9n) + 2n) / 5n + BigInt(day) - 1n;
  const doe = yoe * 365n + yoe / 4n - yoe / 100n + doy;
  return era * 146_097n + doe - 719_468n;
}

/** The proleptic Gregorian date of a day number (days since 1970-01-01). */
function civilFromDays(days: bigint): { year: bigint; month: number; day: number } {
  const z = days + 719_468n;
  const era = floorDiv(z, 146_097n);
  const doe = z - era * 146_097n;
  const yoe = (doe - doe / 1460n + doe / 36_524n - doe / 146_096n) / 365n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const day = Number(doy - (153n * mp + 2n) / 5n + 1n);
  const month = Number(mp < 10n ? mp + 3n : mp - 9n);
  return { year: yoe + era * 400n + (month <= 2 ? 1n : 0n), month, day };
}

/** Days since 1970-01-01 of a proleptic Gregorian date; month may be any integer and day may overflow, as in Go's time.Date. */
export function dayNumberFromCivil(year: number, month: number, day: number): number {
  const y0 = year + Math.floor((month - 1) / 12);
  const m = ((((month - 1) % 12) + 12) % 12) + 1;
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5);
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468 + (day - 1);
}

/** civilFromDays in plain numbers (exact for any day a JS number holds as an integer). */
export function civilFromDayNumber(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const isLeap = (y: bigint): boolean => (y % 4n === 0n && y % 100n !== 0n) || y % 400n === 0n;
const daysInMonth = (y: bigint, m: number): number => (m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);

/** The local zone's UTC offset in seconds at a Unix time (what Go's time.Local would use; from the TZ database Node has). */
function localOffsetSeconds(unixSeconds: bigint): number {
  let ms = Number(unixSeconds) * 1000;
  if (!(ms > -DATE_LIMIT_MS)) ms = -DATE_LIMIT_MS;
  if (!(ms < DATE_LIMIT_MS)) ms = DATE_LIMIT_MS;
  return Math.round(-new Date(ms).getTimezoneOffset() * 60);
}

const pad = (n: number | bigint, width = 2): string => String(n).padStart(width, '0');

/**
 * Offsets by quarter hour, for the TZ they were read under: a quarter hour whose start and end have the same offset
 * (all but those holding a change) has it throughout; NaN marks one that holds a change.
 */
const offsetCache = new Map<number, number>();
let offsetCacheTz: string | undefined;

/** process.env.TZ is read only every so many offsets: reading the environment costs more than the rest. */
const OFFSETS_PER_TZ_LOOK = 256;
let offsetsSinceTzLook = OFFSETS_PER_TZ_LOOK;

function cachedLocalOffset(unixSeconds: number): number {
  if (++offsetsSinceTzLook >= OFFSETS_PER_TZ_LOOK) {
    offsetsSinceTzLook = 0;
    if (offsetCacheTz !== process.env.TZ) offsetCache.clear();
    offsetCacheTz = process.env.TZ;
  }
  if (offsetCache.size > 4096) offsetCache.clear();
  const quarter = Math.floor(unixSeconds / 900);
  let offset = offsetCache.get(quarter);
  if (offset === undefined) {
    const start = localOffsetSeconds(BigInt(quarter * 900));
    offset = start === localOffsetSeconds(BigInt(quarter * 900 + 899)) ? start : NaN;
    offsetCache.set(quarter, offset);
  }
  return Number.isNaN(offset) ? localOffsetSeconds(BigInt(unixSeconds)) : offset;
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** The last second formatted: files' times come in runs of the same second. */
let lastLocalSecond = NaN;
let lastWallClock: string | undefined;

/** "YYYY-MM-DDTHH:MM:SS" of a local second, or undefined outside the years 1..9999. */
function wallClock(local: number): string | undefined {
  const days = Math.floor(local / 86400);
  const sod = local - days * 86400;
  const { year, month, day } = civilFromDayNumber(days);
  if (year < 1 || year > 9999) return undefined;
  const hour = Math.floor(sod / 3600);
  const minute = Math.floor(sod / 60) % 60;
  return `${TWO_DIGITS[Math.floor(year / 100)]}${TWO_DIGITS[year % 100]}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[sod % 60]}`;
}

/**
 * formatGoTime for instants whose year, in the zone used, is within 1..9999 (a file's times, nearly always), in
 * plain numbers; undefined for the rest.
 */
function formatCommonGoTime(epochNs: bigint, tzOffsetMinutes: number | undefined): GoTime | undefined {
  const whole = epochNs / NS_PER_S;
  let nanos = Number(epochNs - whole * NS_PER_S);
  let unix = Number(whole);
  if (nanos < 0) {
    nanos += 1e9;
    unix -= 1;
  }
  if (!(unix > -62135596800 && unix < 253402214400)) return undefined; // 0001-01-01 … 9999-12-31, one day's margin
  const offset = tzOffsetMinutes === undefined ? cachedLocalOffset(unix) : Math.round(tzOffsetMinutes * 60);
  const local = unix + offset;
  let text = local === lastLocalSecond ? lastWallClock : wallClock(local);
  if (text === undefined) return undefined;
  lastLocalSecond = local;
  lastWallClock = text;
  if (nanos !== 0) {
    let digits = 9;
    while (nanos % 10 === 0) {
      nanos /= 10;
      digits--;
    }
    text += `.${String(nanos).padStart(digits, '0')}`;
  }
  if (offset === 0) return `${text}Z`;
  const minutes = Math.trunc(Math.abs(offset) / 60);
  return `${text}${offset < 0 ? '-' : '+'}${TWO_DIGITS[Math.floor(minutes / 60)] ?? pad(Math.floor(minutes / 60))}:${TWO_DIGITS[minutes % 60]}`;
}

/**
 * Formats an instant as Go's time.Time.MarshalJSON does (RFC3339Nano): the wall clock in the given
 * zone (default: the local zone at that instant), "Z" for offset 0, fraction without trailing zeros
 * (none at all when 0). Like restic's node time fix-up, a year outside 0..9999 in that zone is replaced
 * by 0 or 9999, keeping month, day and time of day (Feb 29 then rolls over to Mar 1 when needed).
 */
export function formatGoTime(epochNs: bigint, tzOffsetMinutes?: number): GoTime {
  return formatCommonGoTime(epochNs, tzOffsetMinutes) ?? formatAnyGoTime(epochNs, tzOffsetMinutes);
}

/** formatGoTime for any instant, in BigInt arithmetic (exported for the tests that compare both ways). */
export function formatAnyGoTime(epochNs: bigint, tzOffsetMinutes?: number): GoTime {
  const unix = floorDiv(epochNs, NS_PER_S);
  const nanos = floorMod(epochNs, NS_PER_S);
  const zoneOf = (u: bigint): number => (tzOffsetMinutes === undefined ? localOffsetSeconds(u) : Math.round(tzOffsetMinutes * 60));
  let offset = zoneOf(unix);
  let local = unix + BigInt(offset);
  let date = civilFromDays(floorDiv(local, S_PER_DAY));
  const secondOfDay = floorMod(local, S_PER_DAY);
  if (date.year < 0n || date.year > 9999n) {
    const year = date.year < 0n ? 0n : 9999n;
    const days = daysFromCivil(year, date.month, date.day);
    local = days * S_PER_DAY + secondOfDay;
    offset = zoneOf(local - BigInt(offset));
    date = civilFromDays(days);
  }
  const sod = Number(secondOfDay);
  let text = `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}T${pad(Math.floor(sod / 3600))}:${pad(Math.floor(sod / 60) % 60)}:${pad(sod % 60)}`;
  if (nanos !== 0n) text += `.${pad(nanos, 9).replace(/0+$/, '')}`;
  if (offset === 0) return `${text}Z`;
  const minutes = Math.trunc(Math.abs(offset) / 60);
  return `${text}${offset < 0 ? '-' : '+'}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Nanoseconds since the epoch of an RFC 3339 time (any number of fraction digits; like Go, digits
 * beyond the ninth are dropped). Throws a LockstepError for anything else, including out-of-range fields.
 */
export function parseGoTime(s: GoTime): bigint {
  const m = PATTERN.exec(s);
  const fail = (): never => {
    throw new LockstepError(`invalid time ${JSON.stringify(s)}`);
  };
  if (!m) return fail();
  const [, y, mo, d, h, mi, sec, frac, , sign, zh, zm] = m;
  const year = BigInt(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) fail();
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) fail();
  let seconds = daysFromCivil(year, month, day) * S_PER_DAY + BigInt(Number(h) * 3600 + Number(mi) * 60 + Number(sec));
  if (sign !== undefined) {
    if (Number(zh) > 23 || Number(zm) > 59) fail();
    const offset = BigInt(Number(zh) * 3600 + Number(zm) * 60);
    seconds += sign === '-' ? offset : -offset;
  }
  return seconds * NS_PER_S + BigInt((frac ?? '').slice(0, 9).padEnd(9, '0'));
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether parseGoTime would accept `s` (the same checks, without a regex or arithmetic: trees hold many times). */
/** The digit at s[i], or NaN. */
function digitAt(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
}

/** The two digits at s[i..i+2) as a number, or NaN. */
function twoDigitsAt(s: string, i: number): number {
  return digitAt(s, i) * 10 + digitAt(s, i + 1);
}

export function isGoTime(s: string): boolean {
  if (s.length < 20 || s[4] !== '-' || s[7] !== '-' || s[13] !== ':' || s[16] !== ':') return false;
  const sep = s[10];
  if (sep !== 'T' && sep !== 't' && sep !== ' ') return false;
  const year = twoDigitsAt(s, 0) * 100 + twoDigitsAt(s, 2);
  const month = twoDigitsAt(s, 5);
  const day = twoDigitsAt(s, 8);
  if (!(month >= 1 && month <= 12 && day >= 1)) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month])) return false;
  if (!(twoDigitsAt(s, 11) <= 23 && twoDigitsAt(s, 14) <= 59 && twoDigitsAt(s, 17) <= 59)) return false;
  let i = 19;
  if (s[i] === '.' || s[i] === ',') {
    i++;
    const start = i;
    while (i < s.length && !Number.isNaN(digitAt(s, i))) i++;
    if (i === start) return false;
  }
  if (i === s.length - 1) return s[i] === 'Z' || s[i] === 'z';
  if (i !== s.length - 6 || (s[i] !== '+' && s[i] !== '-') || s[i + 3] !== ':') return false;
  return twoDigitsAt(s, i + 1) <= 23 && twoDigitsAt(s, i + 4) <= 59;
}

/**
 * Microseconds since the epoch of a time from 1970 on, read without BigInt: the shape isGoTime accepts, 'T' or ' '
 * between date and time, a four-digit year. Undefined for anything else.
 */
function commonGoTimeMicros(s: string): number | undefined {
  if (s.length < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const year = twoDigitsAt(s, 0) * 100 + twoDigitsAt(s, 2);
  const month = twoDigitsAt(s, 5);
  const day = twoDigitsAt(s, 8);
  if (!(year >= 1970 && month >= 1 && month <= 12 && day >= 1 && day <= 31)) return undefined;
  let seconds = dayNumberFromCivil(year, month, day) * 86400 + twoDigitsAt(s, 11) * 3600 + twoDigitsAt(s, 14) * 60 + twoDigitsAt(s, 17);
  let micros = 0;
  let i = 19;
  if (s[i] === '.' || s[i] === ',') {
    let digits = 0;
    for (i++; i < s.length && !Number.isNaN(digitAt(s, i)); i++, digits++) if (digits < 6) micros = micros * 10 + digitAt(s, i);
    for (; digits < 6; digits++) micros *= 10;
  }
  if (i === s.length - 6 && (s[i] === '+' || s[i] === '-')) {
    const offset = twoDigitsAt(s, i + 1) * 3600 + twoDigitsAt(s, i + 4) * 60;
    seconds += s[i] === '-' ? offset : -offset;
  } else if (!(i === s.length - 1 && (s[i] === 'Z' || s[i] === 'z'))) return undefined;
  return seconds >= 0 && Number.isSafeInteger(seconds * 1e6 + micros) ? seconds * 1e6 + micros : undefined;
}

/**
 * Seconds since the epoch, to the microsecond, of a Go time (what utimes takes); throws a LockstepError for what
 * parseGoTime refuses.
 */
export function goTimeSeconds(s: GoTime): number {
  const micros = isGoTime(s) ? commonGoTimeMicros(s) : undefined;
  return (micros ?? Number(parseGoTime(s) / 1000n)) / 1e6;
}

/** Forgets the offsets of the local zone: for a process that changes TZ and formats times at once (the tests). */
export function forgetLocalOffsets(): void {
  offsetCache.clear();
  offsetsSinceTzLook = OFFSETS_PER_TZ_LOOK;
}
