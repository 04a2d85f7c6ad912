// Backup and restore of many small files run on the main thread, mostly in synchronous calls: they must still give
// the event loop regular turns, or the lock's timers, an interrupt and JSON-RPC requests would wait for the end.
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../../server/src/backend/local';
import { backup } from '../../../server/src/ops/backup';
import { restore } from '../../../server/src/ops/restore';
import { Repository } from '../../../server/src/repo/repository';
import { makeFolderOfSmallFiles } from '../../helpers/fstree';
import { cleanupTempDirs, makeTempDir } from '../../helpers/tmp';

afterAll(cleanupTempDirs);

/** The longest time between two runs of a 5 ms timer while `work` runs. */
async function longestStall(work: () => Promise<unknown>): Promise<{ stall: number; ticks: number }> {
  let last = performance.now();
  let stall = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
    ticks++;
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return { stall: Math.max(stall, performance.now() - last), ticks };
}

describe('long loops over files let timers run', () => {
  it('backup and restore of 3000 small files never keep the event loop for long', async () => {
    const work = makeTempDir('turns');
    const source = path.join(work, 'source');
    makeFolderOfSmallFiles(source, 30, 100, (d, f) => `file ${d}/${f}\n`.repeat(50 + f));
    const repo = await Repository.init(new LocalBackend(path.join(work, 'repo')), 'turns', { kdf: { N: 1024, r: 8, p: 1 } });
    const backedUp = await longestStall(() => backup(repo, { paths: [source], threads: 0 }));
    const restored = await longestStall(() => restore(repo, { snapshot: 'latest', target: path.join(work, 'restored') }));
    await repo.close();
    for (const run of [backedUp, restored]) {
      expect(run.ticks).toBeGreaterThan(3);
      expect(run.stall).toBeLessThan(250);
    }
  });
});
