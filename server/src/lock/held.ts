// A held lock (research/restic-locks.md §3.6–3.9): refreshed on a timer, watched by a monitor that polls the wall
// clock, and tied to the operation's AbortSignal, which is aborted with a LockLostError the moment the lock can
// no longer be trusted. Repository writes pass through gate(), so nothing is written on a lock that has expired.
import { throwIfAborted } from '../base/abort';
import { LockLostError, LockLostReason } from '../base/errors';
import { Id, shortId } from '../repo/format/ids';
import { Repository } from '../repo/repository';
import { Clock } from '../base/clock';
import { formatGoDuration, LockInfo, withTime } from './lockfile';
import { lockExists, removeLock, writeLock } from './store';
import { LockTiming } from './timing';

/** What the status bar and logs want to know about a held lock. */
export type LockEvent =
  | { kind: 'refreshed'; lockId: Id; atMs: number }
  | { kind: 'refresh-failed'; message: string }
  | { kind: 'lost'; reason: LockLostReason; message: string }
  | { kind: 'released' };

export interface HeldLockOptions {
  repo: Repository;
  clock: Clock;
  timing: LockTiming;
  id: Id;
  info: LockInfo;
  /** The caller's own cancellation (user); joined into `signal`. */
  parentSignal?: AbortSignal;
  log?(message: string): void;
  onEvent?(event: LockEvent): void;
}

