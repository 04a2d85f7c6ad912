// restic's `forget` retention policy (restic 0.18): which snapshots of a group to keep, and why.
// Pure: no I/O; "now" and the local time zone (for --keep-within* arithmetic) are the only inputs
// besides the snapshots.
import { civilFromDayNumber, dayNumberFromCivil, parseGoTime } from '../repo/format/gotime';
import { LockstepError } from '../base/errors';
import type { SnapshotEntry } from '../repo/repository';

export type { SnapshotEntry };

/** restic's --keep-within* duration ("1y2m3d4h"): calendar years, months and days, then hours. */
export interface KeepDuration {
  years: number;
  months: number;
  days: number;
  hours: number;
}

/** A count of -1 keeps all snapshots of that kind (restic's "unlimited"); 0 or absent turns the rule off. */
export interface RetentionPolicy {
  last?: number;
  hourly?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
  yearly?: number;
  within?: KeepDuration;
  withinHourly?: KeepDuration;
  withinDaily?: KeepDuration;
  withinWeekly?: KeepDuration;
  withinMonthly?: KeepDuration;
  withinYearly?: KeepDuration;
  /** --keep-tag: keeps a snapshot that has every tag of any one list. */
  tags?: string[][];
}

/** restic's --group-by; its default is host and paths. */
export interface GroupBy {
  host: boolean;
  paths: boolean;
  tags: boolean;
}

export const DEFAULT_GROUP_BY: Readonly<GroupBy> = { host: true, paths: true, tags: false };

/** What a group shares; a field is present only when grouping by it (paths and tags sorted). */
export interface GroupKey {
  hostname?: string;
  paths?: string[];
  tags?: string[];
}

export interface SnapshotGroup {
  key: GroupKey;
  entries: SnapshotEntry[];
}

export interface PolicyResult {
  /** Newest first, like everything below. */
  keep: SnapshotEntry[];
  remove: SnapshotEntry[];
  /** Snapshot ID -> the rules that kept it, worded as restic words them ("daily snapshot", "oldest monthly snapshot"). */
  reasons: Map<string, string[]>;
}

export interface ForgetGroup extends PolicyResult {
  key: GroupKey;
}

/** The largest duration component accepted; Go's time arithmetic overflows long before restic's own limit. */
const MAX_DURATION_COMPONENT = 1_000_000_000;
const NS_PER_SECOND = 1_000_000_000n;
const SECONDS_PER_DAY = 86_400;
const NS_PER_HOUR = 3_600n * NS_PER_SECOND;
/** Go's zero time.Time, 0001-01-01T00:00:00Z, in ns since the Unix epoch. */
const GO_ZERO_TIME_NS = -62_135_596_800n * NS_PER_SECOND;
/** The range of instants a JS Date can represent, in ms. */
const DATE_LIMIT_MS = 8.64e15;

// ---------------------------------------------------------------------------------------------
// Parsing the flags' values

/** Go's strings.TrimSpace: Unicode white space at both ends. */
const trimGoSpace = (s: string): string =>
  s.replace(/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g, '');

/**
 * Parses restic's duration for --keep-within*: numbers each followed by y, m, d or h ("1y2m3d4h",
 * "36h", "" for none). A unit given twice keeps its last number, as in restic. Negative numbers are
 * refused, as restic's forget refuses them.
 */
export function parseKeepDuration(text: string): KeepDuration {
  const duration: KeepDuration = { years: 0, months: 0, days: 0, hours: 0 };
  const field = { y: 'years', m: 'months', d: 'days', h: 'hours' } as const;
  let rest = trimGoSpace(text);
  while (rest !== '') {
    const m = /^(-?)(\d*)/.exec(rest)!;
    if (m[2] === '') throw new LockstepError(`invalid duration "${text}": no number found`);
    const num = Number(m[2]);
    rest = rest.slice(m[0].length);
    if (m[1] === '-' && num !== 0) throw new LockstepError('durations containing negative values are not allowed for --keep-within*');
    if (num > MAX_DURATION_COMPONENT) throw new LockstepError(`invalid duration "${text}": ${m[2]} is too large`);
    if (rest === '') throw new LockstepError(`invalid duration "${text}": no unit found after number ${num}`);
    const unit = rest[0];
    if (!(unit in field)) throw new LockstepError(`invalid duration "${text}": invalid unit "${unit}" found after number ${num}`);
    duration[field[unit as keyof typeof field]] = num;
    rest = rest.slice(1);
  }
  return duration;
}

