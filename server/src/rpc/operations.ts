// Runs one request as an operation of the catalogue (service/runner.ts opens the repository the backend was started
// for and takes the lock the operation names), reports the lock's state and the progress to the client, and turns
// failures into the protocol's error codes. Requests run concurrently: unlock and locks answer while a backup holds
// its lock.
import { UnknownHostKeyError } from '../backend/knownhosts';
import { CancellationToken, ResponseError } from 'vscode-jsonrpc';
import type { Connection, WorkDoneProgressReporter } from 'vscode-languageserver';
import { openBackend } from '../backend/open';
import { AlreadyLockedError, CancelledError, LockLostError, LockstepError, NoRepositoryError, WrongPasswordError } from '../base/errors';
import { LockConflictError } from '../lock/acquire';
import { LockInfo } from '../lock/lockfile';
import { HeldLock } from '../lock/held';
import { lockTimingFromEnv } from '../lock/timing';
import { Operation } from '../service/operation';
import { runOperation } from '../service/runner';
import { placeOf, RepositorySession, treeCacheBytesFromEnv } from '../service/reposession';
import { Admission } from './admission';
import { createServerProgress } from './progress';
import { LockHolder, LockLostNotification, LockStateNotification, LockStateParams, LockstepErrorCodes, UnknownHostKeyData } from '../../../shared/src/protocol';

/** How a request asked to be run: restic's --retry-lock and the client's progress token. */
export interface RequestLocking {
  retryLockMs?: number;
  workDoneToken?: string | number;
}

/** What toResponseError needs of an operation. */
type Described = Pick<Operation<unknown, unknown, unknown>, 'name' | 'notCommitted'>;

export function holderOf(info: LockInfo, id: string): LockHolder {
  return { id, exclusive: info.exclusive, hostname: info.hostname, username: info.username, pid: info.pid, time: info.timeMs };
}

export class Operations {
  private nextId = 1;
  /** The repository kept open between requests. */
  readonly repository = new RepositorySession();

  constructor(
    private readonly connection: Connection,
    private readonly env: NodeJS.ProcessEnv,
    /** The repository password, as the entry point resolves it. */
    private readonly password: () => string,
    private readonly admission: Admission,
  ) {}

  location(): string {
    const location = this.env.RESTIC_REPOSITORY;
    if (!location) throw new LockstepError('no repository is configured (set lockstep.repository)');
    return location;
  }

  /**
   * Every request passes through here: the catalogue's operation run with the lock it names, reported to the client,
   * once the admission lets it (see admission.ts); the token also ends it when the backend stops.
   */
  run<Input, Options, Result>(op: Operation<Input, Options, Result>, options: Options, locking: RequestLocking, token: CancellationToken): Promise<Result> {
    return this.admission.run(op.name, op.lock === 'none' ? 'lock-free' : 'locking', token, (admitted) => this.runAdmitted(op, options, locking, admitted));
  }

  private async runAdmitted<Input, Options, Result>(op: Operation<Input, Options, Result>, options: Options, locking: RequestLocking, token: CancellationToken): Promise<Result> {
    const spec = { ...locking, name: op.name };
    const operationId = this.nextId++;
    const cancel = new AbortController();
    const onCancel = token.onCancellationRequested(() => cancel.abort(new CancelledError(`${op.name} cancelled`)));
    // init had no progress of its own before it ran through here; it still has none.
    const reporter = op.creates ? this.connection.window.attachWorkDoneProgress(undefined) : await this.progressFor(spec, cancel);
    const state = (s: Omit<LockStateParams, 'operationId' | 'operation' | 'exclusive'>): void => {
      void this.connection.sendNotification(LockStateNotification.type, { operationId, operation: op.name, exclusive: op.lock === 'exclusive', ...s });
    };
    let held: HeldLock | undefined;
    try {
      return await runOperation(op, options, {
        openBackend: () => this.openBackend(),
        password: async () => this.password(),
        keptRepository: (signal) =>
          this.repository.acquire(
            { place: placeOf(this.location(), this.env), password: this.password(), openBackend: () => this.openBackend(), treeCacheBytes: treeCacheBytesFromEnv(this.env) },
            signal,
          ),
        env: this.env,
        timing: lockTimingFromEnv(this.env),
        signal: cancel.signal,
        retryLockMs: locking.retryLockMs,
        report: {
          step: (text) => reporter.report(0, text),
          progress: (p) => reporter.report(p.totalBytes ? Math.min(100, Math.floor((100 * p.bytesDone) / p.totalBytes)) : 0, `${p.filesDone} ${p.counts ?? 'files'}, ${(p.bytesDone / 1048576).toFixed(1)} MiB${p.currentFile ? `: ${p.currentFile}` : ''}`),
          warn: (item, message) => this.connection.console.warn(`${op.name}: ${item}: ${message}`),
        },
        lockEvents: {
          onAcquiring: () => state({ state: 'acquiring' }),
          log: (message) => this.connection.console.warn(`${op.name}: ${message}`),
          onWaiting: (conflict: LockConflictError) => state({ state: 'waiting', holder: holderOf(conflict.holder, conflict.holderId) }),
          onEvent: (event) => {
            if (event.kind === 'refreshed') state({ state: 'held', lockId: event.lockId, refreshedAt: event.atMs });
            else if (event.kind === 'lost') {
              state({ state: 'lost', reason: event.reason, message: event.message });
              void this.connection.sendNotification(LockLostNotification.type, { operationId, operation: op.name, reason: event.reason, message: event.message, notCommitted: op.notCommitted });
            }
          },
          onHeld: (lock) => {
            held = lock;
            state({ state: 'held', lockId: lock.id, refreshedAt: lock.lastRefresh });
          },
        },
      });
    } catch (err) {
      throw toResponseError(err, op);
    } finally {
      if (held && !held.lost) state({ state: 'released' });
      onCancel.dispose();
      reporter.done();
    }
  }

  private openBackend(): ReturnType<typeof openBackend> {
    return openBackend(this.location(), this.env, (message) => this.connection.console.warn(message));
  }

  /** The client's progress (its token) when it sent one; otherwise a cancellable progress the server creates. */
  private async progressFor(spec: RequestLocking & { name: string }, cancel: AbortController): Promise<WorkDoneProgressReporter> {
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
export function toResponseError(err: unknown, spec: Described): ResponseError<unknown> {
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
