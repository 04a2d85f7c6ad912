// `unlock`, `unlock --remove-all` and `locks`: these never take a lock themselves.
import { Id, isId } from '../repo/format/ids';
import { Repository } from '../repo/repository';
import { Clock, systemClock } from '../base/clock';
import { currentOwner, LockInfo } from './lockfile';
import { isStale, processExists, StaleContext } from './stale';
import { listLockIds, loadLock, removeLock } from './store';
import { DEFAULT_LOCK_TIMING, LockTiming } from './timing';

export interface LockListing {
  id: Id;
  /** The lock's content, or why it could not be read. */
  lock?: LockInfo;
  error?: string;
  stale: boolean;
  ageMs?: number;
}

export interface UnlockOptions {
  clock?: Clock;
  timing?: LockTiming;
  hostname?: string;
  processExists?(pid: number): boolean;
  signal?: AbortSignal;
}

function staleContext(options: UnlockOptions): StaleContext {
  return {
    nowMs: (options.clock ?? systemClock).now(),
    staleMs: (options.timing ?? DEFAULT_LOCK_TIMING).staleMs,
    hostname: options.hostname ?? currentOwner().hostname,
    processExists: options.processExists ?? processExists,
  };
}

/** Every lock file with its holder and staleness; unreadable ones are listed with the reason. */
export async function listLocks(repo: Repository, options: UnlockOptions = {}): Promise<LockListing[]> {
  const ctx = staleContext(options);
  const listing: LockListing[] = [];
  for (const id of await listLockIds(repo, options.signal)) {
    try {
      const lock = await loadLock(repo, id, options.signal);
      listing.push({ id, lock, stale: isStale(lock, ctx), ageMs: ctx.nowMs - lock.timeMs });
    } catch (err) {
      if (options.signal?.aborted) throw err;
      listing.push({ id, error: err instanceof Error ? err.message : String(err), stale: false });
    }
  }
  return listing;
}

/** Removes the stale locks (restic's rule); unreadable locks are left alone. Returns the removed IDs. */
export async function removeStaleLocks(repo: Repository, options: UnlockOptions = {}): Promise<Id[]> {
  const removed: Id[] = [];
  for (const entry of await listLocks(repo, options)) {
    if (!entry.stale) continue;
    await removeLock(repo, entry.id, options.signal);
    removed.push(entry.id);
  }
  return removed;
}

/** Removes every lock file, readable or not, live or not. Returns the removed IDs. */
export async function removeAllLocks(repo: Repository, signal?: AbortSignal): Promise<Id[]> {
  const ids = (await repo.backend.list('locks', signal)).map((f) => f.name).filter(isId);
  for (const id of ids) await removeLock(repo, id, signal);
  return ids;
}
