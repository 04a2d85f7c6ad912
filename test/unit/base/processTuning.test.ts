import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { runInNewContext } from 'node:vm';
import { getHeapSpaceStatistics } from 'node:v8';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lockstep } from '../../helpers/cli';
import { waitFor } from '../../helpers/process';
import { startBackend } from '../../helpers/rpc';

// The policy's effect is V8's: a collection asked for by the policy is a forced one in the gc performance entries,
// and --expose-gc, once set, gives new contexts a gc(). Each test loads the modules afresh, as a new process would.

type Tuning = typeof import('../../../server/src/base/processTuning');
type Crypto = typeof import('../../../server/src/repo/format/crypto');

const MiB = 1024 * 1024;
/** What Node puts in a gc entry's `detail` (@types/node leaves it out of PerformanceEntry). */
type GcDetail = { kind: number; flags: number };
const gcDetail = (entry: PerformanceEntry): GcDetail => (entry as PerformanceEntry & { detail: GcDetail }).detail;
let forced: GcDetail[];
let observer: PerformanceObserver;

beforeEach(() => {
  vi.resetModules();
  forced = [];
  observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail = gcDetail(entry);
      if (detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) forced.push(detail);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
});

afterEach(() => observer.disconnect());

async function load(): Promise<{ tuning: Tuning; crypto: Crypto }> {
  const tuning = await import('../../../server/src/base/processTuning');
  const crypto = await import('../../../server/src/repo/format/crypto');
  await crypto.cryptoReady();
  return { tuning, crypto };
}

/** Seals 32 MiB in 1 MiB blobs, as a backup's packer does. */
function sealMany(crypto: Crypto): void {
  const key = crypto.newRandomMasterKey();
  const plain = Buffer.alloc(MiB, 7);
  for (let i = 0; i < 32; i++) crypto.seal(key, plain);
}

const nextTurns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

const oldSpace = (): number => getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')?.space_size ?? 0;

interface Entry {
  n: number;
  text: string;
  list: number[];
}

/**
 * 400,000 small objects moved into the old generation by two scavenges, then all but one in `every` dropped: the old
 * generation's size before and once filled, and the survivors (which the caller keeps alive).
 */
async function promotedWithSurvivors(every: number): Promise<{ start: number; filled: number; survivors: Entry[] }> {
  const start = oldSpace();
  let kept: Entry[] | undefined = Array.from({ length: 400_000 }, (_, n) => ({ n, text: `entry ${n}`, list: [n] }));
  const scavenge = runInNewContext('gc') as (options: { type: 'minor' }) => void;
  scavenge({ type: 'minor' });
  scavenge({ type: 'minor' });
  const filled = oldSpace();
  expect(kept.length).toBe(400_000);
  expect(filled - start).toBeGreaterThan(32 * MiB);
  const survivors = kept.filter((_, n) => n % every === 0);
  kept = undefined;
  await nextTurns(1);
  return { start, filled, survivors };
}

