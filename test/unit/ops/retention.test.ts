import { afterEach, describe, expect, it } from 'vitest';
import {
  applyPolicy,
  describeGroupKey,
  describePolicy,
  formatKeepDuration,
  groupSnapshots,
  isEmptyPolicy,
  parseGroupBy,
  parseKeepCount,
  parseKeepDuration,
  parseKeepTag,
  planForget,
  RetentionPolicy,
  SnapshotEntry,
  validatePolicy,
} from '../../../server/src/ops/retention';

const TREE = 'a'.repeat(64);

function entry(id: string, time: string, extra: { hostname?: string; paths?: string[]; tags?: string[] } = {}): SnapshotEntry {
  return { id, snapshot: { time, tree: TREE, paths: extra.paths ?? ['/data'], hostname: extra.hostname ?? 'h', tags: extra.tags } };
}

/** Entries named by their times, so that results read as times. */
const at = (...times: string[]): SnapshotEntry[] => times.map((t) => entry(t, t));

const NOW = new Date('2030-01-01T00:00:00Z');
const kept = (entries: SnapshotEntry[], policy: RetentionPolicy, now = NOW): string[] => applyPolicy(entries, policy, now).keep.map((e) => e.id);
const reasonsOf = (entries: SnapshotEntry[], policy: RetentionPolicy): Record<string, string[]> =>
  Object.fromEntries(applyPolicy(entries, policy, NOW).reasons);

const duration = (text: string) => parseKeepDuration(text);

describe('parsing the flags', () => {
  it('reads restic durations: y, m, d, h in any order, the last of a repeated unit winning', () => {
    expect(parseKeepDuration('1y2m3d4h')).toEqual({ years: 1, months: 2, days: 3, hours: 4 });
    expect(parseKeepDuration('36h')).toEqual({ years: 0, months: 0, days: 0, hours: 36 });
    expect(parseKeepDuration(' 4h2y ')).toEqual({ years: 2, months: 0, days: 0, hours: 4 });
    expect(parseKeepDuration('1d2d')).toEqual({ years: 0, months: 0, days: 2, hours: 0 });
    expect(parseKeepDuration('')).toEqual({ years: 0, months: 0, days: 0, hours: 0 });
  });

  it('refuses durations restic refuses', () => {
    expect(() => parseKeepDuration('5')).toThrow(/no unit found after number 5/);
    expect(() => parseKeepDuration('d')).toThrow(/no number found/);
    expect(() => parseKeepDuration('3w')).toThrow(/invalid unit "w"/);
    expect(() => parseKeepDuration('1m30s')).toThrow(/invalid unit "s"/);
    expect(() => parseKeepDuration('-1d')).toThrow(/negative values are not allowed/);
  });

  it('spells durations as restic does', () => {
    expect(formatKeepDuration(duration('2h1y'))).toBe('1y2h');
    expect(formatKeepDuration(duration('1y2m3d4h'))).toBe('1y2m3d4h');
  });

  it('reads counts: numbers or "unlimited" (-1); negative numbers are refused, as in restic 0.18', () => {
    expect(parseKeepCount('7')).toBe(7);
    expect(parseKeepCount('+7')).toBe(7);
    expect(parseKeepCount('0')).toBe(0);
    expect(parseKeepCount('unlimited')).toBe(-1);
    expect(() => parseKeepCount('-1')).toThrow(/use 'unlimited' instead/);
    expect(() => parseKeepCount('many')).toThrow(/invalid count/);
    expect(() => parseKeepCount('99999999999999999999')).toThrow(/out of range/);
  });

  it('splits --keep-tag at commas and trims each tag', () => {
    expect(parseKeepTag('a, b ,c')).toEqual(['a', 'b', 'c']);
    expect(parseKeepTag('')).toEqual(['']);
  });

  it('reads --group-by', () => {
    expect(parseGroupBy('host,paths')).toEqual({ host: true, paths: true, tags: false });
    expect(parseGroupBy('hosts,tag')).toEqual({ host: true, paths: false, tags: true });
    expect(parseGroupBy('')).toEqual({ host: false, paths: false, tags: false });
    expect(() => parseGroupBy('host,user')).toThrow(/unknown grouping option: "user"/);
  });
});

