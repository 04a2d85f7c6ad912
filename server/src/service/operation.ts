// What an operation is to the two front ends (cli/ and rpc/): the facts that decide how it is run (its lock, whether
// it reads the index, what a lost lock leaves uncommitted), how its options are checked and defaulted, and the work
// itself. The lock is applied around the work (service/runner.ts); the work never sees it.
import { ProgressReport } from '../ops/progress';
import { Repository } from '../repo/repository';
import { RepoVersion } from '../repo/format/unpacked';
import { LockTiming } from '../lock/timing';
import type { Backend } from '../backend/backend';
import { OptionSpecs } from './options';

/**
 * How an operation locks the repository, as restic's same command does: `read` is a shared lock that `--no-lock`
 * may skip, `append` a shared lock, `exclusive` an exclusive one; `none` takes no lock (unlock, locks, init).
 */
export type LockUse = 'none' | 'read' | 'append' | 'exclusive';

/** Work an operation started before the repository was open (see Operation.headStart). */
export interface HeadStart {
  close(): Promise<void>;
  /**
   * Whether the key may be derived with a helper thread (repo/engine/scryptlanes.ts): asked as the derivation starts,
   * true where the operation will hold more memory than the helper's anyway.
   */
  keyOnTwoThreads?(): boolean;
}

/** What a head start may use: the repository's backend (its files can be listed before the key is known). */
export interface HeadStartContext {
  backend: Backend;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

/** How the work reports while it runs; each front end renders these its own way. */
export interface OperationIo {
  /** Aborted when the user cancels or the lock is lost (the reason says which). */
  signal: AbortSignal;
  /** The lock timing the front end runs with (the stale rule of unlock and locks). */
  timing: LockTiming;
  /** The front end's environment (the key derivation's parameters of a new key: LOCKSTEP_KDF_*). */
  env?: NodeJS.ProcessEnv;
  /** A step of a long operation ("loading indexes…"). */
  step?(text: string): void;
  /** Files and bytes done so far (and, where the operation knows them, the totals they count towards). */
  progress?(done: ProgressReport): void;
  /** Something the user should know that is not a problem with an item ("… does not exist, skipping"). */
  notice?(text: string): void;
  /** A problem with one item that does not stop the operation. */
  warn?(item: string, message: string): void;
  /** Called by the runner as the work starts (again, if a lock found taken at its second look is waited for). */
  begin?(): void;
  /** What the operation's headStart started, if anything. */
  headStart?: HeadStart;
}

export interface Operation<Input, Options, Result> {
  /** "backup", "prune", … (shown to the user). */
  name: string;
  lock: LockUse;
  /** Read the index while the lock is being acquired (checked again once it is held). */
  readsIndex: boolean;
  /** What is left undone when the lock is lost midway, said to the user. */
  notCommitted: string;
  /** Its options as the CLI's flags and a request's params spell them. */
  options: OptionSpecs<Input>;
  /** Options the CLI takes as its positional arguments, in order; one of kind `strings` takes the rest. */
  positionals?: (keyof Input & string)[];
  /** Checks the options and fills in their defaults; throws a LockstepError naming the bad one. */
  prepare(input: Input): Options;
  /**
   * Starts work that needs no key while the repository is opened (the key's derivation keeps one core busy for half
   * a second); it reaches run() as io.headStart, and the runner closes it after. Not where the front end keeps the
   * repository open (no key to wait for).
   */
  headStart?(options: Options, context: HeadStartContext): HeadStart | undefined;
  /** For init: the repository is created (with this format version) rather than opened. */
  creates?(options: Options): RepoVersion;
  run(repo: Repository, options: Options, io: OperationIo): Promise<Result>;
}
