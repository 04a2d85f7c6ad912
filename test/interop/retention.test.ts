// Retention parity: Lockstep's forget policy keeps exactly what `restic forget --dry-run` (0.18) keeps,
// for the same reasons, in the same groups, over two years of irregular snapshots on several hosts.
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LocalBackend } from '../../server/src/backend/local';
import { formatGoTime, parseGoTime } from '../../server/src/repo/format/gotime';
import { Repository, SnapshotEntry } from '../../server/src/repo/repository';
import { Snapshot } from '../../server/src/repo/format/snapshot';
import {
  DEFAULT_GROUP_BY,
  ForgetGroup,
  GroupBy,
  parseGroupBy,
  parseKeepCount,
  parseKeepDuration,
  parseKeepTag,
  planForget,
  RetentionPolicy,
} from '../../server/src/ops/retention';
import { lockstep } from '../helpers/cli';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

const PASSWORD = 'retention-parity';
/** A zone with daylight saving time, so that --keep-within arithmetic in the local zone is exercised. */
const ZONE = 'Europe/Berlin';

const zoneBefore = process.env.TZ;
process.env.TZ = ZONE; // Node picks this up at once; restic gets the same zone below.
afterAll(() => {
  if (zoneBefore === undefined) delete process.env.TZ;
  else process.env.TZ = zoneBefore;
  cleanupTempDirs();
});

/** mulberry32: a small seeded generator, so that the data set is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const HOSTS = ['alpha', 'beta', 'gamma'];
const PATH_SETS = [['/srv/data'], ['/home/u/code', '/home/u/docs'], ['/home/u/docs', '/home/u/code']];
const TAG_SETS: string[][] = [[], ['daily-job'], ['manual'], ['daily-job', 'pre-upgrade'], ['pre-upgrade', 'manual']];
/** Offsets in minutes; +60 and +120 are Berlin's own (winter and summer), the rest fixed zones. */
const OFFSETS = [0, 60, 120, -300, 330, 540];
const MINUTE_MS = 60_000;

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)];

/** Snapshot times over 2023 and 2024: clusters minutes apart, hours apart, and gaps of days. */
function irregularTimes(random: () => number, count: number): number[] {
  const times: number[] = [];
  let ms = Date.UTC(2023, 0, 1, 3, 17, 0);
  const gapShare = 0.45;
  const averageGap = (Date.UTC(2025, 0, 1) - ms) / (count * gapShare);
  for (let i = 0; i < count; i++) {
    const kind = random();
    const step = kind < 0.3 ? (5 + random() * 45) * MINUTE_MS : kind < 1 - gapShare ? (1 + random() * 20) * 60 * MINUTE_MS : random() * 2 * averageGap;
    ms += Math.round(step / 1000) * 1000 + 1000; // whole seconds, never two at the same instant
    times.push(ms);
  }
  return times;
}

function generatedSnapshots(tree: string): Snapshot[] {
  const random = seededRandom(20_240_331);
  return irregularTimes(random, 150).map((ms) => {
    const tags = pick(random, TAG_SETS);
    const snapshot: Snapshot = {
      time: formatGoTime(BigInt(ms) * 1_000_000n, pick(random, OFFSETS)),
      tree,
      paths: pick(random, PATH_SETS),
      hostname: pick(random, HOSTS),
      username: 'u',
    };
    if (tags.length > 0) snapshot.tags = tags;
    return snapshot;
  });
}

/**
 * Small groups whose outcome depends on time zones. "dst-local" is written in Berlin's summer offset,
 * so Go reads it in the local zone and --keep-within 1d crosses the DST change (cutoff 11:00Z);
 * "dst-utc" is (five seconds after) the same instant written in UTC (cutoff 10:00:05Z). "own-day" holds two times on the same
 * day in their own zone (-05:00) but on different days in Berlin. "future" has a snapshot after now.
 */
function zoneSnapshots(tree: string): Snapshot[] {
  const at = (hostname: string, time: string): Snapshot => ({ time, tree, paths: ['/zone'], hostname });
  return [
    at('dst-local', '2024-03-31T12:00:00+02:00'),
    at('dst-local', '2024-03-30T10:30:00Z'),
    at('dst-local', '2024-03-29T10:30:00Z'),
    at('dst-utc', '2024-03-31T10:00:05Z'),
    at('dst-utc', '2024-03-30T10:40:00Z'),
    at('dst-utc', '2024-03-29T10:40:00Z'),
    at('own-day', '2024-01-15T23:30:00-05:00'),
    at('own-day', '2024-01-15T08:00:00-05:00'),
    at('own-day', '2024-01-14T08:00:00-05:00'),
    at('future', '2099-01-01T00:00:00Z'),
    at('future', '2024-06-01T00:00:00Z'),
    at('future', '2024-05-30T12:00:00Z'),
    at('future', '2023-01-01T12:00:00Z'),
  ];
}

