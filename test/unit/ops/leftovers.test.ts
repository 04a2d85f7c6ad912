// Which temporary files prune may remove: older than the stale-lock timeout, not of a live process of this host.
import { expect, it } from 'vitest';
import { Backend, TemporaryFile } from '../../../server/src/backend/backend';
import { findLeftovers } from '../../../server/src/ops/leftovers';

it('the rule: stale timeout, a live process of this host, a clock ahead', async () => {
  const files: TemporaryFile[] = [
    { path: 'data/00/lockstep-here-10-0123abcd-0-tmp-0', size: 1, mtimeMs: 0 },
    { path: 'data/00/lockstep-here-11-0123abcd-0-tmp-0', size: 1, mtimeMs: 0 },
    { path: 'data/00/lockstep-there-10-0123abcd-0-tmp-0', size: 1, mtimeMs: 0 },
    { path: 'snapshots/x-tmp-1', size: 1, mtimeMs: 1000 },
    { path: 'snapshots/y-tmp-1', size: 1, mtimeMs: 1001 },
    { path: 'snapshots/z-tmp-1', size: 1, mtimeMs: 5000 },
  ];
  const backend: Pick<Backend, 'listTemporary'> = { listTemporary: async () => files };
  const found = await findLeftovers(backend as Backend, { staleMs: 1000, nowMs: 2000, hostname: 'here', processExists: (pid) => pid === 10 });
  expect(found.map((f) => [f.path.split('/').at(-1), f.removable])).toEqual([
    ['lockstep-here-10-0123abcd-0-tmp-0', false],
    ['lockstep-here-11-0123abcd-0-tmp-0', true],
    ['lockstep-there-10-0123abcd-0-tmp-0', true],
    ['x-tmp-1', false], // exactly the timeout: not older than it
    ['y-tmp-1', false],
    ['z-tmp-1', false], // in the future
  ]);
  expect(found[2].writer).toEqual({ host: 'there', pid: 10 });
});
