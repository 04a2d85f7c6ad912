// Runs one request as an operation: opens the repository the backend was started for, takes the lock the
// operation needs, reports the lock's state and the progress to the client, and turns failures into the
// protocol's error codes. Requests run concurrently: unlock and locks answer while a backup holds its lock.
import { UnknownHostKeyError } from '../backend/knownhosts';
import { CancellationToken, ResponseError } from 'vscode-jsonrpc';
import type { Connection, WorkDoneProgressReporter } from 'vscode-languageserver';
import { openBackend } from '../backend/open';
import { resolvePassword } from '../cli/password';
import { AlreadyLockedError, CancelledError, LockLostError, LockstepError, NoRepositoryError, WrongPasswordError } from '../base/errors';
import { LockConflictError } from '../lock/acquire';
import { LockInfo } from '../lock/lockfile';
import { HeldLock } from '../lock/held';
import { LockMode, runLocked } from '../lock/session';
import { lockTimingFromEnv } from '../lock/timing';
import { Repository } from '../repo/repository';
import { Admission } from './admission';
import { createServerProgress } from './progress';
import { LockHolder, LockLostNotification, LockStateNotification, LockStateParams, LockstepErrorCodes, UnknownHostKeyData } from '../protocol';

export interface Progress {
  report(message: string, percentage?: number): void;
}

export interface OperationContext {
  repo: Repository;
  signal: AbortSignal;
  progress: Progress;
}

export interface OperationSpec {
  /** "backup", "prune", … (shown to the user). */
  name: string;
  /** The lock the operation takes; 'none' for unlock and locks. */
  lock: LockMode | 'none';
  retryLockMs?: number;
  workDoneToken?: string | number;
  /** What is left undone when the lock is lost midway, said to the user. */
  notCommitted: string;
  /** Read the index while the lock is being acquired (checked again once it is held). */
  readsIndex?: boolean;
}

export function holderOf(info: LockInfo, id: string): LockHolder {
  return { id, exclusive: info.exclusive, hostname: info.hostname, username: info.username, pid: info.pid, time: info.timeMs };
}

export class Operations {
  private nextId = 1;

  constructor(
    private readonly connection: Connection,
    private readonly env: NodeJS.ProcessEnv,
    private readonly admission: Admission,
  ) {}

  location(): string {
    const location = this.env.RESTIC_REPOSITORY;
    if (!location) throw new LockstepError('no repository is configured (set lockstep.repository)');
    return location;
  }

  password(): string {
    const password = resolvePassword({ env: this.env });
    if (password === undefined || password === '') throw new LockstepError('no repository password is set (run "Lockstep: Set Password")');
    return password;
  }

  /** Runs the operation once the admission lets it (see admission.ts); the token also ends it when the backend stops. */
  run<R>(spec: OperationSpec, token: CancellationToken, work: (ctx: OperationContext) => Promise<R>): Promise<R> {
    return this.admission.run(spec.name, spec.lock === 'none' ? 'lock-free' : 'locking', token, (admitted) => this.runAdmitted(spec, admitted, work));
  }

