// How many requests the backend runs at once. Every operation holds what it reads until it answers (the repository
// itself stays open between them: service/reposession.ts), so nothing but this bounds the backend's memory: 200
// concurrent `snapshots` on a repository whose snapshot carried a 50 MB tag ran V8 into its heap limit, and the
// abort left 85 lock files behind.
// Operations that take a lock and the lock-free ones (`locks`, `unlock`) have lines of their own, so that `locks`
// and `unlock` still answer while backups fill theirs (design.md). Past a line's waiting bound a request is refused
// at once with a clear error rather than queued without end. Stopping (the process is about to exit) cancels what
// runs and empties the lines; stopAll resolves when every operation has ended, its lock file removed.
import { CancellationToken, CancellationTokenSource, ResponseError } from 'vscode-jsonrpc';
import { abortReason } from '../base/abort';
import { CancelledError } from '../base/errors';
import { LockstepErrorCodes } from '../../../shared/src/protocol';
import { Semaphore } from '../base/semaphore';
import type { Activity } from './idlerelease';

export type Lane = 'locking' | 'lock-free';

export interface AdmissionLimits {
  /** Operations of one lane that run at once. */
  running: number;
  /** Requests of one lane that wait for a turn; more are refused. */
  waiting: number;
}

/** A window runs one backup at a time and its user asks for a list now and then; 4 leaves room for both. */
export const DEFAULT_ADMISSION_LIMITS: AdmissionLimits = { running: 4, waiting: 32 };

/** Work that the exit path can stop and wait for. */
export interface Stoppable {
  stopAll(reason: string): Promise<void>;
}

export class Admission implements Stoppable {
  private readonly lanes: Record<Lane, Semaphore>;
  private readonly admitted = new Set<Promise<unknown>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly limits: AdmissionLimits = DEFAULT_ADMISSION_LIMITS,
    /** Told when the first request starts and when the last one has ended (idlerelease.ts). */
    private readonly activity?: Activity,
  ) {
    this.lanes = { locking: new Semaphore(limits.running), 'lock-free': new Semaphore(limits.running) };
  }

  /**
   * Runs `work` once its lane has a free place. The token `work` gets is cancelled when the client cancels or the
   * backend stops; a request cancelled while it waits answers `cancelled` without running.
   */
  run<R>(name: string, lane: Lane, token: CancellationToken, work: (token: CancellationToken) => Promise<R>): Promise<R> {
    if (this.stopping.signal.aborted) return Promise.reject(new ResponseError(LockstepErrorCodes.failed, `${name}: the backend is shutting down`));
    const slots = this.lanes[lane];
    if (slots.waiting >= this.limits.waiting) {
      const what = lane === 'locking' ? 'operations' : 'lock listings and unlocks';
      return Promise.reject(
        new ResponseError(LockstepErrorCodes.failed, `${name}: the backend is busy (${this.limits.running} ${what} running and ${slots.waiting} waiting); try again when one has finished`),
      );
    }
    if (this.admitted.size === 0) this.activity?.started();
    const running = this.admit(name, slots, token, work);
    this.admitted.add(running);
    const forget = (): void => {
      this.admitted.delete(running);
      if (this.admitted.size === 0) this.activity?.idle();
    };
    running.then(forget, forget);
    return running;
  }

  async stopAll(reason: string): Promise<void> {
    if (!this.stopping.signal.aborted) this.stopping.abort(new CancelledError(reason));
    await Promise.allSettled([...this.admitted]);
  }

  private async admit<R>(name: string, slots: Semaphore, token: CancellationToken, work: (token: CancellationToken) => Promise<R>): Promise<R> {
    const client = new AbortController();
    const onClientCancel = token.onCancellationRequested(() => client.abort(new CancelledError(`${name} cancelled`)));
    if (token.isCancellationRequested) client.abort(new CancelledError(`${name} cancelled`));
    const signal = AbortSignal.any([client.signal, this.stopping.signal]);
    const cancel = new CancellationTokenSource();
    const onAbort = (): void => cancel.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      let leave: () => void;
      try {
        leave = await slots.acquire(signal);
      } catch {
        const why = client.signal.aborted ? 'cancelled before it started' : `not started: ${abortReason(this.stopping.signal).message}`;
        throw new ResponseError(LockstepErrorCodes.cancelled, `${name} ${why}`);
      }
      try {
        return await work(cancel.token);
      } finally {
        leave();
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      onClientCancel.dispose();
      cancel.dispose();
    }
  }
}
