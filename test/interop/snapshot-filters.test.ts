// Snapshot selection parity: `lockstep snapshots` lists the same snapshots, in the same order and groups, as
// `restic snapshots` (0.18) on the same repository, for the filters, IDs, "latest", --latest N and --group-by.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lockstep, lockstepOk } from '../helpers/cli';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { resticSnapshotSet } from '../helpers/snapshotset';
import { cleanupTempDirs } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'snapshot-filters';

interface ListedSnapshot {
  id: string;
}
interface ListedGroup {
  group_key: { hostname: string; paths: string[] | null; tags: string[] | null };
  snapshots: ListedSnapshot[];
}

describeWithPeer('restic-0.18', 'snapshot filters as restic 0.18 applies them', () => {
  const restic = requirePeer('restic-0.18');
  let repo = '';
  let ids: string[] = [];
  let a = '';
  let b = '';

  beforeAll(() => {
    ({
      repo,
      folders: { a, b },
    } = resticSnapshotSet(restic, PASSWORD, 'snapshot-filters', [
      ['h1', ['a'], ['a'], '2024-01-01 10:00:00'],
      ['h1', ['a,b'], ['a'], '2024-01-02 10:00:00'],
      ['h2', ['b'], ['b'], '2024-01-03 10:00:00'],
      ['h1', [], ['a', 'b'], '2024-01-04 10:00:00'],
      ['h2', ['a'], ['b'], '2024-01-05 10:00:00'],
      ['h1', ['c'], ['a'], '2024-01-06 10:00:00'],
    ]));
    // The newest one is Lockstep's own.
    lockstepOk(['backup', '-q', '--host', 'h2', '--tag', 'b', '--tag', 'c', b], { repo, password: PASSWORD });
    ids = (JSON.parse(runRestic(restic, repo, ['snapshots', '--json'], { password: PASSWORD }).stdout) as ListedSnapshot[]).map((s) => s.id);
    expect(ids).toHaveLength(7);
  });

  const both = (args: string[]): { ours: unknown; theirs: unknown; oursErr: string; theirsErr: string } => {
    const theirs = runRestic(restic, repo, ['snapshots', '--json', ...args], { password: PASSWORD });
    const ours = lockstep(['snapshots', '--json', ...args], { repo, password: PASSWORD });
    expect(ours.code, ours.stderr).toBe(theirs.code);
    return { ours: JSON.parse(ours.stdout), theirs: JSON.parse(theirs.stdout), oursErr: ours.stderr, theirsErr: theirs.stderr };
  };

  const listed = (json: unknown): string[] => (json as ListedSnapshot[]).map((s) => s.id);

  it.each([
    [[]],
    [['--tag', 'a', '--tag', 'b']],
    [['--tag', 'a,b']],
    [['--tag', 'b,c', '--tag', 'a,b']],
    [['--tag', '']],
    [['--host', 'h1']],
    [['--host', 'h1', '--host', 'h2', '--tag', 'c']],
    [['--latest', '1']],
    [['--latest', '2', '--host', 'h1']],
    [['latest']],
    [['latest', '--host', 'h1']],
    [['latest', '--tag', 'a']],
  ])('snapshots %j', (args) => {
    const { ours, theirs } = both(args);
    expect(listed(ours)).toEqual(listed(theirs));
  });

  it('snapshots --path keeps snapshots holding every path given', () => {
    for (const args of [['--path', a], ['--path', a, '--path', b], ['--path', b, '--host', 'h2']]) {
      const { ours, theirs } = both(args);
      expect(listed(ours), args.join(' ')).toEqual(listed(theirs));
    }
  });

  it('snapshots ID, prefixes and latest together; a name that matches nothing is ignored with a warning', () => {
    const { ours, theirs, oursErr, theirsErr } = both([ids[2].slice(0, 8), 'latest', ids[0], 'deadbeef']);
    expect(listed(ours)).toEqual(listed(theirs));
    expect(listed(ours)).toEqual([ids[0], ids[2], ids[6]]);
    expect(theirsErr).toMatch(/Ignoring "deadbeef"/);
    expect(oursErr).toMatch(/Ignoring "deadbeef"/);
  });

  it('snapshots --group-by gives restic’s groups, --latest N applied in each', () => {
    const keyed = (json: unknown): Record<string, string[]> =>
      Object.fromEntries((json as ListedGroup[]).map((g) => [JSON.stringify(g.group_key), g.snapshots.map((s) => s.id)]));
    for (const args of [['--group-by', 'host,paths'], ['--group-by', 'tags', '--latest', '1'], ['--group-by', 'host', '--tag', 'a']]) {
      const { ours, theirs } = both(args);
      expect(keyed(ours), args.join(' ')).toEqual(keyed(theirs));
    }
  });

  it('the text listing shows each group under restic’s header', () => {
    const ours = lockstepOk(['snapshots', '--group-by', 'host'], { repo, password: PASSWORD }).stdout;
    expect(ours).toContain('snapshots for (host [h1]):');
    expect(ours).toContain('snapshots for (host [h2]):');
    expect(ours.match(/^\d+ snapshots$/gm)).toEqual(['4 snapshots', '3 snapshots']);
    expect(lockstepOk(['snapshots', 'latest'], { repo, password: PASSWORD }).stdout).toMatch(/^1 snapshots$/m);
  });
});
