import { cryptoReady } from '../../../server/src/repo/format/crypto';
import { Repository } from '../../../server/src/repo/repository';
import { zstdReady } from '../../../server/src/repo/format/zstd';
import { LockOwner } from '../../../server/src/lock/lockfile';
import { lockTiming, LockTiming } from '../../../server/src/lock/timing';
import { FaultyBackend, MemoryBackend } from '../../helpers/memory-backend';

export const PASSWORD = 'lock test';

/** Client A and client B: two Repository objects over one in-memory repository, as two processes would be. */
export async function twoClients(version: 1 | 2 = 2): Promise<{ storage: MemoryBackend; faulty: FaultyBackend; a: Repository; b: Repository }> {
  await Promise.all([cryptoReady(), zstdReady()]);
  const storage = new MemoryBackend();
  await Repository.init(storage, PASSWORD, { version, kdf: { N: 1024, r: 8, p: 1 } });
  const faulty = new FaultyBackend(storage);
  return { storage, faulty, a: await Repository.open(faulty, PASSWORD), b: await Repository.open(storage, PASSWORD) };
}

export const ownerA: LockOwner = { hostname: 'laptop', username: 'alice', pid: 1001, uid: 1000, gid: 1000 };
export const ownerB: LockOwner = { hostname: 'server', username: 'bob', pid: 2002, uid: 0, gid: 0 };

/** restic's real timing: 5 min refresh, 30 min stale, 22.5 min refreshability (the clock is simulated). */
export const RESTIC_TIMING: LockTiming = lockTiming();