describe('the policy as a whole', () => {
  it('is empty when nothing would be kept by it', () => {
    expect(isEmptyPolicy({})).toBe(true);
    expect(isEmptyPolicy({ last: 0, tags: [], within: duration('') })).toBe(true);
    expect(isEmptyPolicy({ last: -1 })).toBe(false);
    expect(isEmptyPolicy({ withinYearly: duration('1y') })).toBe(false);
    expect(isEmptyPolicy({ tags: [['']] })).toBe(false);
  });

  it('refuses counts below -1 and fractional or negative durations', () => {
    expect(() => validatePolicy({ daily: -2 })).toThrow(/negative values other than -1/);
    expect(() => validatePolicy({ daily: 1.5 })).toThrow(/negative values other than -1/);
    expect(() => validatePolicy({ within: { years: 0, months: 0, days: -1, hours: 0 } })).toThrow(/negative values/);
    expect(() => applyPolicy(at('2024-01-01T00:00:00Z'), { last: -3 })).toThrow();
    expect(() => validatePolicy({ last: -1, within: duration('1y') })).not.toThrow();
  });

  it('is described as restic describes it', () => {
    expect(describePolicy({})).toBe('remove');
    expect(describePolicy({ last: 2, daily: 7, monthly: -1 })).toBe('keep 2 latest, 7 daily, all monthly snapshots');
    expect(describePolicy({ withinDaily: duration('7d'), tags: [['a', 'b'], ['c']], within: duration('1y2h') })).toBe(
      'keep daily snapshots within 7d and all snapshots with tags [[a, b] [c]] and all snapshots within 1y2h of the newest',
    );
  });
});

