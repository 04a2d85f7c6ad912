/** Exit codes as restic 0.17+ documents them; the CLI contract relies on these numbers. */
export const ExitCode = {
  ok: 0,
  fatal: 1,
  someFilesUnreadable: 3,
  noRepository: 10,
  lockFailed: 11,
  wrongPassword: 12,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error whose message is one clear sentence meant for the user. */
export class LockstepError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.fatal,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

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

/** The operation was cancelled (by the user, or because its lock was lost). */
export class CancelledError extends LockstepError {
  constructor(message = 'operation cancelled', exitCode: ExitCodeValue = ExitCode.interrupted) {
    super(message, exitCode);
  }
}
