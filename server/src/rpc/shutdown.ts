// The backend's one way out. Whatever ends it (the client's shutdown and exit, stdin closing, the IPC channel
// going away, the editor's process gone, SIGTERM or Ctrl-C), the running operations are cancelled with the reason
// and get SHUTDOWN_GRACE_MS to end, which removes their lock files as a cancel does; then the process exits. Before,
// each of these called process.exit at once (or was killed by the signal) and left the locks, which block the
// user's other clients until they go stale 30 minutes later.
import type { Stoppable } from './admission';

/**
 * vscode-languageclient gives the shutdown request 2 s and kills the process 2 s after exit; a cancelled
 * operation on a local repository removes its lock in milliseconds, a remote one in a round trip or two.
 */
export const SHUTDOWN_GRACE_MS = 3000;

export class Shutdown {
  private stopped?: Promise<void>;
  private exitCode?: number;

  constructor(
    private readonly work: Stoppable,
    private readonly log: (message: string) => void,
    private readonly graceMs = SHUTDOWN_GRACE_MS,
  ) {}

  /** Cancels every operation and waits (at most the grace time) until they have ended and removed their locks. */
  stopWork(reason: string): Promise<void> {
    this.stopped ??= this.stop(reason);
    return this.stopped;
  }

  /** stopWork, then exit with `code` (the first way out's code, should several come). */
  exit(reason: string, code: number): void {
    if (this.exitCode !== undefined) return;
    this.exitCode = code;
    void this.stopWork(reason).then(() => process.exit(this.exitCode));
  }

  private async stop(reason: string): Promise<void> {
    this.log(`stopping: ${reason}`);
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.graceMs)));
    const outcome = await Promise.race([this.work.stopAll(reason).then(() => 'ended' as const), graceOver]);
    clearTimeout(timer);
    if (outcome === 'late') this.log(`operations still running after ${this.graceMs} ms; their locks go stale unless removed`);
  }
}
