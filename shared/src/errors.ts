// The error every front end shows as one sentence: the CLI exits with its code, the backend process answers with
// it, the extension shows its message. Here, not in server/, because location parsing (location.ts) throws it in
// the extension too.
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