/** restic's spelling of a duration: "1y2m3d4h", zero parts left out. */
export function formatKeepDuration(d: KeepDuration): string {
  return [[d.years, 'y'], [d.months, 'm'], [d.days, 'd'], [d.hours, 'h']]
    .filter(([n]) => n !== 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join('');
}

/** A --keep-{last,hourly,...} value as restic 0.18 takes it: a non-negative integer or "unlimited" (-1). */
export function parseKeepCount(text: string): number {
  if (text === 'unlimited') return -1;
  if (!/^[+-]?\d+$/.test(text)) throw new LockstepError(`invalid count "${text}": use a number or "unlimited"`);
  const value = BigInt(text);
  if (value < 0n) throw new LockstepError("negative values not allowed, use 'unlimited' instead");
  if (value > 2n ** 63n - 1n) throw new LockstepError(`invalid count "${text}": value out of range`);
  // Beyond 2^53 a count can never run out, just as the exact value could not.
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

/** One --keep-tag value: tags separated by commas, white space around each removed (so "" is [""]). */
export function parseKeepTag(text: string): string[] {
  return text.split(',').map(trimGoSpace);
}

/** restic's --group-by value: host(s), path(s), tag(s), comma-separated; "" groups everything together. */
export function parseGroupBy(text: string): GroupBy {
  const by: GroupBy = { host: false, paths: false, tags: false };
  for (const option of text.split(',')) {
    if (option === 'host' || option === 'hosts') by.host = true;
    else if (option === 'path' || option === 'paths') by.paths = true;
    else if (option === 'tag' || option === 'tags') by.tags = true;
    else if (option !== '') throw new LockstepError(`unknown grouping option: ${JSON.stringify(option)}`);
  }
  return by;
}

// ---------------------------------------------------------------------------------------------
// The policy as a whole

const COUNT_RULES = [
  ['last', 'latest'],
  ['hourly', 'hourly'],
  ['daily', 'daily'],
  ['weekly', 'weekly'],
  ['monthly', 'monthly'],
  ['yearly', 'yearly'],
] as const;

const WITHIN_RULES = [
  ['withinHourly', 'hourly'],
  ['withinDaily', 'daily'],
  ['withinWeekly', 'weekly'],
  ['withinMonthly', 'monthly'],
  ['withinYearly', 'yearly'],
] as const;

const isZeroDuration = (d: KeepDuration | undefined): boolean =>
  d === undefined || (d.years === 0 && d.months === 0 && d.days === 0 && d.hours === 0);

/**
 * Whether the policy keeps nothing at all. restic's forget refuses such a policy ("no policy was
 * specified, no snapshots will be removed") unless --unsafe-allow-remove-all is given together with a
 * snapshot filter; applyPolicy itself then removes every snapshot.
 */
export function isEmptyPolicy(policy: RetentionPolicy): boolean {
  return (
    COUNT_RULES.every(([rule]) => !policy[rule]) &&
    isZeroDuration(policy.within) &&
    WITHIN_RULES.every(([rule]) => isZeroDuration(policy[rule])) &&
    (policy.tags ?? []).length === 0
  );
}

/** Throws a LockstepError for what restic's forget refuses: counts below -1, negative or fractional numbers. */
export function validatePolicy(policy: RetentionPolicy): void {
  for (const [rule] of COUNT_RULES) {
    const count = policy[rule];
    if (count !== undefined && !(Number.isInteger(count) && count >= -1)) {
      throw new LockstepError('negative values other than -1 are not allowed for --keep-*');
    }
  }
  for (const d of [policy.within, ...WITHIN_RULES.map(([rule]) => policy[rule])]) {
    if (d === undefined) continue;
    const parts = [d.years, d.months, d.days, d.hours];
    if (!parts.every((n) => Number.isInteger(n) && Math.abs(n) <= MAX_DURATION_COMPONENT)) {
      throw new LockstepError(`invalid duration ${JSON.stringify(d)} for --keep-within*`);
    }
    if (parts.some((n) => n < 0)) throw new LockstepError('durations containing negative values are not allowed for --keep-within*');
  }
}

const formatTagList = (tags: readonly string[]): string => `[${tags.join(', ')}]`;

/** restic's one-line summary of a policy, as forget prints it after "Applying Policy: ". */
export function describePolicy(policy: RetentionPolicy): string {
  const counts = COUNT_RULES.flatMap(([rule, word]) => {
    const n = policy[rule] ?? 0;
    return n > 0 ? [`${n} ${word}`] : n === -1 ? [`all ${word}`] : [];
  });
  const withins = WITHIN_RULES.flatMap(([rule, word]) => {
    const d = policy[rule];
    return d && !isZeroDuration(d) ? [`${word} snapshots within ${formatKeepDuration(d)}`] : [];
  });
  let text = counts.length > 0 ? `${counts.join(', ')} snapshots` : '';
  if (withins.length > 0) text += `${text ? ', ' : ''}${withins.join(', ')}`;
  const tags = policy.tags ?? [];
  if (tags.length > 0) text += `${text ? ' and ' : ''}all snapshots with tags [${tags.map(formatTagList).join(' ')}]`;
  if (policy.within && !isZeroDuration(policy.within)) {
    text += `${text ? ' and ' : ''}all snapshots within ${formatKeepDuration(policy.within)} of the newest`;
  }
  return text ? `keep ${text}` : 'remove';
}

// ---------------------------------------------------------------------------------------------
// Times as Go sees a snapshot's time: an instant, plus the wall clock of the zone it was written in

/**
 * Go decodes "Z" as UTC, an offset that the local zone has at that instant as the local zone, and
 * any other offset as a fixed zone. Only the local zone can change its offset (daylight saving time).
 */
type Zone = { kind: 'fixed'; offsetSeconds: number } | { kind: 'local' };

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
}

interface SnapshotTime {
  ns: bigint;
  zone: Zone;
  /** The time's wall clock in its zone, which is what restic's hourly..yearly buckets use. */
  wall: WallClock;
}

/** The local zone's UTC offset at a Unix time, as Go's time.Local would give it (both read TZ and the TZ database). */
function localOffsetSeconds(unixSeconds: bigint): number {
  const ms = Math.min(Math.max(Number(unixSeconds) * 1000, -DATE_LIMIT_MS), DATE_LIMIT_MS);
  return Math.round(-new Date(ms).getTimezoneOffset() * 60);
}

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
};

