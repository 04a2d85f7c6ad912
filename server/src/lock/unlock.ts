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
  /** Lock files read before: only the others are read (a watch lists the locks every minute). */
  seen?: SeenLocks;
}

/**
 * The contents of the lock files read so far, by ID. A lock file's ID is the hash of its bytes, so what it says
 * never changes; an ID no longer listed is forgotten. Unreadable files are read again each time.
 */
export class SeenLocks {
  private readonly known = new Map<Id, LockInfo>();
  /** How many lock files were read (for the tests). */
  reads = 0;

  async load(repo: Repository, id: Id, signal?: AbortSignal): Promise<LockInfo> {
    const known = this.known.get(id);
    if (known) return known;
    this.reads++;
    const lock = await loadLock(repo, id, signal);
    this.known.set(id, lock);
    return lock;
  }

  keepOnly(ids: readonly Id[]): void {
    const present = new Set(ids);
    for (const id of this.known.keys()) if (!present.has(id)) this.known.delete(id);
  }
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
  const ids = await listLockIds(repo, options.signal);
  options.seen?.keepOnly(ids);
  for (const id of ids) {
    try {
      const lock = options.seen ? await options.seen.load(repo, id, options.signal) : await loadLock(repo, id, options.signal);
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