/** Our lock file is gone: someone ran `unlock`, so a prune may have run since. */
class RemovedLockError extends Error {
  constructor() {
    super('lock file was removed in the meantime');
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class HeldLock {
  /** The operation's signal: aborted when the user cancels or the lock is lost. */
  readonly signal: AbortSignal;
  private readonly loss = new AbortController();
  private readonly stop = new AbortController();
  /** For lock-file I/O: cancelled on release and on loss. */
  private readonly ioSignal: AbortSignal;
  private currentId: Id;
  private currentInfo: LockInfo;
  /** Wall-clock time of the lock file we last confirmed. */
  private lastRefreshMs: number;
  private lostError?: LockLostError;
  /** Refreshes run one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private staleRefresh?: Promise<void>;
  private loops: Promise<void>[] = [];
  private released = false;

  constructor(private readonly options: HeldLockOptions) {
    this.currentId = options.id;
    this.currentInfo = options.info;
    this.lastRefreshMs = options.info.timeMs;
    this.signal = options.parentSignal ? AbortSignal.any([options.parentSignal, this.loss.signal]) : this.loss.signal;
    this.ioSignal = AbortSignal.any([this.stop.signal, this.loss.signal]);
  }

  get id(): Id {
    return this.currentId;
  }

  get info(): LockInfo {
    return this.currentInfo;
  }

  get lastRefresh(): number {
    return this.lastRefreshMs;
  }

  get lost(): LockLostError | undefined {
    return this.lostError;
  }

  start(): void {
    this.loops = [this.refreshLoop(), this.monitorLoop()];
  }

  /**
   * Waits until a repository write may go ahead. When the last confirmed refresh is older than the
   * refreshability timeout (the process slept or was stopped), the stale-lock refresh runs first, and every
   * write waits for it; if it fails, this throws the LockLostError.
   */
  async gate(): Promise<void> {
    throwIfAborted(this.signal);
    if (this.staleRefresh || this.overdue()) await this.ensureStaleRefresh();
    throwIfAborted(this.signal);
  }

  /** Reads wait like writes: after standby nothing is trusted until the lock is known to be good. */
  readGate(): Promise<void> {
    return this.gate();
  }

  /**
   * Before a commit point (an index or a snapshot): our lock file must still exist. If someone removed it, a
   * prune may have deleted what we are about to reference, so the lock is lost and this throws.
   */
  async confirm(): Promise<void> {
    await this.gate();
    let exists: boolean;
    try {
      exists = await this.serialized(() => lockExists(this.options.repo, this.currentId, this.ioSignal));
    } catch (err) {
      throwIfAborted(this.signal);
      throw err;
    }
    if (!exists) this.lose('lock-removed', this.removedDetail());
    throwIfAborted(this.signal);
  }

  /**
   * After a commit point has landed: our lock file must still be there. A process stopped between its last check
   * and the landing (standby, SIGSTOP) wakes to land a file that may name data a prune deleted meanwhile. If the
   * file is gone, or the lock was lost meanwhile, or the check itself fails, `undo` removes what landed and says
   * what is left (undefined: nothing had landed), and the LockLostError thrown says that instead of "wrote nothing
   * more". A lock file that still exists proves nobody took a conflicting lock: locks block even when stale.
   */
  async confirmLanded(undo: () => Promise<string | undefined>): Promise<void> {
    let failure: { reason: LockLostReason; detail: string } | undefined;
    if (!this.lostError) {
      try {
        const exists = await this.serialized(() => lockExists(this.options.repo, this.currentId, this.ioSignal));
        if (exists && !this.lostError) return;
        if (!exists) failure = { reason: 'lock-removed', detail: this.removedDetail() };
      } catch (err) {
        if (!this.lostError) failure = { reason: 'refresh-failed', detail: `the lock file could not be checked once a commit point had landed: ${message(err)}` };
      }
    }
    const leftBehind = await undo();
    if (failure) this.lose(failure.reason, failure.detail, leftBehind);
    // Lost earlier (by a refresh, say), the lock's error does not know what landed since; this one does.
    const cause = this.lostError ?? failure ?? { reason: 'lock-removed', detail: this.removedDetail() };
    throw cause instanceof LockLostError && cause.leftBehind === leftBehind ? cause : new LockLostError(cause.reason, cause.detail, leftBehind);
  }

  /**
   * Stops refreshing and removes the lock file (allowed up to a minute, even after a cancel; ten seconds after a
   * lost lock, whose backend may be the thing that hangs: a lock left behind goes stale and unlock removes it).
   */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.stop.abort();
    await Promise.allSettled([...this.loops, this.staleRefresh]);
    await this.queue.catch(() => undefined);
    if (this.lostError?.reason !== 'lock-removed') {
      try {
        await removeLock(this.options.repo, this.currentId, AbortSignal.timeout(this.lostError ? 10_000 : 60_000));
      } catch (err) {
        this.log(`error while unlocking: ${message(err)}`);
      }
    }
    this.options.onEvent?.({ kind: 'released' });
  }

  private overdue(): boolean {
    return this.options.clock.now() - this.lastRefreshMs >= this.options.timing.refreshabilityMs;
  }

  private log(text: string): void {
    this.options.log?.(text);
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private removedDetail(): string {
    return `the lock file ${shortId(this.currentId)} was removed in the meantime (someone ran unlock; the repository may have been pruned since)`;
  }

  private lose(reason: LockLostReason, detail: string, leftBehind?: string): void {
    if (this.lostError || this.released) return;
    this.lostError = new LockLostError(reason, detail, leftBehind);
    this.log(`Fatal: failed to refresh lock in time: ${detail}`);
    this.loss.abort(this.lostError);
    this.options.onEvent?.({ kind: 'lost', reason, message: this.lostError.message });
  }

  private adopt(id: Id, info: LockInfo): void {
    this.currentId = id;
    this.currentInfo = info;
    this.lastRefreshMs = info.timeMs;
    this.options.onEvent?.({ kind: 'refreshed', lockId: id, atMs: info.timeMs });
  }

  private async removeReplaced(oldId: Id): Promise<void> {
    try {
      await removeLock(this.options.repo, oldId, this.ioSignal);
    } catch (err) {
      this.log(`unable to remove the replaced lock file ${shortId(oldId)}: ${message(err)}`);
    }
  }

  /** Normal refresh: write the replacement, make sure the old file was still there, then remove the old one. */
  private async refreshOnce(): Promise<void> {
    const { repo, clock } = this.options;
    const oldId = this.currentId;
    const info = withTime(this.currentInfo, clock.now());
    const newId = await writeLock(repo, info, this.ioSignal);
    let stillThere: boolean;
    try {
      stillThere = await lockExists(repo, oldId, this.ioSignal);
    } catch (err) {
      await removeLock(repo, newId).catch(() => undefined);
      throw err;
    }
    if (!stillThere) {
      await removeLock(repo, newId).catch(() => undefined);
      throw new RemovedLockError();
    }
    this.adopt(newId, info);
    await this.removeReplaced(oldId);
  }

  /**
   * restic's stale-lock refresh: our file must exist before the replacement is written and still exist after
   * it (and a pause), so the two overlap and no conflicting lock can have been taken in between.
   */
  private async staleRefreshOnce(): Promise<void> {
    const { repo, clock, timing } = this.options;
    const oldId = this.currentId;
    if (!(await lockExists(repo, oldId, this.ioSignal))) throw new RemovedLockError();
    const info = withTime(this.currentInfo, clock.now());
    const newId = await writeLock(repo, info, this.ioSignal);
    try {
      await clock.sleep(timing.waitBeforeCheckMs, this.ioSignal);
      if (!(await lockExists(repo, oldId, this.ioSignal))) throw new RemovedLockError();
    } catch (err) {
      await removeLock(repo, newId).catch(() => undefined);
      throw err;
    }
    this.adopt(newId, info);
    await this.removeReplaced(oldId);
  }

  private ensureStaleRefresh(): Promise<void> {
    this.staleRefresh ??= this.runStaleRefresh().finally(() => {
      this.staleRefresh = undefined;
    });
    return this.staleRefresh;
  }

  /**
   * Never throws: a failure ends in lose(). It gets the margin between the refreshability and stale timeouts
   * (1.5 × refresh), so a hung backend cannot postpone the verdict past the moment others may call us stale.
   */
  private async runStaleRefresh(): Promise<void> {
    const { clock, timing } = this.options;
    const gapMs = clock.now() - this.lastRefreshMs;
    this.log(`lock not refreshed for ${formatGoDuration(gapMs)}; checking that it still exists before going on`);
    const budget = new AbortController();
    const budgetMs = timing.staleMs - timing.refreshabilityMs;
    const late = clock.sleep(budgetMs, AbortSignal.any([budget.signal, this.ioSignal])).then(
      () => 'late' as const,
      () => 'stopped' as const,
    );
    const work = this.serialized(() => this.staleRefreshOnce()).then(
      () => 'ok' as const,
      (err: unknown) => err,
    );
    const outcome = await Promise.race([work, late]);
    budget.abort();
    if (outcome === 'ok' || outcome === 'stopped' || this.released) return;
    if (outcome === 'late') {
      this.lose('refresh-late', `the lock could not be refreshed within ${formatGoDuration(budgetMs)} after ${formatGoDuration(gapMs)} without a refresh`);
    } else if (outcome instanceof RemovedLockError) {
      this.lose('lock-removed', `failed to refresh stale lock: ${outcome.message} (someone ran unlock; the repository may have been pruned since)`);
    } else {
      this.lose('refresh-failed', `failed to refresh stale lock: ${message(outcome)}`);
    }
  }

  private async refreshLoop(): Promise<void> {
    const { clock, timing } = this.options;
    let delay = timing.refreshMs;
    for (;;) {
      try {
        await clock.sleep(delay, this.ioSignal);
      } catch {
        return;
      }
      delay = timing.refreshMs;
      // Past the deadline a normal refresh is not enough; the monitor runs the stale-lock refresh.
      if (this.overdue() || this.staleRefresh) continue;
      try {
        await this.serialized(() => this.refreshOnce());
      } catch (err) {
        if (this.ioSignal.aborted) return;
        if (err instanceof RemovedLockError) {
          this.lose('lock-removed', `${err.message} (someone ran unlock; the repository may have been pruned since)`);
          return;
        }
        this.log(`unable to refresh lock: ${message(err)}`);
        this.options.onEvent?.({ kind: 'refresh-failed', message: message(err) });
        delay = timing.refreshRetryMs;
      }
    }
  }

  private async monitorLoop(): Promise<void> {
    const { clock, timing } = this.options;
    for (;;) {
      try {
        await clock.sleep(timing.pollMs, this.ioSignal);
      } catch {
        return;
      }
      if (this.overdue() && !this.staleRefresh) void this.ensureStaleRefresh();
    }
  }
}