  private async runAdmitted<R>(spec: OperationSpec, token: CancellationToken, work: (ctx: OperationContext) => Promise<R>): Promise<R> {
    const operationId = this.nextId++;
    const cancel = new AbortController();
    const onCancel = token.onCancellationRequested(() => cancel.abort(new CancelledError(`${spec.name} cancelled`)));
    const reporter = await this.progressFor(spec, cancel);
    const state = (s: Omit<LockStateParams, 'operationId' | 'operation' | 'exclusive'>): void => {
      void this.connection.sendNotification(LockStateNotification.type, { operationId, operation: spec.name, exclusive: spec.lock === 'exclusive', ...s });
    };
    let repo: Repository | undefined;
    const prefetch = new AbortController();
    try {
      repo = await Repository.open(openBackend(this.location(), this.env, (message) => this.connection.console.warn(message)), this.password(), cancel.signal);
      const progress: Progress = { report: (message, percentage) => reporter.report(percentage ?? 0, message) };
      if (spec.lock === 'none') return await work({ repo, signal: cancel.signal, progress });
      state({ state: 'acquiring' });
      if (spec.readsIndex) repo.prefetchIndex(AbortSignal.any([cancel.signal, prefetch.signal]));
      let held: HeldLock | undefined;
      return await runLocked(repo, {
        mode: spec.lock,
        retryLockMs: spec.retryLockMs ?? 0,
        timing: lockTimingFromEnv(this.env),
        signal: cancel.signal,
        log: (message) => this.connection.console.warn(`${spec.name}: ${message}`),
        onWaiting: (conflict: LockConflictError) => state({ state: 'waiting', holder: holderOf(conflict.holder, conflict.holderId) }),
        onEvent: (event) => {
          if (event.kind === 'refreshed') state({ state: 'held', lockId: event.lockId, refreshedAt: event.atMs });
          else if (event.kind === 'lost') {
            state({ state: 'lost', reason: event.reason, message: event.message });
            void this.connection.sendNotification(LockLostNotification.type, { operationId, operation: spec.name, reason: event.reason, message: event.message, notCommitted: spec.notCommitted });
          }
        },
        onHeld: (lock) => {
          held = lock;
          state({ state: 'held', lockId: lock.id, refreshedAt: lock.lastRefresh });
        },
      }, (locked, signal) => work({ repo: locked, signal, progress })).finally(() => {
        if (held && !held.lost) state({ state: 'released' });
      });
    } catch (err) {
      throw toResponseError(err, spec);
    } finally {
      prefetch.abort();
      onCancel.dispose();
      reporter.done();
      await repo?.close();
    }
  }

  /** The client's progress (its token) when it sent one; otherwise a cancellable progress the server creates. */
  private async progressFor(spec: OperationSpec, cancel: AbortController): Promise<WorkDoneProgressReporter> {
    if (spec.workDoneToken !== undefined) {
      const reporter = this.connection.window.attachWorkDoneProgress(spec.workDoneToken);
      reporter.begin(`Lockstep: ${spec.name}`, 0, undefined, true);
      return reporter;
    }
    const reporter = await createServerProgress(this.connection, cancel.signal);
    if (!reporter) return this.connection.window.attachWorkDoneProgress(undefined);
    reporter.token.onCancellationRequested(() => cancel.abort(new CancelledError(`${spec.name} cancelled`)));
    reporter.begin(`Lockstep: ${spec.name}`, 0, undefined, true);
    return reporter;
  }
}

/** The protocol's error for a failed operation: a code the client can act on, and one clear sentence. */
export function toResponseError(err: unknown, spec: OperationSpec): ResponseError<unknown> {
  if (err instanceof ResponseError) return err;
  if (err instanceof LockLostError) {
    const notCommitted = err.leftBehind ? `${spec.notCommitted}; ${err.leftBehind}` : spec.notCommitted;
    return new ResponseError(LockstepErrorCodes.lockLost, `${spec.name}: ${err.message}`, { reason: err.reason, notCommitted });
  }
  if (err instanceof CancelledError) return new ResponseError(LockstepErrorCodes.cancelled, err.message);
  if (err instanceof LockConflictError) return new ResponseError(LockstepErrorCodes.lockedByOther, err.message, holderOf(err.holder, err.holderId));
  if (err instanceof AlreadyLockedError) return new ResponseError(LockstepErrorCodes.lockedByOther, err.message);
  if (err instanceof WrongPasswordError) return new ResponseError(LockstepErrorCodes.wrongPassword, err.message);
  if (err instanceof NoRepositoryError) return new ResponseError(LockstepErrorCodes.noRepository, err.message);
  if (err instanceof UnknownHostKeyError) {
    const data: UnknownHostKeyData = { host: err.host, port: err.port, keyType: err.keyType, fingerprint: err.fingerprint };
    return new ResponseError(LockstepErrorCodes.unknownHostKey, err.message, data);
  }
  if (err instanceof LockstepError) return new ResponseError(LockstepErrorCodes.failed, err.message);
  const message = err instanceof Error ? err.message : String(err);
  return new ResponseError(LockstepErrorCodes.failed, `${spec.name} failed: ${message}`);
}