describe('applying a policy to one group', () => {
  it('keeps the last n snapshots, newest first, whatever the input order', () => {
    const entries = at('2024-01-02T00:00:00Z', '2024-01-05T00:00:00Z', '2024-01-01T00:00:00Z', '2024-01-04T00:00:00Z');
    const result = applyPolicy(entries, { last: 2 }, NOW);
    expect(result.keep.map((e) => e.id)).toEqual(['2024-01-05T00:00:00Z', '2024-01-04T00:00:00Z']);
    expect(result.remove.map((e) => e.id)).toEqual(['2024-01-02T00:00:00Z', '2024-01-01T00:00:00Z']);
    expect(result.reasons.get('2024-01-05T00:00:00Z')).toEqual(['last snapshot']);
  });

  it('compares instants across zones and to the nanosecond', () => {
    expect(kept(at('2024-01-01T10:00:00+02:00', '2024-01-01T09:00:00Z'), { last: 1 })).toEqual(['2024-01-01T09:00:00Z']);
    expect(kept(at('2024-01-01T00:00:00.000000001Z', '2024-01-01T00:00:00.000000002Z'), { last: 1 })).toEqual(['2024-01-01T00:00:00.000000002Z']);
  });

  it('keeps snapshots with equal times in the order given (restic sorts stably)', () => {
    const entries = [entry('first', '2024-01-01T00:00:00Z'), entry('second', '2024-01-01T00:00:00Z')];
    expect(kept(entries, { last: 1 })).toEqual(['first']);
  });

  it('keeps everything with -1 ("unlimited") and nothing with an empty policy', () => {
    const entries = at('2024-01-01T00:00:00Z', '2024-01-01T00:00:01Z', '2024-01-01T00:00:02Z');
    expect(kept(entries, { last: -1 })).toHaveLength(3);
    const result = applyPolicy(entries, {}, NOW);
    expect(result.keep).toEqual([]);
    expect(result.remove).toHaveLength(3);
    expect(applyPolicy([], { last: 1 }, NOW)).toEqual({ keep: [], remove: [], reasons: new Map() });
  });

  it('keeps the newest snapshot of each of the last n hours', () => {
    const entries = at('2024-05-01T10:05:00Z', '2024-05-01T10:50:00Z', '2024-05-01T11:10:00Z', '2024-05-01T13:00:00Z', '2024-05-01T13:59:59Z');
    expect(kept(entries, { hourly: 2 })).toEqual(['2024-05-01T13:59:59Z', '2024-05-01T11:10:00Z']);
    // Unlimited never runs out, so the oldest snapshot is always kept as well.
    expect(reasonsOf(entries, { hourly: -1 })).toEqual({
      '2024-05-01T13:59:59Z': ['hourly snapshot'],
      '2024-05-01T11:10:00Z': ['hourly snapshot'],
      '2024-05-01T10:50:00Z': ['hourly snapshot'],
      '2024-05-01T10:05:00Z': ['oldest hourly snapshot'],
    });
  });

  it('keeps the newest snapshot of each of the last n days', () => {
    const entries = at('2024-05-01T08:00:00Z', '2024-05-01T20:00:00Z', '2024-05-02T01:00:00Z', '2024-05-04T23:59:00Z', '2024-05-04T00:00:00Z');
    expect(kept(entries, { daily: 2 })).toEqual(['2024-05-04T23:59:00Z', '2024-05-02T01:00:00Z']);
  });

  it('keeps the newest snapshot of each of the last n ISO weeks (Monday to Sunday, week-numbering year)', () => {
    // 2024-12-30 (Monday) is in week 1 of 2025; 2024-12-29 (Sunday) in week 52 of 2024.
    const entries = at('2025-01-01T12:00:00Z', '2024-12-30T00:00:00Z', '2024-12-29T23:59:59Z', '2024-12-23T00:00:00Z', '2024-12-22T12:00:00Z');
    expect(kept(entries, { weekly: 3 })).toEqual(['2025-01-01T12:00:00Z', '2024-12-29T23:59:59Z', '2024-12-22T12:00:00Z']);
    // 2021-01-03 (Sunday) belongs to week 53 of 2020, like 2020-12-28.
    expect(kept(at('2021-01-04T00:00:00Z', '2021-01-03T00:00:00Z', '2020-12-28T00:00:00Z'), { weekly: 2 })).toEqual([
      '2021-01-04T00:00:00Z',
      '2021-01-03T00:00:00Z',
    ]);
  });

  it('keeps the newest snapshot of each of the last n months and years', () => {
    const entries = at('2024-03-31T00:00:00Z', '2024-03-01T00:00:00Z', '2024-02-29T00:00:00Z', '2023-12-31T00:00:00Z', '2022-06-01T00:00:00Z', '2022-01-01T00:00:00Z');
    expect(kept(entries, { monthly: 3 })).toEqual(['2024-03-31T00:00:00Z', '2024-02-29T00:00:00Z', '2023-12-31T00:00:00Z']);
    expect(kept(entries, { yearly: 2 })).toEqual(['2024-03-31T00:00:00Z', '2023-12-31T00:00:00Z']);
  });

  it('also keeps the oldest snapshot while a rule has count left, to keep the history as long as possible', () => {
    const entries = at('2024-05-03T10:00:00Z', '2024-05-02T10:00:00Z', '2024-05-01T18:00:00Z', '2024-05-01T09:00:00Z');
    expect(reasonsOf(entries, { daily: 5 })).toEqual({
      '2024-05-03T10:00:00Z': ['daily snapshot'],
      '2024-05-02T10:00:00Z': ['daily snapshot'],
      '2024-05-01T18:00:00Z': ['daily snapshot'],
      '2024-05-01T09:00:00Z': ['oldest daily snapshot'],
    });
    // With the count used up the oldest goes.
    expect(kept(entries, { daily: 3 })).toEqual(['2024-05-03T10:00:00Z', '2024-05-02T10:00:00Z', '2024-05-01T18:00:00Z']);
    // A lone snapshot is simply the newest of its bucket, not "oldest".
    expect(reasonsOf(at('2024-05-01T09:00:00Z'), { daily: 5 })).toEqual({ '2024-05-01T09:00:00Z': ['daily snapshot'] });
  });

  it('lets every rule count independently, and lists all the rules that matched', () => {
    const entries = at('2024-05-03T10:00:00Z', '2024-05-03T09:00:00Z', '2024-05-02T10:00:00Z', '2024-04-20T10:00:00Z', '2024-03-20T10:00:00Z');
    expect(reasonsOf(entries, { last: 2, daily: 2, monthly: 2 })).toEqual({
      '2024-05-03T10:00:00Z': ['last snapshot', 'daily snapshot', 'monthly snapshot'],
      '2024-05-03T09:00:00Z': ['last snapshot'],
      '2024-05-02T10:00:00Z': ['daily snapshot'],
      '2024-04-20T10:00:00Z': ['monthly snapshot'],
    });
  });
});