/** A forget command line as restic takes it, turned into Lockstep's policy and grouping with our own flag parsers. */
function policyOf(args: readonly string[]): { policy: RetentionPolicy; by: GroupBy } {
  const policy: RetentionPolicy = {};
  let by: GroupBy = { ...DEFAULT_GROUP_BY };
  const counts: Record<string, 'last' | 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly'> = {
    '--keep-last': 'last', '--keep-hourly': 'hourly', '--keep-daily': 'daily', '--keep-weekly': 'weekly', '--keep-monthly': 'monthly', '--keep-yearly': 'yearly',
  };
  const withins: Record<string, 'within' | 'withinHourly' | 'withinDaily' | 'withinWeekly' | 'withinMonthly' | 'withinYearly'> = {
    '--keep-within': 'within', '--keep-within-hourly': 'withinHourly', '--keep-within-daily': 'withinDaily',
    '--keep-within-weekly': 'withinWeekly', '--keep-within-monthly': 'withinMonthly', '--keep-within-yearly': 'withinYearly',
  };
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (flag in counts) policy[counts[flag]] = parseKeepCount(value);
    else if (flag in withins) policy[withins[flag]] = parseKeepDuration(value);
    else if (flag === '--keep-tag') policy.tags = [...(policy.tags ?? []), parseKeepTag(value)];
    else if (flag === '--group-by') by = parseGroupBy(value);
    else throw new Error(`unexpected flag ${flag}`);
  }
  return { policy, by };
}

/** What restic's `forget --json` prints: one object per group. */
interface ResticForgetGroup {
  host: string;
  paths: string[] | null;
  tags: string[] | null;
  keep: { id: string }[] | null;
  remove: { id: string }[] | null;
  reasons: { snapshot: { id: string }; matches: string[] }[] | null;
}

/** A group in one comparable shape: key as restic prints it, IDs newest first, reasons by ID. */
interface ComparableGroup {
  key: string;
  keep: string[];
  remove: string[];
  reasons: Record<string, string[]>;
}

function fromRestic(group: ResticForgetGroup): ComparableGroup {
  return {
    key: JSON.stringify([group.host, group.paths, group.tags]),
    keep: (group.keep ?? []).map((s) => s.id),
    remove: (group.remove ?? []).map((s) => s.id),
    reasons: Object.fromEntries((group.reasons ?? []).map((r) => [r.snapshot.id, r.matches])),
  };
}

function fromLockstep(group: ForgetGroup): ComparableGroup {
  return {
    key: JSON.stringify([group.key.hostname ?? '', group.key.paths ?? null, group.key.tags ?? null]),
    keep: group.keep.map((e) => e.id),
    remove: group.remove.map((e) => e.id),
    reasons: Object.fromEntries(group.reasons),
  };
}

const byKey = (a: ComparableGroup, b: ComparableGroup): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

const POLICIES: string[][] = [
  ['--keep-last', '7'],
  ['--keep-hourly', '10'],
  ['--keep-daily', '14'],
  ['--keep-weekly', '8'],
  ['--keep-monthly', '12'],
  ['--keep-yearly', '3'],
  ['--keep-daily', '7', '--keep-weekly', '4', '--keep-monthly', '6', '--keep-yearly', 'unlimited'],
  ['--keep-last', '3', '--keep-monthly', 'unlimited'],
  ['--keep-hourly', 'unlimited', '--keep-weekly', '2'],
  ['--keep-within', '1m15d'],
  ['--keep-within', '1d'],
  ['--keep-within', '1y2h', '--keep-last', '2'],
  ['--keep-within-hourly', '2d', '--keep-within-daily', '10d', '--keep-within-weekly', '2m', '--keep-within-monthly', '1y', '--keep-within-yearly', '5y'],
  ['--keep-within-daily', '3m', '--keep-monthly', '2'],
  ['--keep-tag', 'manual', '--keep-tag', 'daily-job,pre-upgrade', '--keep-last', '1'],
  ['--keep-tag', '', '--keep-daily', '3'],
  ['--keep-weekly', '5', '--group-by', 'host,tags'],
  ['--keep-monthly', '4', '--group-by', ''],
  ['--keep-daily', '10', '--keep-within', '3m', '--group-by', 'paths'],
  ['--keep-hourly', '20', '--group-by', 'tags'],
];

