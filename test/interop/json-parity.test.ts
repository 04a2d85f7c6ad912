// restic 0.18 and Lockstep on the same repository and the same files: every --json message compared by its keys and
// the types of their values (restic's omitempty keys may be absent from either), and the text restic users read
// (snapshots' Size, ls -l, a missing backup path, an unknown flag) compared line by line.
import { randomBytes } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lockstep, lockstepOk } from '../helpers/cli';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'json-parity';
/** Keys restic leaves out when they are zero, empty or false: either side may lack them. */
const OMITEMPTY = new Set(['total_files', 'files_done', 'total_bytes', 'bytes_done', 'seconds_elapsed', 'seconds_remaining', 'current_files', 'error_count', 'dry_run', 'parent', 'excludes', 'tags', 'uid', 'gid', 'inode', 'original', 'remove']);

type Shape = string | { [key: string]: Shape } | Shape[];

/** A JSON value reduced to its keys and value types (an array to the shape of its first element). */
function shape(value: unknown): Shape {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (typeof value === 'object') {
    const keys = Object.keys(value as object).filter((k) => !OMITEMPTY.has(k)).sort();
    return Object.fromEntries(keys.map((k) => [k, shape((value as Record<string, unknown>)[k])]));
  }
  return typeof value;
}

const lines = (text: string): unknown[] => text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown);
const ofType = (messages: unknown[], type: string): Record<string, unknown>[] => messages.filter((m) => (m as { message_type?: string }).message_type === type) as Record<string, unknown>[];