describe('buckets use the wall clock of each snapshot time’s own zone', () => {
  afterEach(() => {
    delete process.env.TZ;
  });

  it('puts 23:30 and 08:00 at -05:00 on the same day, whatever the local zone', () => {
    process.env.TZ = 'Asia/Tokyo';
    const entries = at('2024-01-15T23:30:00-05:00', '2024-01-15T08:00:00-05:00', '2024-01-14T08:00:00-05:00');
    expect(kept(entries, { daily: 2 })).toEqual(['2024-01-15T23:30:00-05:00', '2024-01-14T08:00:00-05:00']);
  });

  it('counts keep-within back in the newest time’s zone: across a DST change only in the local zone', () => {
    process.env.TZ = 'Europe/Berlin';
    // Written in Berlin's own summer offset, so Go reads it in the local zone: one day back is 12:00 CET = 11:00Z.
    expect(kept(at('2024-03-31T12:00:00+02:00', '2024-03-30T10:30:00Z', '2024-03-30T11:00:01Z'), { within: duration('1d') })).toEqual([
      '2024-03-31T12:00:00+02:00',
      '2024-03-30T11:00:01Z',
    ]);
    // The same instant in a fixed +02:00 zone (not Berlin's at the time) goes back 24 hours: 10:00Z.
    process.env.TZ = 'Asia/Tokyo';
    expect(kept(at('2024-03-31T12:00:00+02:00', '2024-03-30T10:30:00Z', '2024-03-30T09:59:59Z'), { within: duration('1d') })).toEqual([
      '2024-03-31T12:00:00+02:00',
      '2024-03-30T10:30:00Z',
    ]);
  });
});

describe('keep-within', () => {
  it('keeps what is strictly newer than the newest snapshot minus the duration, not minus now', () => {
    const entries = at('2020-06-10T12:00:00Z', '2020-06-09T12:00:01Z', '2020-06-09T12:00:00Z', '2020-06-01T00:00:00Z');
    expect(kept(entries, { within: duration('1d') })).toEqual(['2020-06-10T12:00:00Z', '2020-06-09T12:00:01Z']);
    expect(reasonsOf(entries, { within: duration('1d') })['2020-06-10T12:00:00Z']).toEqual(['within 1d']);
    expect(kept(entries, { within: duration('24h') })).toEqual(['2020-06-10T12:00:00Z', '2020-06-09T12:00:01Z']);
  });

  it('subtracts months and years as calendar dates, normalizing like Go (March 31 minus a month is March 2)', () => {
    const entries = at('2024-03-31T12:00:00Z', '2024-03-02T12:00:01Z', '2024-03-02T12:00:00Z', '2024-02-29T12:00:00Z');
    expect(kept(entries, { within: duration('1m') })).toEqual(['2024-03-31T12:00:00Z', '2024-03-02T12:00:01Z']);
    const leap = at('2024-02-29T00:00:00Z', '2023-03-01T00:00:01Z', '2023-03-01T00:00:00Z');
    expect(kept(leap, { within: duration('1y') })).toEqual(['2024-02-29T00:00:00Z', '2023-03-01T00:00:01Z']);
  });

  it('ignores snapshots in the future when finding the newest, but keeps them', () => {
    const now = new Date('2024-06-01T00:00:00Z');
    const entries = at('2099-01-01T00:00:00Z', '2024-05-31T00:00:00Z', '2024-05-30T12:00:00Z', '2024-05-29T00:00:00Z');
    expect(kept(entries, { within: duration('1d') }, now)).toEqual(['2099-01-01T00:00:00Z', '2024-05-31T00:00:00Z', '2024-05-30T12:00:00Z']);
    // With only future snapshots there is no newest (Go's zero time), so everything is within.
    expect(kept(at('2099-01-01T00:00:00Z', '2098-01-01T00:00:00Z'), { within: duration('1h') }, now)).toHaveLength(2);
  });

  it('keeps the newest of each bucket within the span with --keep-within-hourly/daily/weekly/monthly/yearly', () => {
    const entries = at(
      '2024-05-10T12:00:00Z',
      '2024-05-10T08:00:00Z',
      '2024-05-09T12:00:00Z',
      '2024-05-08T12:00:00Z',
      '2024-05-01T12:00:00Z',
      '2024-04-01T12:00:00Z',
      '2023-01-01T12:00:00Z',
    );
    expect(kept(entries, { withinDaily: duration('2d') })).toEqual(['2024-05-10T12:00:00Z', '2024-05-09T12:00:00Z']);
    expect(kept(entries, { withinMonthly: duration('2m') })).toEqual(['2024-05-10T12:00:00Z', '2024-04-01T12:00:00Z']);
    expect(kept(entries, { withinHourly: duration('5h') })).toEqual(['2024-05-10T12:00:00Z', '2024-05-10T08:00:00Z']);
    expect(kept(entries, { withinWeekly: duration('14d') })).toEqual(['2024-05-10T12:00:00Z', '2024-05-01T12:00:00Z']);
    expect(reasonsOf(entries, { withinYearly: duration('10y') })).toEqual({
      '2024-05-10T12:00:00Z': ['yearly within 10y'],
      '2023-01-01T12:00:00Z': ['yearly within 10y'],
    });
  });

  it('keeps the oldest snapshot too when it is within the span', () => {
    const entries = at('2024-05-10T12:00:00Z', '2024-05-10T08:00:00Z');
    expect(reasonsOf(entries, { withinDaily: duration('1d') })).toEqual({
      '2024-05-10T12:00:00Z': ['daily within 1d'],
      '2024-05-10T08:00:00Z': ['oldest daily within 1d'],
    });
  });
});

