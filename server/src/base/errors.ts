// The exit codes and the user-facing error are shared with the extension (location parsing throws it).
import { ExitCode, LockstepError } from '../../../shared/src/errors';

export { ExitCode, LockstepError };
export type { ExitCodeValue } from '../../../shared/src/errors';

export class WrongPasswordError extends LockstepError {
  constructor(message = 'wrong password or no key found') {
    super(message, ExitCode.wrongPassword);
  }
}

export class NoRepositoryError extends LockstepError {
  constructor(location: string, options?: { cause?: unknown }) {
    super(`repository does not exist: unable to open config file at ${location}`, ExitCode.noRepository, options);
  }
}

/** Raised when a sealed object fails its MAC check (wrong key or damaged bytes). */
export class CiphertextVerificationError extends Error {
  constructor() {
    super('ciphertext verification failed');
    this.name = 'CiphertextVerificationError';
  }
}

/** A file in the repository is damaged or not what its name says. */
export class CorruptFileError extends LockstepError {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file} is damaged: ${detail}`);
  }
}

/** Why a running operation was stopped: the user asked, or its lock could no longer be trusted. */
export type LockLostReason = 'refresh-failed' | 'refresh-late' | 'lock-removed';
export type AbortReasonKind = LockLostReason | 'user-cancelled';

/** The user cancelled the operation (Ctrl-C, SIGTERM, a cancel button). */
export class CancelledError extends LockstepError {
  readonly reason: AbortReasonKind = 'user-cancelled';
  constructor(message = 'operation cancelled') {
    super(message, ExitCode.interrupted);
  }
}

/**
 * The operation's lock was lost, so it was stopped before its next commit point: another client may have
 * removed the lock and pruned, and anything written from here on could point at deleted data. `leftBehind`
 * says what became of a commit point that landed just as the lock was lost (the default: nothing did).
 */
export class LockLostError extends LockstepError {
  constructor(
    readonly reason: LockLostReason,
    readonly detail: string,
    readonly leftBehind?: string,
  ) {
    super(`lock lost (${reason}): ${detail}; the operation was cancelled ${leftBehind ? `and ${leftBehind}` : 'and wrote nothing more to the repository'}`, ExitCode.lockFailed);
  }
}

/** Another client holds a conflicting lock. */
export class AlreadyLockedError extends LockstepError {
  constructor(message: string) {
    super(message, ExitCode.lockFailed);
  }
}