describe('process tuning', () => {
  // First: once --expose-gc is set it stays set for the rest of this process.
  it('with LOCKSTEP_TUNING=0 asks V8 for nothing and leaves its flags alone', async () => {
    const { tuning, crypto } = await load();
    tuning.setUpProcessTuning({ LOCKSTEP_TUNING: '0' });
    sealMany(crypto);
    tuning.processTuning.expectLargeBuffers(8 * MiB);
    tuning.processTuning.noteLargeRelease();
    await nextTurns(3);
    expect(forced).toEqual([]);
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });

  it('set up by an entry point, asks for a scavenge every 8 MiB of cipher output that seal() reports', async () => {
    const { tuning, crypto } = await load();
    tuning.setUpProcessTuning({});
    sealMany(crypto);
    await waitFor('four forced scavenges', () => forced.length >= 4);
    expect(forced.length).toBe(4);
    expect(forced.map((d) => d.kind)).toEqual(Array(4).fill(constants.NODE_PERFORMANCE_GC_MINOR));
    expect(runInNewContext('typeof gc')).toBe('function');
  });

  it('raises malloc thresholds once per size: a smaller or equal size asks for nothing more', async () => {
    const { tuning } = await load();
    tuning.setUpProcessTuning({ LOCKSTEP_TUNING: '1' });
    tuning.processTuning.expectLargeBuffers(8 * MiB);
    await waitFor('one forced collection', () => forced.length === 1);
    tuning.processTuning.expectLargeBuffers(8 * MiB);
    tuning.processTuning.expectLargeBuffers(MiB);
    await nextTurns(3);
    expect(forced.length).toBe(1);
  });

  it('at rest, collects the old generation in full: what an operation left there is freed', async () => {
    const { tuning } = await load();
    tuning.setUpProcessTuning({});
    let kept: { n: number; text: string }[] | undefined = Array.from({ length: 200_000 }, (_, n) => ({ n, text: `entry ${n}` }));
    // Promoted to the old generation, where a young-generation collection never looks.
    const scavenge = runInNewContext('gc') as (options: { type: 'minor' }) => void;
    scavenge({ type: 'minor' });
    scavenge({ type: 'minor' });
    const before = process.memoryUsage().heapUsed;
    expect(kept.length).toBe(200_000);
    kept = undefined;
    await nextTurns(1);
    tuning.processTuning.releaseIdleMemory();
    await waitFor('a forced full collection', () => forced.some((d) => d.kind === constants.NODE_PERFORMANCE_GC_MAJOR));
    expect(before - process.memoryUsage().heapUsed).toBeGreaterThan(8 * MiB);
  });

  it("at rest, gives the old generation's pages back, not only the objects on them, where a few objects stay", async () => {
    const { tuning } = await load();
    tuning.setUpProcessTuning({});
    // One in fifty stays, on every page: as what an operation leaves in the caches among its garbage.
    const { start, filled, survivors } = await promotedWithSurvivors(50);
    tuning.processTuning.releaseIdleMemory();
    // One full collection frees the objects and keeps their pages, each still holding a survivor; the next moves
    // the survivors together and gives the pages back.
    expect(oldSpace() - start).toBeLessThan((filled - start) / 4);
    expect(survivors.length).toBe(8_000);
  });

  it('at rest, moves the survivors of half-empty pages together, which V8 on its own leaves where they are', async () => {
    const { tuning } = await load();
    tuning.setUpProcessTuning({});
    tuning.processTuning.releaseIdleMemory();
    // One in two stays: no page is empty, none sparse enough for V8 to pick it (two plain gc() kept 95 % of the pages).
    const { start, filled, survivors } = await promotedWithSurvivors(2);
    tuning.processTuning.releaseIdleMemory();
    expect(oldSpace() - start).toBeLessThan((filled - start) * 0.7);
    expect(survivors.length).toBe(200_000);
  });

  it('names a bad LOCKSTEP_TUNING in one line and exits 1', () => {
    const result = lockstep(['snapshots', '--no-lock'], { repo: '/nonexistent', password: 'x', env: { LOCKSTEP_TUNING: 'yes' } });
    expect(result.stderr).toBe('Fatal: LOCKSTEP_TUNING must be 0 (off) or 1 (on), not "yes"\n');
    expect(result.code).toBe(1);
  });

  it('the backend logs a bad LOCKSTEP_TUNING and answers untuned', async () => {
    const backend = await startBackend({ LOCKSTEP_TUNING: 'yes' });
    try {
      const line = 'LOCKSTEP_TUNING must be 0 (off) or 1 (on), not "yes"; running untuned\n';
      await waitFor('the backend to log the bad value', () => backend.logs.join('').includes(line));
      expect(await backend.connection.sendRequest('shutdown')).toBeNull();
    } finally {
      await backend.stop();
    }
  });
});
