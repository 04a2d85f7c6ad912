// diff, find, stats, tag and snapshots --compact side by side with restic 0.18 on the same repository: the same
// text and JSON output, exit codes, and for tag the same snapshots afterwards (restic's check passing on ours).
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DiffRequest, FindRequest, StatsRequest, TagRequest } from '../../shared/src/protocol';
import { lockstep, lockstepOk } from '../helpers/cli';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { backendsStoppedAfterEach } from '../helpers/rpc';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'inspect';
const backendFor = backendsStoppedAfterEach(PASSWORD);

describeWithPeer('restic-0.18', 'diff, find, stats, tag and snapshots --compact compared with restic 0.18', () => {
  let restic: string;
  let work: string;
  let repo: string;
  let ids: string[];

  beforeAll(() => {
    restic = requirePeer('restic-0.18');
    work = makeTempDir('inspect');
    repo = path.join(work, 'repo');
    const src = path.join(work, 'src');
    mkdirSync(path.join(src, 'a', 'b'), { recursive: true });
    mkdirSync(path.join(src, 'c'));
    writeFileSync(path.join(src, 'a', 'x.txt'), 'hello\n');
    writeFileSync(path.join(src, 'a', 'b', 'y.TXT'), 'world\n');
    writeFileSync(path.join(src, 'c', 'z.md'), 'z\n');
    symlinkSync('../a/x.txt', path.join(src, 'c', 'link'));
    lockstepOk(['init'], { repo, password: PASSWORD });
    runRestic(restic, repo, ['backup', '-q', '--host', 'h1', src], { password: PASSWORD });
    writeFileSync(path.join(src, 'a', 'x.txt'), 'hello\nmore\n');
    rmSync(path.join(src, 'c', 'z.md'));
    writeFileSync(path.join(src, 'new'), 'n\n');
    runRestic(restic, repo, ['backup', '-q', '--host', 'h1', '--tag', 't1', src], { password: PASSWORD });
    rmSync(path.join(src, 'a', 'b'), { recursive: true });
    rmSync(path.join(src, 'new'));
    mkdirSync(path.join(src, 'new'));
    mkdirSync(path.join(src, 'q'));
    writeFileSync(path.join(src, 'q', 'f'), '1\n');
    symlinkSync('x', path.join(src, 'new2'));
    runRestic(restic, repo, ['backup', '-q', '--host', 'h2', src], { password: PASSWORD });
    ids = (JSON.parse(runRestic(restic, repo, ['snapshots', '--json'], { password: PASSWORD }).stdout) as { id: string }[]).map((s) => s.id);
  });

  function expectSameOutput(args: string[], target = repo): void {
    const theirs = runRestic(restic, target, args, { password: PASSWORD, allowFail: true });
    const ours = lockstep(args, { repo: target, password: PASSWORD });
    expect({ code: ours.code, stdout: ours.stdout.trimEnd() }).toEqual({ code: theirs.code, stdout: theirs.stdout.trimEnd() });
  }

  it('diff: the same change lines and statistics, as text and JSON, for snapshots and folders of them', () => {
    const [first, second, third] = ids.map((id) => id.slice(0, 8));
    const folder = (id: string): string => `${id}:${path.join(work, 'src', 'a')}`;
    expectSameOutput(['diff', '--metadata', first, second]);
    expectSameOutput(['diff', second, third]);
    expectSameOutput(['--json', 'diff', folder(second), folder(third)]);
  });

  it('find: the same matches per snapshot, newest first, as text, long and JSON', () => {
    expectSameOutput(['find', '-i', '*.TXT', 'q']);
    expectSameOutput(['find', '-l', 'new2', 'x.txt', '--host', 'h1', '--tag', 't1']);
    expectSameOutput(['--json', 'find', 'q', 'new2', path.join(work, 'src', 'a', 'x.txt')]);
  });

  it('stats: restore-size, files-by-contents and raw-data, as text and JSON; an unknown mode exits 1', () => {
    expectSameOutput(['stats', '--host', 'h1']);
    expectSameOutput(['stats', '--mode', 'raw-data', 'latest']);
    expectSameOutput(['--json', 'stats', '--mode', 'files-by-contents']);
    expectSameOutput(['stats', '--mode', 'bogus']);
  });

  it('tag: the same snapshots afterwards (tags, original, everything else), the same output; restic checks ours', () => {
    const theirs = path.join(work, 'tag-restic');
    const ours = path.join(work, 'tag-lockstep');
    cpSync(repo, theirs, { recursive: true });
    cpSync(repo, ours, { recursive: true });
    const both = (args: string[]): void => {
      const r = runRestic(restic, theirs, args, { password: PASSWORD, allowFail: true });
      const l = lockstep(args, { repo: ours, password: PASSWORD });
      // restic says "create exclusive lock for repository" on stdout; Lockstep does not.
      const shown = (out: string): string => out.replace('create exclusive lock for repository\n', '').trim().replace(/"[0-9a-f]{64}"/g, 'ID');
      expect({ code: l.code, stdout: shown(l.stdout) }).toEqual({ code: r.code, stdout: shown(r.stdout) });
    };
    both(['tag', '--add', 'x,y', ids[0].slice(0, 8)]);
    both(['--json', 'tag', '--set', 'z', '--host', 'h1']);
    both(['tag', '--remove', 'z', '--add', 'w', 'latest']);
    both(['tag', '--add', 'a', '--set', 'b', 'latest']);
    const listing = (at: string): unknown[] =>
      (JSON.parse(runRestic(restic, at, ['snapshots', '--json'], { password: PASSWORD }).stdout) as Record<string, unknown>[]).map(({ id: _id, short_id: _short, ...rest }) => rest);
    expect(listing(ours)).toEqual(listing(theirs));
    runRestic(restic, ours, ['check', '-q'], { password: PASSWORD });
    // The rows' ID, time, host and tags (restic 0.18 adds a Size column, which `snapshots` does not have here yet).
    const rows = (out: string): string[][] => out.split('\n').filter((l) => /^[0-9a-f]{8} /.test(l)).map((l) => l.split(/\s{2,}/).slice(0, 4));
    const compact = lockstepOk(['snapshots', '--compact'], { repo: ours, password: PASSWORD }).stdout;
    expect(rows(compact)).toEqual(rows(runRestic(restic, ours, ['snapshots', '--compact'], { password: PASSWORD }).stdout));
    expect(compact).not.toContain('Paths');
  });

  it('answers diff, find, stats and tag over JSON-RPC as the CLI does', async () => {
    const [first, second] = ids;
    const src = path.join(work, 'src');
    const b = await backendFor(repo);
    const diff = await b.connection.sendRequest(DiffRequest.type, { from: first, to: second });
    expect(diff.changes).toEqual([
      { path: `${src}/a/x.txt`, modifier: 'M' },
      { path: `${src}/c/z.md`, modifier: '-' },
      { path: `${src}/new`, modifier: '+' },
    ]);
    expect([diff.changedFiles, diff.added.files, diff.removed.files]).toEqual([1, 1, 1]);
    const found = await b.connection.sendRequest(FindRequest.type, { patterns: ['x.txt'], hosts: ['h1'] });
    expect(found.matches.map((m) => [m.snapshotId, m.hits.map((h) => h.path)])).toEqual([
      [first, [`${src}/a/x.txt`]],
      [second, [`${src}/a/x.txt`]],
    ]);
    const stats = await b.connection.sendRequest(StatsRequest.type, { mode: 'raw-data' });
    const theirs = JSON.parse(runRestic(restic, repo, ['stats', '--json', '--mode', 'raw-data'], { password: PASSWORD }).stdout) as Record<string, number>;
    expect([stats.snapshotsCount, stats.totalSize, stats.totalBlobCount, stats.totalUncompressedSize]).toEqual([theirs.snapshots_count, theirs.total_size, theirs.total_blob_count, theirs.total_uncompressed_size]);
    const tagged = await b.connection.sendRequest(TagRequest.type, { snapshots: [first.slice(0, 8)], add: ['kept'] });
    expect(tagged.changed.map((c) => c.old)).toEqual([first]);
    const listed = JSON.parse(runRestic(restic, repo, ['snapshots', '--json', '--tag', 'kept'], { password: PASSWORD }).stdout) as { original: string }[];
    expect(listed.map((s) => s.original)).toEqual([first]);
  });
});