describe('keep-tag', () => {
  const entries = [
    entry('both', '2024-01-05T00:00:00Z', { tags: ['foo', 'bar'] }),
    entry('foo', '2024-01-04T00:00:00Z', { tags: ['foo'] }),
    entry('bar', '2024-01-03T00:00:00Z', { tags: ['bar'] }),
    entry('none', '2024-01-02T00:00:00Z'),
    entry('other', '2024-01-01T00:00:00Z', { tags: ['other'] }),
  ];

  it('keeps snapshots with all tags of one list, or of any list', () => {
    expect(kept(entries, { tags: [['foo', 'bar']] })).toEqual(['both']);
    expect(kept(entries, { tags: [['foo'], ['bar']] })).toEqual(['both', 'foo', 'bar']);
    expect(reasonsOf(entries, { tags: [['foo'], ['bar']] }).both).toEqual(['has tags [foo]', 'has tags [bar]']);
  });

  it('with an empty tag keeps untagged snapshots (even when the list asks for more)', () => {
    expect(kept(entries, { tags: [['']] })).toEqual(['none']);
    expect(kept(entries, { tags: [['', 'foo']] })).toEqual(['none']);
  });

  it('does not count against the other rules, and comes first among the reasons', () => {
    expect(reasonsOf(entries, { tags: [['other']], last: 1, within: duration('2d') })).toEqual({
      both: ['within 2d', 'last snapshot'],
      foo: ['within 2d'],
      other: ['has tags [other]'],
    });
  });
});

describe('groups', () => {
  const entries = [
    entry('a1', '2024-01-01T00:00:00Z', { hostname: 'a', paths: ['/x', '/y'], tags: ['t2', 't1'] }),
    entry('a2', '2024-01-02T00:00:00Z', { hostname: 'a', paths: ['/y', '/x'], tags: ['t1', 't2'] }),
    entry('a3', '2024-01-03T00:00:00Z', { hostname: 'a', paths: ['/z'] }),
    entry('b1', '2024-01-04T00:00:00Z', { hostname: 'b', paths: ['/z'], tags: [] }),
  ];
  const ids = (by: Parameters<typeof groupSnapshots>[1]): string[][] => groupSnapshots(entries, by).map((g) => g.entries.map((e) => e.id));

  it('are by host and paths by default; the order of paths does not matter', () => {
    const groups = groupSnapshots(entries, { host: true, paths: true, tags: false });
    expect(groups.map((g) => g.entries.map((e) => e.id))).toEqual([['a1', 'a2'], ['a3'], ['b1']]);
    expect(groups[0].key).toEqual({ hostname: 'a', paths: ['/x', '/y'] });
  });

  it('can be by tags (sorted), by any mix, or none', () => {
    const byTags = groupSnapshots(entries, { host: false, paths: false, tags: true });
    expect(byTags.map((g) => g.key)).toEqual([{}, { tags: [] }, { tags: ['t1', 't2'] }]);
    expect(ids({ host: false, paths: false, tags: true })).toEqual([['a3'], ['b1'], ['a1', 'a2']]);
    expect(ids({ host: false, paths: true, tags: false })).toEqual([['a1', 'a2'], ['a3', 'b1']]);
    expect(ids({ host: false, paths: false, tags: false })).toEqual([['a1', 'a2', 'a3', 'b1']]);
  });

  it('each get the policy on their own', () => {
    const plan = planForget(entries, { last: 1 }, { host: true, paths: false, tags: false }, NOW);
    expect(plan.map((g) => [g.key.hostname, g.keep.map((e) => e.id), g.remove.map((e) => e.id)])).toEqual([
      ['a', ['a3'], ['a2', 'a1']],
      ['b', ['b1'], []],
    ]);
  });

  it('are described as restic describes them', () => {
    expect(describeGroupKey({ hostname: 'a', paths: ['/x', '/y'], tags: ['t'] })).toBe('host a, path [/x /y], tags [t]');
    expect(describeGroupKey({ hostname: '' })).toBe('');
  });
});