const TIME_FIELDS = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):\d{2}:\d{2}(?:[.,]\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

function snapshotTime(text: string): SnapshotTime {
  const ns = parseGoTime(text);
  const [, year, month, day, hour, sign, offsetHours, offsetMinutes] = TIME_FIELDS.exec(text)!;
  const wall = { year: Number(year), month: Number(month), day: Number(day), hour: Number(hour) };
  if (sign === undefined) return { ns, wall, zone: { kind: 'fixed', offsetSeconds: 0 } };
  const offsetSeconds = (sign === '-' ? -1 : 1) * (Number(offsetHours) * 3600 + Number(offsetMinutes) * 60);
  const isLocal = localOffsetSeconds(floorDiv(ns, NS_PER_SECOND)) === offsetSeconds;
  return { ns, wall, zone: isLocal ? { kind: 'local' } : { kind: 'fixed', offsetSeconds } };
}

/** The instant of a wall-clock time in a zone; in the local zone, resolved across DST gaps and overlaps as Go's time.Date does. */
function unixFromWall(wallSeconds: bigint, zone: Zone): bigint {
  if (zone.kind === 'fixed') return wallSeconds - BigInt(zone.offsetSeconds);
  const guess = localOffsetSeconds(wallSeconds);
  const offset = localOffsetSeconds(wallSeconds - BigInt(guess));
  return wallSeconds - BigInt(offset === guess ? guess : offset);
}

function offsetAt(unixSeconds: bigint, zone: Zone): number {
  return zone.kind === 'fixed' ? zone.offsetSeconds : localOffsetSeconds(unixSeconds);
}

/** Go's t.AddDate(-years, -months, -days).Add(-hours), in t's zone; the hours wrap around as Go's int64 Duration does. */
function subtractDuration(t: { ns: bigint; zone: Zone }, d: KeepDuration): bigint {
  const unixSeconds = floorDiv(t.ns, NS_PER_SECOND);
  const nanos = t.ns - unixSeconds * NS_PER_SECOND;
  const wallSeconds = unixSeconds + BigInt(offsetAt(unixSeconds, t.zone));
  const days = Number(floorDiv(wallSeconds, BigInt(SECONDS_PER_DAY)));
  const secondOfDay = wallSeconds - BigInt(days) * BigInt(SECONDS_PER_DAY);
  const date = civilFromDayNumber(days);
  const shiftedDays = dayNumberFromCivil(date.year - d.years, date.month - d.months, date.day - d.days);
  const shifted = unixFromWall(BigInt(shiftedDays) * BigInt(SECONDS_PER_DAY) + secondOfDay, t.zone);
  return shifted * NS_PER_SECOND + nanos + BigInt.asIntN(64, -BigInt(d.hours) * NS_PER_HOUR);
}

/** Go's time.ISOWeek of a date: the ISO 8601 year and week number. */
function isoWeek(wall: WallClock): { year: number; week: number } {
  const days = dayNumberFromCivil(wall.year, wall.month, wall.day);
  const mondayBased = (((days + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  const thursday = days - mondayBased + 3;
  const year = civilFromDayNumber(thursday).year;
  return { year, week: Math.floor((thursday - dayNumberFromCivil(year, 1, 1)) / 7) + 1 };
}

// ---------------------------------------------------------------------------------------------
// Applying the policy to one group

type Bucketer = (t: WallClock, position: number) => number;

const bucketers: Record<'last' | 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly', Bucketer> = {
  last: (_t, position) => position,
  hourly: (t) => t.year * 1_000_000 + t.month * 10_000 + t.day * 100 + t.hour,
  daily: (t) => t.year * 10_000 + t.month * 100 + t.day,
  weekly: (t) => {
    const { year, week } = isoWeek(t);
    return year * 100 + week;
  },
  monthly: (t) => t.year * 100 + t.month,
  yearly: (t) => t.year,
};

/** A rule that keeps the first (newest) snapshot of each bucket, while it has count left or within a time span. */
interface BucketRule {
  bucketer: Bucketer;
  reason: string;
  /** Snapshots still to keep; -1 for unlimited; undefined for a within-rule. */
  remaining?: number;
  /** For a within-rule: snapshots must be strictly newer than this. */
  after?: bigint;
  /** The bucket of the last snapshot this rule kept. */
  lastBucket: number;
}

/** The newest snapshot time before now, or Go's zero time when there is none. */
function newestPastTime(times: readonly SnapshotTime[], nowNs: bigint): { ns: bigint; zone: Zone } {
  let newest: { ns: bigint; zone: Zone } = { ns: GO_ZERO_TIME_NS, zone: { kind: 'fixed', offsetSeconds: 0 } };
  for (const t of times) if (t.ns > newest.ns && t.ns < nowNs) newest = t;
  return newest;
}

function bucketRules(policy: RetentionPolicy, newest: { ns: bigint; zone: Zone }): BucketRule[] {
  const rules: BucketRule[] = [];
  for (const [rule] of COUNT_RULES) {
    const count = policy[rule] ?? 0;
    if (count !== 0) rules.push({ bucketer: bucketers[rule], reason: `${rule} snapshot`, remaining: count, lastBucket: -1 });
  }
  for (const [rule, word] of WITHIN_RULES) {
    const d = policy[rule];
    if (d && !isZeroDuration(d)) {
      rules.push({ bucketer: bucketers[word], reason: `${word} within ${formatKeepDuration(d)}`, after: subtractDuration(newest, d), lastBucket: -1 });
    }
  }
  return rules;
}

function hasTags(tags: readonly string[] | undefined, wanted: readonly string[]): boolean {
  for (const tag of wanted) {
    // An empty tag matches an untagged snapshot, whatever else the list asks for.
    if (tag === '' && (tags ?? []).length === 0) return true;
    if (!(tags ?? []).includes(tag)) return false;
  }
  return true;
}

/** Why a bucket rule keeps the snapshot at `position` (of `count`), if it does; updates the rule's state. */
function bucketMatch(rule: BucketRule, time: SnapshotTime, position: number, count: number): string | undefined {
  if (rule.remaining === 0) return undefined;
  if (rule.after !== undefined && !(time.ns > rule.after)) return undefined;
  const bucket = rule.bucketer(time.wall, position);
  const sameBucket = bucket === rule.lastBucket;
  // The oldest snapshot is kept too while a rule has count left, to keep the history as long as possible.
  if (sameBucket && position !== count - 1) return undefined;
  rule.lastBucket = bucket;
  if (rule.remaining !== undefined && rule.remaining > 0) rule.remaining--;
  return sameBucket ? `oldest ${rule.reason}` : rule.reason;
}

/**
 * Applies the policy to one group of snapshots, as restic's ApplyPolicy does: newest first (snapshots
 * with equal times stay in their given order), each rule keeping the newest snapshot of each of its
 * buckets. Buckets use the wall clock in each snapshot time's own zone; --keep-within* spans count back
 * from the newest snapshot before `now`. An empty policy removes everything (see isEmptyPolicy).
 */
export function applyPolicy(entries: readonly SnapshotEntry[], policy: RetentionPolicy, now: Date = new Date()): PolicyResult {
  validatePolicy(policy);
  const timed = entries.map((entry) => ({ entry, time: snapshotTime(entry.snapshot.time) }));
  timed.sort((a, b) => (a.time.ns === b.time.ns ? 0 : a.time.ns > b.time.ns ? -1 : 1));
  const result: PolicyResult = { keep: [], remove: [], reasons: new Map() };
  if (timed.length === 0) return result;

  const newest = newestPastTime(timed.map((t) => t.time), BigInt(now.getTime()) * 1_000_000n);
  const within = policy.within && !isZeroDuration(policy.within) ? { text: `within ${formatKeepDuration(policy.within)}`, after: subtractDuration(newest, policy.within) } : undefined;
  const rules = bucketRules(policy, newest);

  timed.forEach(({ entry, time }, position) => {
    const matches: string[] = [];
    for (const tags of policy.tags ?? []) if (hasTags(entry.snapshot.tags, tags)) matches.push(`has tags ${formatTagList(tags)}`);
    if (within && time.ns > within.after) matches.push(within.text);
    for (const rule of rules) {
      const match = bucketMatch(rule, time, position, timed.length);
      if (match !== undefined) matches.push(match);
    }
    if (matches.length > 0) {
      result.keep.push(entry);
      result.reasons.set(entry.id, matches);
    } else {
      result.remove.push(entry);
    }
  });
  return result;
}

// ---------------------------------------------------------------------------------------------
// Groups

/** Go's sort.Strings order: by UTF-8 bytes. */
const compareUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const sortedUtf8 = (items: readonly string[]): string[] => [...items].sort(compareUtf8);

function groupKeyOf(entry: SnapshotEntry, by: GroupBy): GroupKey {
  const key: GroupKey = {};
  if (by.host) key.hostname = entry.snapshot.hostname ?? '';
  // restic keys on Go's nil-or-not: a snapshot without tags is grouped apart from one with "tags": [].
  if (by.paths && entry.snapshot.paths.length > 0) key.paths = sortedUtf8(entry.snapshot.paths);
  if (by.tags && entry.snapshot.tags !== undefined) key.tags = sortedUtf8(entry.snapshot.tags);
  return key;
}

/** Absent before present, then element by element, shorter first. */
function compareLists(a: readonly string[] | undefined, b: readonly string[] | undefined): number {
  if (a === undefined || b === undefined) return (a === undefined ? 0 : 1) - (b === undefined ? 0 : 1);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareUtf8(a[i], b[i]);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

const compareGroupKeys = (a: GroupKey, b: GroupKey): number =>
  compareUtf8(a.hostname ?? '', b.hostname ?? '') || compareLists(a.paths, b.paths) || compareLists(a.tags, b.tags);

const groupKeyText = (key: GroupKey): string => JSON.stringify([key.hostname ?? '', key.paths ?? null, key.tags ?? null]);

/**
 * Splits snapshots into restic's --group-by groups, each keeping the given order. restic visits its
 * groups in Go's random map order; these come sorted by host, then paths, then tags.
 */
export function groupSnapshots(entries: readonly SnapshotEntry[], by: GroupBy): SnapshotGroup[] {
  const groups = new Map<string, SnapshotGroup>();
  for (const entry of entries) {
    const key = groupKeyOf(entry, by);
    const text = groupKeyText(key);
    let group = groups.get(text);
    if (!group) groups.set(text, (group = { key, entries: [] }));
    group.entries.push(entry);
  }
  return [...groups.values()].sort((a, b) => compareGroupKeys(a.key, b.key));
}

/**
 * What `restic forget` (without snapshot IDs) decides: the policy applied to each group. restic
 * refuses to go on when a group would lose every snapshot under a non-empty policy ("refusing to
 * delete last snapshot of snapshot group"); that check is the caller's, as is refusing an empty policy.
 */
export function planForget(entries: readonly SnapshotEntry[], policy: RetentionPolicy, by: GroupBy = DEFAULT_GROUP_BY, now: Date = new Date()): ForgetGroup[] {
  return groupSnapshots(entries, by).map(({ key, entries: members }) => ({ key, ...applyPolicy(members, policy, now) }));
}

/** restic's description of a group key, as in "refusing to delete last snapshot of snapshot group ...". */
export function describeGroupKey(key: GroupKey): string {
  const parts: string[] = [];
  if (key.hostname) parts.push(`host ${key.hostname}`);
  if (key.paths?.length) parts.push(`path [${key.paths.join(' ')}]`);
  if (key.tags?.length) parts.push(`tags [${key.tags.join(' ')}]`);
  return parts.join(', ');
}
