// The backend process's forget and snapshots requests take every option the CLI has (the whole retention policy,
// group-by, host/tag/path filters, max-unused) and decide as restic 0.18 does on the same repository.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ForgetParams, ForgetRequest, SnapshotsRequest } from '../../shared/src/protocol';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { Backend, backendsStoppedAfterEach } from '../helpers/rpc';
import { resticSnapshotSet } from '../helpers/snapshotset';
import { cleanupTempDirs } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'rpc-forget';
const backendFor = backendsStoppedAfterEach(PASSWORD);

interface ResticForgetGroup {
  keep: { id: string }[] | null;
  remove: { id: string }[] | null;
}

describeWithPeer('restic-0.18', 'forget and snapshots over JSON-RPC with the CLI’s options', () => {
  const restic = requirePeer('restic-0.18');
  let repo = '';
  let a = '';

  beforeAll(() => {
    ({
      repo,
      folders: { a },
    } = resticSnapshotSet(restic, PASSWORD, 'rpc-forget', [
      ['h1', ['a'], ['a'], '2024-03-01 09:00:00'],
      ['h1', ['a'], ['a'], '2024-03-01 18:00:00'],
      ['h1', ['a', 'b'], ['a'], '2024-03-03 09:00:00'],
      ['h1', ['c'], ['b'], '2024-03-04 09:00:00'],
      ['h1', ['a'], ['b'], '2024-03-05 09:00:00'],
      ['h2', ['a'], ['a'], '2024-03-02 09:00:00'],
      ['h2', ['b'], ['a'], '2024-03-06 09:00:00'],
      ['h2', [], ['b'], '2024-03-07 09:00:00'],
    ]));
  });

  /** What restic 0.18's forget --dry-run decides for the same flags: IDs kept and removed, sorted. */
  function resticDecides(flags: string[]): { kept: string[]; removed: string[] } {
    const groups = JSON.parse(runRestic(restic, repo, ['forget', '--dry-run', '--json', ...flags], { password: PASSWORD }).stdout) as ResticForgetGroup[];
    return {
      kept: groups.flatMap((g) => (g.keep ?? []).map((s) => s.id)).sort(),
      removed: groups.flatMap((g) => (g.remove ?? []).map((s) => s.id)).sort(),
    };
  }

  async function backend(): Promise<Backend> {
    return backendFor(repo);
  }

  const cases: [ForgetParams, string[]][] = [
    [
      { keepWithinDaily: '3d', keepLast: 1, groupBy: 'host', hosts: ['h1'], tags: ['a'] },
      ['--keep-within-daily', '3d', '--keep-last', '1', '--group-by', 'host', '--host', 'h1', '--tag', 'a'],
    ],
    [{ keepDaily: 1, groupBy: 'tags' }, ['--keep-daily', '1', '--group-by', 'tags']],
    [{ keepLast: 1, groupBy: '', tags: ['a,b', 'c'] }, ['--keep-last', '1', '--group-by', '', '--tag', 'a,b', '--tag', 'c']],
    [{ keepWithin: '2d', keepTags: ['c'] }, ['--keep-within', '2d', '--keep-tag', 'c']],
  ];

  it('a dry-run forget decides as restic does for the full policy, grouping and filters', async () => {
    const rpc = await backend();
    for (const [params, flags] of cases) {
      const theirs = resticDecides(flags);
      const ours = await rpc.connection.sendRequest(ForgetRequest.type, { ...params, dryRun: true });
      expect({ kept: [...ours.kept].sort(), removed: [...ours.removed].sort() }, flags.join(' ')).toEqual(theirs);
    }
  });

  it('a forget with prune removes what restic would, under one exclusive lock, and leaves a repository restic checks', async () => {
    const flags = ['--keep-last', '1', '--group-by', 'host', '--path', a];
    const theirs = resticDecides(flags);
    expect(theirs.removed.length).toBeGreaterThan(0);
    const before = (JSON.parse(runRestic(restic, repo, ['snapshots', '--json'], { password: PASSWORD }).stdout) as { id: string }[]).map((s) => s.id);
    const rpc = await backend();
    const result = await rpc.connection.sendRequest(ForgetRequest.type, { keepLast: 1, groupBy: 'host', paths: [a], prune: true, maxUnused: '0%' });
    expect([...result.removed].sort()).toEqual(theirs.removed);
    expect(result.prune).toMatchObject({ dryRun: false });
    expect(rpc.lockStates.filter((s) => s.operation === 'forget').every((s) => s.exclusive)).toBe(true);
    const after = (JSON.parse(runRestic(restic, repo, ['snapshots', '--json'], { password: PASSWORD }).stdout) as { id: string }[]).map((s) => s.id);
    expect(after).toEqual(before.filter((id) => !theirs.removed.includes(id)));
    runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
  });

  it('snapshots takes the same filters, latest and groups as the CLI', async () => {
    const rpc = await backend();
    const theirs = (args: string[]): string[] => (JSON.parse(runRestic(restic, repo, ['snapshots', '--json', ...args], { password: PASSWORD }).stdout) as { id: string }[]).map((s) => s.id);
    const flat = await rpc.connection.sendRequest(SnapshotsRequest.type, { tags: ['a', 'b'], latest: 1 });
    expect(flat.snapshots.map((s) => s.id)).toEqual(theirs(['--tag', 'a', '--tag', 'b', '--latest', '1']));
    expect(flat.groups).toBeUndefined();
    const latest = await rpc.connection.sendRequest(SnapshotsRequest.type, { snapshots: ['latest'], hosts: ['h1'] });
    expect(latest.snapshots.map((s) => s.id)).toEqual(theirs(['latest', '--host', 'h1']));
    const grouped = await rpc.connection.sendRequest(SnapshotsRequest.type, { groupBy: 'host' });
    expect(grouped.groups?.map((g) => [g.key.hostname, g.snapshots.map((s) => s.id)])).toEqual([
      ['h1', theirs(['--host', 'h1'])],
      ['h2', theirs(['--host', 'h2'])],
    ]);
  });
});