describeWithPeer('restic-0.18', 'restic 0.18 and Lockstep: --json messages and the text restic users read', () => {
  const restic18 = requirePeer('restic-0.18');
  let work: string;
  let repo: string;
  let src: string;
  let resticBackup: unknown[];
  /** restic's status messages, from a backup long enough to print some. */
  let resticStatus: Record<string, unknown>[];
  let ourBackup: unknown[];
  const restic = (args: string[], allowFail = false) => runRestic(restic18, repo, args, { password: PASSWORD, allowFail, env: { TZ: 'UTC' } });
  const ours = (args: string[]) => lockstep(args, { repo, password: PASSWORD, env: { TZ: 'UTC' } });

  beforeAll(() => {
    work = makeTempDir('json-parity');
    repo = path.join(work, 'repo');
    src = path.join(work, 'src');
    mkdirSync(path.join(src, 'sub'), { recursive: true });
    writeFileSync(path.join(src, 'a.txt'), 'alpha\n');
    writeFileSync(path.join(src, 'sub', 'b.txt'), 'beta beta\n');
    symlinkSync('a.txt', path.join(src, 'link'));
    lockstepOk(['init'], { repo, password: PASSWORD });
    resticBackup = lines(restic(['backup', '--json', src]).stdout);
    // restic prints a status every 1/60 s: a backup of three small files often ends before the first. 48 MiB of
    // random bytes, chunked and encrypted, take it far longer, into a repository of its own.
    const bulk = path.join(work, 'bulk');
    mkdirSync(bulk);
    writeFileSync(path.join(bulk, 'random.bin'), randomBytes(48 * 1024 * 1024));
    const bulkRepo = path.join(work, 'bulk-repo');
    runRestic(restic18, bulkRepo, ['init'], { password: PASSWORD });
    resticStatus = ofType(lines(runRestic(restic18, bulkRepo, ['backup', '--json', bulk], { password: PASSWORD }).stdout), 'status');
    writeFileSync(path.join(src, 'c.txt'), 'gamma\n');
    ourBackup = lines(lockstepOk(['backup', '--json', src], { repo, password: PASSWORD }).stdout);
  });

  it('backup: status messages before the summary, and both with restic 0.18\'s keys and types', () => {
    const last = ourBackup.at(-1) as Record<string, unknown>;
    expect(last.message_type).toBe('summary');
    expect(ofType(ourBackup, 'status').length).toBeGreaterThan(0);
    expect(resticStatus.length).toBeGreaterThan(0);
    expect(shape(ofType(ourBackup, 'status').at(-1))).toEqual(shape(resticStatus.at(-1)));
    expect(shape(last)).toEqual(shape(resticBackup.at(-1)));
    // data_added counts the blobs before compression, data_added_packed what they take in the repository.
    expect(last.data_added as number).toBeGreaterThan(6);
    expect(last.data_added_packed as number).toBeGreaterThan(0);
    expect(last.total_bytes_processed).toBe(6 + 10 + 6);
    for (const message of ourBackup) for (const key of Object.keys(message as object)) expect(OMITEMPTY.has(key) || key in (shape(last) as object) || resticStatus.some((s) => key in s)).toBe(true);
  });

  it('the snapshot file carries the summary restic 0.18 writes; snapshots --json and the table show it', () => {
    const snaps = JSON.parse(restic(['snapshots', '--json']).stdout) as Record<string, unknown>[];
    const ourSnaps = JSON.parse(ours(['snapshots', '--json']).stdout) as Record<string, unknown>[];
    expect(snaps).toHaveLength(2);
    // restic's listing of Lockstep's snapshot and Lockstep's listing of restic's, against restic's of its own.
    expect(shape(snaps[1])).toEqual(shape(snaps[0]));
    expect(shape(ourSnaps[0])).toEqual(shape(snaps[0]));
    expect(shape(ourSnaps[1])).toEqual(shape(snaps[0]));
    expect((snaps[1].summary as Record<string, unknown>).total_bytes_processed).toBe(22);
    const tableOf = (text: string): string[] => text.split('\n').filter((l) => /^[0-9a-f]{8} /.test(l)).map((l) => l.trim().split(/\s{2,}/).at(-1) ?? '');
    const ourTable = tableOf(ours(['snapshots']).stdout);
    expect(ourTable).toEqual(tableOf(restic(['snapshots']).stdout));
    expect(ourTable).toEqual(['16 B', '22 B']);
  });

  it('ls --json and ls -l: the same messages and lines', () => {
    const theirs = lines(restic(['ls', '--json', 'latest']).stdout);
    const mine = lines(ours(['ls', '--json', 'latest']).stdout);
    expect(mine.map(shape)).toEqual(theirs.map(shape));
    const long = (text: string): string[] => text.split('\n').slice(1).filter(Boolean);
    const ourLong = long(ours(['ls', '-l', 'latest']).stdout);
    expect(ourLong).toEqual(long(restic(['ls', '-l', 'latest']).stdout));
    expect(ourLong.some((l) => /^Lrwxrwxrwx .* -> a\.txt$/.test(l))).toBe(true);
    expect(ourLong.some((l) => /^drwx/.test(l))).toBe(true);
  });

  it('forget --json, restore --json and check --json: restic 0.18\'s keys and types', () => {
    const theirs = JSON.parse(restic(['forget', '--json', '--dry-run', '--keep-last', '1']).stdout) as unknown;
    const mine = JSON.parse(ours(['forget', '--json', '--dry-run', '--keep-last', '1']).stdout) as unknown;
    expect(shape(mine)).toEqual(shape(theirs));
    const target = path.join(work, 'restored');
    const theirRestore = ofType(lines(restic(['restore', '--json', 'latest', '--target', `${target}-restic`]).stdout), 'summary');
    const ourRestore = ofType(lines(ours(['restore', '--json', 'latest', '--target', target]).stdout), 'summary');
    expect(ourRestore.map(shape)).toEqual(theirRestore.map(shape));
    const theirCheck = ofType(lines(restic(['check', '--json']).stdout), 'summary');
    const ourCheck = ofType(lines(ours(['check', '--json']).stdout), 'summary');
    expect(ourCheck.map(shape)).toEqual(theirCheck.map(shape));
  });

  it('a missing backup path is skipped with restic\'s message, exit 0; an unknown flag is exit 1 with restic\'s words', () => {
    const missing = path.join(work, 'missing');
    const theirs = restic(['backup', '-q', src, missing]);
    const mine = ours(['backup', '-q', src, missing]);
    expect([mine.code, theirs.code]).toEqual([0, 0]);
    expect(mine.stderr).toBe(`${missing} does not exist, skipping\n`);
    expect(theirs.stderr).toContain(`${missing} does not exist, skipping\n`);
    for (const argv of [['--bogus'], ['snapshots', '--bogus']]) {
      const r = restic(argv, true);
      const m = ours(argv);
      expect([m.code, m.stderr]).toEqual([r.code, r.stderr]);
      expect(m.stderr).toBe('unknown flag: --bogus\n');
    }
  });
});