describeWithPeer('restic-0.18', 'retention policy parity with restic 0.18 forget', () => {
  let restic: string;
  let repo: string;
  let snapshots: SnapshotEntry[];
  const env = { TZ: ZONE };

  beforeAll(async () => {
    restic = requirePeer('restic-0.18');
    repo = path.join(makeTempDir('retention'), 'repo');
    runRestic(restic, repo, ['init'], { password: PASSWORD, env });
    for (const [time, host, tag] of [['2022-12-31 23:50:00', 'alpha', 'manual'], ['2023-01-01 00:10:00', 'beta', 'daily-job']]) {
      runRestic(restic, repo, ['backup', '--stdin', '--stdin-filename', 'notes.txt', '--time', time, '--host', host, '--tag', tag], {
        password: PASSWORD, env, input: `written by restic at ${time}\n`,
      });
    }
    const repository = await Repository.open(new LocalBackend(repo), PASSWORD);
    try {
      const tree = (await repository.listSnapshots())[0].snapshot.tree;
      for (const snapshot of [...generatedSnapshots(tree), ...zoneSnapshots(tree)]) await repository.saveSnapshot(snapshot);
      snapshots = await repository.listSnapshots();
    } finally {
      await repository.close();
    }
  });

  function resticForget(args: readonly string[]): { code: number; groups: ComparableGroup[]; stderr: string } {
    const result = runRestic(restic, repo, ['--no-lock', 'forget', '--dry-run', '--json', ...args], { password: PASSWORD, env, allowFail: true });
    const json = result.stdout.split('\n').find((line) => line.startsWith('['));
    const groups = json === undefined ? [] : (JSON.parse(json) as ResticForgetGroup[]).map(fromRestic);
    return { code: result.code, groups: groups.sort(byKey), stderr: result.stderr };
  }

  it('the data set is what restic sees, with no two snapshots at the same instant', () => {
    expect(snapshots).toHaveLength(2 + 150 + 13);
    // restic loads snapshots in parallel, so it orders equal times at random: ties would make parity flaky.
    expect(new Set(snapshots.map((s) => parseGoTime(s.snapshot.time))).size).toBe(snapshots.length);
    const listed = JSON.parse(runRestic(restic, repo, ['--no-lock', 'snapshots', '--json'], { password: PASSWORD, env }).stdout) as { id: string }[];
    expect(listed.map((s) => s.id).sort()).toEqual(snapshots.map((s) => s.id).sort());
  });

  it.each(POLICIES.map((args) => [args.join(' '), args]))('forget %s', (_name, args) => {
    const { policy, by } = policyOf(args);
    const ours = planForget(snapshots, policy, by).map(fromLockstep).sort(byKey);
    const theirs = resticForget(args);
    expect(theirs.code, theirs.stderr).toBe(0);
    expect(ours.map((g) => g.key)).toEqual(theirs.groups.map((g) => g.key));
    expect(ours).toEqual(theirs.groups);
    // The command line gives the same answer: `lockstep forget --dry-run --json` against restic's.
    const cli = lockstep(['forget', '--dry-run', '--json', ...args], { repo, password: PASSWORD, env });
    expect(cli.code, cli.stderr).toBe(0);
    expect((JSON.parse(cli.stdout) as ResticForgetGroup[]).map(fromRestic).sort(byKey)).toEqual(theirs.groups);
    // Each policy must remove something and keep something, or it tests little.
    expect(ours.some((g) => g.remove.length > 0) && ours.some((g) => g.keep.length > 0)).toBe(true);
  });

  it('the zone groups decide as restic does: own-zone days, DST-aware keep-within, future snapshots ignored', () => {
    const { policy } = policyOf(['--keep-within', '1d', '--keep-daily', '1']);
    const groups = planForget(snapshots, policy, { host: true, paths: false, tags: false });
    const keptTimes = (host: string): string[] => groups.find((g) => g.key.hostname === host)!.keep.map((e) => e.snapshot.time);
    expect(keptTimes('dst-local')).toEqual(['2024-03-31T12:00:00+02:00']);
    expect(keptTimes('dst-utc')).toEqual(['2024-03-31T10:00:05Z', '2024-03-30T10:40:00Z']);
    expect(keptTimes('future')).toEqual(['2099-01-01T00:00:00Z', '2024-06-01T00:00:00Z']);
    const daily = planForget(snapshots, { daily: 2 }, { host: true, paths: false, tags: false });
    expect(daily.find((g) => g.key.hostname === 'own-day')!.keep.map((e) => e.snapshot.time)).toEqual(['2024-01-15T23:30:00-05:00', '2024-01-14T08:00:00-05:00']);

    const theirs = resticForget(['--keep-within', '1d', '--keep-daily', '1', '--group-by', 'host']);
    const ours = groups.map(fromLockstep).sort(byKey);
    expect(ours).toEqual(theirs.groups);
  });

  it('a --keep-tag policy that would empty a group: restic refuses, Lockstep reports the empty keep list', () => {
    const args = ['--keep-tag', 'pre-upgrade'];
    const theirs = resticForget(args);
    expect(theirs.code).toBe(1);
    expect(theirs.stderr).toMatch(/refusing to delete last snapshot of snapshot group/);
    const { policy, by } = policyOf(args);
    const emptied = planForget(snapshots, policy, by).filter((g) => g.keep.length === 0);
    expect(emptied.map((g) => g.key.hostname)).toContain('dst-local');
    const cli = lockstep(['forget', '--dry-run', ...args], { repo, password: PASSWORD, env });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/^Fatal: refusing to delete last snapshot of snapshot group/);
  });
});
