// Runs one operation of the catalogue the same way for both front ends: start what the operation can do before the
// repository is open, open it (or create it, for init), start reading the index when the operation needs it, take
// the lock the operation names around the work (runLocked: it starts reading while the lock is being confirmed, and
// writes only once it is held), close.
import { Backend } from '../backend/backend';
import { LockRequest, runLocked } from '../lock/session';
import { LockTiming } from '../lock/timing';
import { chooseKdf } from '../repo/format/key';
import { scryptFor } from '../repo/engine/scryptlanes';
import { Repository } from '../repo/repository';
import { HeadStart, Operation, OperationIo } from './operation';
import { RepositoryLease } from './reposession';

/** Where and how a front end runs an operation. */
export interface Session {
  /** The backend of the repository the front end was pointed at. */
  openBackend(): Backend;
  /** The repository password, resolved by the entry point; `forNewRepository` for init (a prompt asks twice). */
  password(forNewRepository: boolean): Promise<string>;
  /** For the key derivation's parameters of a new repository. */
  env: NodeJS.ProcessEnv;
  timing: LockTiming;
  /** The user's cancellation. */
  signal: AbortSignal;
  /** restic's --retry-lock. */
  retryLockMs?: number;
  /** restic's --no-lock: operations that only read run without a lock. */
  noLock?: boolean;
  /** How the work's steps, progress and warnings reach the user. */
  report?: Pick<OperationIo, 'step' | 'progress' | 'warn' | 'begin' | 'notice'>;
  /** What happens to the lock, for a front end that shows it. */
  lockEvents?: Pick<LockRequest, 'log' | 'onWaiting' | 'onEvent' | 'onHeld'> & { onAcquiring?(): void };
  /**
   * The repository a long-lived front end keeps open between operations (service/reposession.ts); without it (the
   * CLI) the operation opens the repository and closes it at the end.
   */
  keptRepository?(signal: AbortSignal): Promise<RepositoryLease>;
}

/** The repository the operation runs on (on `backend`, unless the front end keeps one open), and what to do with it afterwards. */
async function openFor<Input, Options, Result>(op: Operation<Input, Options, Result>, options: Options, session: Session, backend: Backend | undefined, headStart: HeadStart | undefined): Promise<RepositoryLease> {
  if (!backend) {
    if (!session.keptRepository) throw new Error('no repository to run on');
    return session.keptRepository(session.signal);
  }
  const password = await session.password(op.creates !== undefined);
  const repo = op.creates
    ? await Repository.init(backend, password, { version: op.creates(options), kdf: await chooseKdf(session.env), signal: session.signal })
    : await Repository.open(backend, password, session.signal, undefined, scryptFor(session.env, () => headStart?.keyOnTwoThreads?.() === true));
  return { repo, release: () => repo.close() };
}

export async function runOperation<Input, Options, Result>(op: Operation<Input, Options, Result>, options: Options, session: Session): Promise<Result> {
  const backend = session.keptRepository && !op.creates ? undefined : session.openBackend();
  const headStart = backend && op.headStart?.(options, { backend, env: session.env, signal: session.signal });
  try {
    return await runOpened(op, options, session, backend, headStart);
  } finally {
    await headStart?.close();
  }
}

async function runOpened<Input, Options, Result>(op: Operation<Input, Options, Result>, options: Options, session: Session, backend: Backend | undefined, headStart: HeadStart | undefined): Promise<Result> {
  const run = (repo: Repository, signal: AbortSignal): Promise<Result> => {
    session.report?.begin?.();
    return op.run(repo, options, { ...session.report, signal, timing: session.timing, env: session.env, headStart });
  };
  const { repo, release } = await openFor(op, options, session, backend, headStart);
  const prefetch = new AbortController();
  try {
    if (op.lock === 'none' || (op.lock === 'read' && session.noLock)) return await run(repo, session.signal);
    session.lockEvents?.onAcquiring?.();
    if (op.readsIndex) repo.prefetchIndex(AbortSignal.any([session.signal, prefetch.signal]));
    return await runLocked(
      repo,
      {
        mode: op.lock === 'exclusive' ? 'exclusive' : 'shared',
        retryLockMs: session.retryLockMs ?? 0,
        timing: session.timing,
        signal: session.signal,
        ...session.lockEvents,
      },
      run,
    );
  } finally {
    prefetch.abort();
    await release();
  }
}
