// What a test's remote repository server (REST, SFTP, S3) offers to the shared remote-backend scenarios.
// Each server is started by the test on 127.0.0.1 and stopped by its pid in the test's teardown.

export interface RemoteServer {
  /** Repository location for `lockstep -r` and `restic -r` (e.g. `rest:http://127.0.0.1:PORT/repo/`). */
  location: string;
  /** Extra environment for Lockstep processes and in-process backends (credentials, key files, known hosts). */
  lockstepEnv: Record<string, string>;
  /** Extra environment for restic processes. */
  resticEnv: Record<string, string>;
  /** Extra restic arguments placed before the command (e.g. `-o sftp.command=…`). */
  resticArgs: string[];
  /** SIGSTOPs every process of the server (listener and per-connection children): a server that hangs. */
  pause(): void;
  /** SIGCONTs what pause() stopped. */
  resume(): void;
  /** SIGKILLs the server, as a crash mid-operation. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data, after kill(). */
  restart(): Promise<void>;
  /** Stops it (and anything it started) for good. */
  stop(): Promise<void>;
}

/** Starts a fresh server holding one empty repository location under `work` (a temp folder the test owns). */
export type StartRemoteServer = (work: string) => Promise<RemoteServer>;
