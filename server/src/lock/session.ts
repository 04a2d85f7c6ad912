// Locking a repository for one operation: acquire, start refresh and monitor, hand out a repository view whose
// writes pass the lock's gate and a signal that stops the operation when the lock is lost.
import { Repository } from '../repo/repository';
import { acquireLock, LockConflictError } from './acquire';
import { Clock, systemClock } from './clock';
import { GuardedBackend } from './guard';
import { HeldLock, LockEvent } from './held';
import { currentOwner, LockOwner } from './lockfile';
import { DEFAULT_LOCK_TIMING, LockTiming } from './timing';

export type LockMode = 'shared' | 'exclusive';

export interface LockRequest {
  mode: LockMode;
  /** `--retry-lock`: how long to wait for a conflicting holder (default 0: fail at once). */
  retryLockMs?: number;
  timing?: LockTiming;
  clock?: Clock;
  owner?: LockOwner;
  /** The user's cancellation; the session's signal joins it. */
  signal?: AbortSignal;
  log?(message: string): void;
  onEvent?(event: LockEvent): void;
  onWaiting?(conflict: LockConflictError): void;
}

export interface LockedRepository {
  /** The repository, with writes held back while the lock is being re-confirmed. */
  repo: Repository;
  /** Aborted when the user cancels or the lock is lost (reason: CancelledError / LockLostError). */
  signal: AbortSignal;
  lock: HeldLock;
  release(): Promise<void>;
}

export async function lockRepository(repo: Repository, request: LockRequest): Promise<LockedRepository> {
  const clock = request.clock ?? systemClock;
  const timing = request.timing ?? DEFAULT_LOCK_TIMING;
  const { id, info } = await acquireLock(
    { repo, clock, timing, owner: request.owner ?? currentOwner(), signal: request.signal },
    request.mode === 'exclusive',
    { retryLockMs: request.retryLockMs ?? 0, onWaiting: request.onWaiting },
  );
  const lock = new HeldLock({ repo, clock, timing, id, info, parentSignal: request.signal, log: request.log, onEvent: request.onEvent });
  lock.start();
  return {
    repo: repo.withBackend(new GuardedBackend(repo.backend, lock)),
    signal: lock.signal,
    lock,
    release: () => lock.release(),
  };
}
