// The watch over the whole repository's locks: while the window is idle, the backend lists the locks every
// lockstep.lockWatchSeconds and when the window gains focus (it reads only lock files it has not seen, and writes
// nothing). After the window has been unfocused for a while the polling pauses until it is focused again.
import * as vscode from 'vscode';
import { LocksRequest } from '../../shared/src/protocol';
import { BackendClient } from './backend';
import { readSettings } from './settings';
import { LockIndicator } from './statusBar';
import { LocksTree } from './views';

/** restic's stale timeout, when lockstep.lockTiming.staleMs does not set another. */
const DEFAULT_STALE_MS = 30 * 60_000;
/** Unfocused this long, the watch pauses. */
export const UNFOCUSED_PAUSE_MS = 5 * 60_000;

export class LockWatch implements vscode.Disposable {
  private timer?: ReturnType<typeof setInterval>;
  private unfocusedSince?: number;
  private listing = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly backend: BackendClient,
    private readonly indicator: LockIndicator,
    private readonly locks: LocksTree,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.window.onDidChangeWindowState((state) => {
        if (state.focused) {
          const paused = this.unfocusedSince !== undefined && Date.now() - this.unfocusedSince >= UNFOCUSED_PAUSE_MS;
          this.unfocusedSince = undefined;
          if (paused) this.log.info('lock watch: window focused again, resuming');
          void this.poll();
        } else this.unfocusedSince = Date.now();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('lockstep.lockWatchSeconds')) this.schedule();
      }),
      backend.onDidFinishOperation(() => void this.poll()),
    );
    if (!vscode.window.state.focused) this.unfocusedSince = Date.now();
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearInterval(this.timer);
    const seconds = vscode.workspace.getConfiguration('lockstep').get<number>('lockWatchSeconds', 60);
    this.timer = seconds > 0 ? setInterval(() => void this.tick(), seconds * 1000) : undefined;
  }

  private async tick(): Promise<void> {
    if (this.unfocusedSince !== undefined && Date.now() - this.unfocusedSince >= UNFOCUSED_PAUSE_MS) return;
    await this.poll();
  }

  /** Lists the locks now (one listing at a time); without a repository or password it does nothing. */
  async poll(): Promise<void> {
    if (this.listing || !this.backend.configured() || this.backend.inTrouble || !(await this.backend.hasPassword())) return;
    this.listing = true;
    const since = Date.now();
    try {
      const { locks } = await this.backend.request(LocksRequest.type, {});
      this.indicator.watch(locks, readSettings().lockStaleMs || DEFAULT_STALE_MS, since);
      this.locks.show(locks);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.warn(`lock watch: ${message}`);
      this.locks.showError(message);
    } finally {
      this.listing = false;
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
