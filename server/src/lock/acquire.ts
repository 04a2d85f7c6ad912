// Taking a lock (research/restic-locks.md §3.2, §3.3): look for conflicting locks, write our own, wait, look
// again. Stale locks are never ignored here; only `unlock` removes them. Unreadable lock files count as held.
import { abortReason } from '../base/abort';
import { AlreadyLockedError, LockstepError } from '../base/errors';
import { Id, shortId } from '../repo/format/ids';
import { Repository } from '../repo/repository';
import { Clock } from '../base/clock';
import { describeLock, formatGoDuration, LockInfo, LockOwner, newLockInfo } from './lockfile';
import { listLockIds, loadLock, removeLock, writeLock } from './store';
import { LockTiming } from './timing';
import { trace } from '../base/trace';

/** Passes over the lock files when some cannot be read (restic ≥0.17.1: 4, waiting 5, 10, 20 s between). */
const UNREADABLE_PASSES = 4;

export const UNLOCK_HINT = 'the `unlock` command can be used to remove stale locks';
const REMOVE_ALL_HINT =
  'the `unlock --remove-all` command can be used to remove invalid locks. Make sure that no other restic or Lockstep process is accessing the repository when running it';

/** A conflicting lock held by someone else; carries who holds it. */
export class LockConflictError extends AlreadyLockedError {
  constructor(
    readonly holder: LockInfo,
    readonly holderId: Id,
    nowMs: number,
  ) {
    super(
      `unable to create lock in backend: repository is already locked ${holder.exclusive ? 'exclusively ' : ''}by ${describeLock(holder, holderId, nowMs)}\n${UNLOCK_HINT}`,
    );
  }
}

/** A lock file that still could not be read after every pass: the repository counts as locked. */
export class UnreadableLockError extends AlreadyLockedError {
  constructor(
    readonly lockId: Id,
    readonly problem: string,
  ) {
    super(`unable to create lock in backend: lock file ${shortId(lockId)} cannot be read (${problem}), so the repository counts as locked\n${REMOVE_ALL_HINT}`);
  }
}

export interface AcquireContext {
  repo: Repository;
  clock: Clock;
  timing: LockTiming;
  owner: LockOwner;
  signal?: AbortSignal;
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Throws LockConflictError when a lock other than `ownId` conflicts with `me`, UnreadableLockError when a lock
 * file could not be read in any of the passes. A lock read once and found compatible is not read again: a
 * lock's content cannot change without its ID changing.
 */
export async function checkForOtherLocks(ctx: AcquireContext, me: { exclusive: boolean }, ownId?: Id): Promise<void> {
  const checked = new Set<Id>(ownId ? [ownId] : []);
  let delay = ctx.timing.unreadableRetryMs;
  let unreadable: { id: Id; err: unknown } | undefined;
  for (let pass = 0; pass < UNREADABLE_PASSES; pass++) {
    if (pass > 0) {
      await ctx.clock.sleep(delay, ctx.signal);
      delay *= 2;
    }
    unreadable = undefined;
    for (const id of await listLockIds(ctx.repo, ctx.signal)) {
      if (checked.has(id)) continue;
      let other: LockInfo;
      try {
        other = await loadLock(ctx.repo, id, ctx.signal);
      } catch (err) {
        if (ctx.signal?.aborted) throw abortReason(ctx.signal);
        unreadable = { id, err };
        break;
      }
      if (me.exclusive || other.exclusive) throw new LockConflictError(other, id, ctx.clock.now());
      checked.add(id);
    }
    if (!unreadable) return;
  }
  if (unreadable) throw new UnreadableLockError(unreadable.id, describeError(unreadable.err));
}

/**
 * One attempt: check, write our lock, wait, check again; our file is removed again when that fails. `onWritten`
 * is called once our file is written and no conflicting lock was seen: from then on no conflicting operation can
 * get past its own checks (it would see our file) until this attempt has decided.
 */
export async function tryLock(ctx: AcquireContext, exclusive: boolean, onWritten?: () => void): Promise<{ id: Id; info: LockInfo }> {
  const info = newLockInfo(ctx.owner, exclusive, ctx.clock.now());
  await checkForOtherLocks(ctx, info);
  const id = await writeLock(ctx.repo, info, ctx.signal);
  trace('lock file written');
  onWritten?.();
  try {
    await ctx.clock.sleep(ctx.timing.waitBeforeCheckMs, ctx.signal);
    await checkForOtherLocks(ctx, info, id);
    trace('lock confirmed');
  } catch (err) {
    await removeLock(ctx.repo, id).catch(() => undefined);
    throw err;
  }
  return { id, info };
}

export interface RetryOptions {
  /** How long to keep trying while another client holds a conflicting lock (`--retry-lock`); 0: one more try. */
  retryLockMs: number;
  /** Called once when the first attempt meets a conflicting lock and we start waiting. */
  onWaiting?(conflict: LockConflictError): void;
  /** The first attempt's tryLock hook (see there); later attempts have none. */
  onFirstWritten?(): void;
  /** Called when the first attempt fails, before any waiting. */
  onFirstFailed?(err: unknown): void;
}

/**
 * Takes a lock, waiting up to `retryLockMs` for conflicting holders with restic's back-off (min(5 s, limit),
 * doubling to 60 s, then one last try at the deadline). Only conflicts are waited for; other failures are not.
 */
export async function acquireLock(ctx: AcquireContext, exclusive: boolean, retry: RetryOptions): Promise<{ id: Id; info: LockInfo }> {
  if (!(retry.retryLockMs >= 0)) throw new LockstepError(`invalid lock wait ${retry.retryLockMs} ms`);
  const deadline = ctx.clock.now() + retry.retryLockMs;
  let sleepMs = Math.min(ctx.timing.retrySleepStartMs, retry.retryLockMs);
  let waiting = false;
  for (let attempt = 0; ; attempt++) {
    try {
      return await tryLock(ctx, exclusive, attempt === 0 ? retry.onFirstWritten : undefined);
    } catch (err) {
      if (attempt === 0) retry.onFirstFailed?.(err);
      if (!(err instanceof LockConflictError)) throw err;
      const remaining = deadline - ctx.clock.now();
      if (remaining <= 0) throw err;
      if (!waiting) {
        waiting = true;
        retry.onWaiting?.(err);
      }
      await ctx.clock.sleep(Math.min(sleepMs, remaining), ctx.signal);
      sleepMs = Math.min(sleepMs * 2, ctx.timing.retrySleepMaxMs);
      if (ctx.clock.now() >= deadline) return tryLock(ctx, exclusive);
    }
  }
}

export function waitingMessage(retryLockMs: number): string {
  return `repo already locked, waiting up to ${formatGoDuration(retryLockMs)} for the lock`;
}
