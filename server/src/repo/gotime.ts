import { LockstepError } from '../errors';

/** A time as Go's RFC3339Nano prints it, e.g. 2014-12-22T14:47:59.912418701+01:00. */
export type GoTime = string;

const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;
const MIN_NS = BigInt(new Date('0000-01-01T00:00:00Z').getTime()) * NS_PER_MS;
const MAX_NS = BigInt(new Date('9999-12-31T23:59:59Z').getTime()) * NS_PER_MS + 999_999_999n;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export function formatGoTime(epochNs: bigint, tzOffsetMinutes?: number): GoTime {
  if (epochNs < MIN_NS) epochNs = MIN_NS;
  if (epochNs > MAX_NS) epochNs = MAX_NS;
  let seconds = epochNs / NS_PER_S;
  let nanos = epochNs % NS_PER_S;
  if (nanos < 0n) {
    nanos += NS_PER_S;
    seconds -= 1n;
  }
  const ms = Number(seconds) * 1000;
  const offset = tzOffsetMinutes ?? -new Date(ms).getTimezoneOffset();
  const local = new Date(ms + offset * 60_000);
  let text = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  if (nanos > 0n) text += `.${nanos.toString().padStart(9, '0').replace(/0+$/, '')}`;
  if (offset === 0) return `${text}Z`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${text}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$/;

/** Nanoseconds since the epoch. */
export function parseGoTime(s: GoTime): bigint {
  const m = PATTERN.exec(s);
  if (!m) throw new LockstepError(`invalid time "${s}"`);
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(sec), 0);
  let ns = BigInt(date.getTime()) * NS_PER_MS + BigInt((frac ?? '').padEnd(9, '0') || '0');
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1n : 1n;
    const minutes = BigInt(Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    ns -= sign * minutes * 60n * NS_PER_S;
  }
  return ns;
}
