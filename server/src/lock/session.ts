// Locking a repository for one operation: acquire, start refresh and monitor, hand out a repository view whose
// writes pass the lock's gate and a signal that stops the operation when the lock is lost.
import { abortReason } from '../base/abort';
import { LockLostError } from '../base/errors';
import { Id } from '../repo/format/ids';
import { Repository } from '../repo/repository';
import { AcquireContext, acquireLock, LockConflictError } from './acquire';
import { Clock, systemClock } from '../base/clock';
import { GuardedBackend, WriteGate } from './guard';
import { HeldLock, LockEvent } from './held';
import { currentOwner, LockInfo, LockOwner } from './lockfile';
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
  /** Called once the lock is taken. */
  onHeld?(lock: HeldLock): void;
}

export interface LockedRepository {
  /** The repository, with writes held back while the lock is being re-confirmed. */
  repo: Repository;
  /** Aborted when the user cancels or the lock is lost (reason: CancelledError / LockLostError). */
  signal: AbortSignal;
  lock: HeldLock;
  release(): Promise<void>;
}

/** What acquiring a lock for `request` needs, its defaults filled in. */
function acquireContext(repo: Repository, request: LockRequest): AcquireContext {
  return { repo, clock: request.clock ?? systemClock, timing: request.timing ?? DEFAULT_LOCK_TIMING, owner: request.owner ?? currentOwner(), signal: request.signal };
}

/** The lock just acquired, refreshed and monitored from now on. */
function startHeldLock(ctx: AcquireContext, request: LockRequest, acquired: { id: Id; info: LockInfo }): HeldLock {
  const lock = new HeldLock({ ...acquired, repo: ctx.repo, clock: ctx.clock, timing: ctx.timing, parentSignal: request.signal, log: request.log, onEvent: request.onEvent });
  lock.start();
  return lock;
}

export async function lockRepository(repo: Repository, request: LockRequest): Promise<LockedRepository> {
  const ctx = acquireContext(repo, request);
  const acquired = await acquireLock(ctx, request.mode === 'exclusive', { retryLockMs: request.retryLockMs ?? 0, onWaiting: request.onWaiting });
  const lock = startHeldLock(ctx, request, acquired);
  return {
    repo: repo.withBackend(new GuardedBackend(repo.backend, lock)),
    signal: lock.signal,
    lock,
    release: () => lock.release(),
  };
}

/**
 * The gate of an operation that started before its lock was taken: reads go ahead, writes wait until the lock is
 * held (then pass the held lock's gate) and fail with the lock's error if it could not be taken.
 */
class PendingGate implements WriteGate {
  private lock: HeldLock | undefined;
  private failure: { error: unknown } | undefined;
  private readonly ready: Promise<void>;
  private settle!: (failure?: { error: unknown }) => void;

  constructor() {
    this.ready = new Promise<void>((resolve, reject) => {
      this.settle = (failure) => (failure ? reject(failure.error) : resolve());
    });
    this.ready.catch(() => undefined); // met by whoever waits on it
  }

  held(lock: HeldLock): void {
    this.lock = lock;
    this.settle();
  }

  failed(error: unknown): void {
    this.failure = { error };
    this.settle(this.failure);
  }

  async readGate(): Promise<void> {
    if (this.failure) throw this.failure.error;
    if (this.lock) await this.lock.readGate();
  }

  async gate(): Promise<void> {
    await this.ready;
    await this.lock?.gate();
  }

  async confirm(): Promise<void> {
    await this.ready;
    await this.lock?.confirm();
  }

  async confirmLanded(undo: () => Promise<string | undefined>): Promise<void> {
    await this.ready;
    await this.lock?.confirmLanded(undo);
  }
}

/** One run of an operation, started with its own signal so that it can be stopped on its own. */
interface Run<T> {
  result: Promise<T>;
  stop: AbortController;
}

/**
 * Takes the lock and runs `work` under it, removing the lock afterwards. `work` starts as soon as our lock file is
 * written and no conflicting lock was seen (restic then waits 200 ms and looks again): it may read meanwhile, but
 * every write waits until the lock is held. Should the second look find a conflict, that run is stopped with the
 * lock's error; with `retryLockMs`, `work` runs again from the start once the lock is taken. The signal `work` gets
 * is aborted when the user cancels or the lock is lost, with the reason as its reason.
 */
export async function runLocked<T>(repo: Repository, request: LockRequest, work: (repo: Repository, signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctx = acquireContext(repo, request);
  const start = (gate: WriteGate): Run<T> => {
    const stop = new AbortController();
    const signal = request.signal ? AbortSignal.any([request.signal, stop.signal]) : stop.signal;
    const result = work(repo.withBackend(new GuardedBackend(repo.backend, gate)), signal);
    result.catch(() => undefined); // awaited below
    return { result, stop };
  };
  const pending = new PendingGate();
  let early: Run<T> | undefined;
  const stopEarly = async (err: unknown): Promise<void> => {
    pending.failed(err);
    early?.stop.abort(err);
    await early?.result.catch(() => undefined);
  };
  let acquired: Awaited<ReturnType<typeof acquireLock>>;
  try {
    acquired = await acquireLock(ctx, request.mode === 'exclusive', {
      retryLockMs: request.retryLockMs ?? 0,
      onWaiting: request.onWaiting,
      onFirstWritten: () => {
        early = start(pending);
      },
      onFirstFailed: (err) => void stopEarly(err),
    });
  } catch (err) {
    await stopEarly(err);
    throw err;
  }
  const lock = startHeldLock(ctx, request, acquired);
  request.onHeld?.(lock);
  let run: Run<T>;
  if (early && !early.stop.signal.aborted) {
    run = early;
    pending.held(lock);
  } else {
    await early?.result.catch(() => undefined);
    run = start(lock);
  }
  const follow = (): void => run.stop.abort(abortReason(lock.signal));
  if (lock.signal.aborted) follow();
  else lock.signal.addEventListener('abort', follow, { once: true });
  try {
    return await run.result;
  } catch (err) {
    // A lost lock's own error can say more than the signal's reason: what became of a commit point that landed.
    if (err instanceof LockLostError) throw err;
    // The operation saw its signal aborted; report why (lock lost or cancelled), not how it noticed.
    if (run.stop.signal.aborted) throw abortReason(run.stop.signal);
    throw err;
  } finally {
    lock.signal.removeEventListener('abort', follow);
    await lock.release();
  }
}
