// The paths the workspace's file watcher and saves reported since the last snapshot, as a backup request sends them
// (BackupChanges). VS Code's watchers have no overflow event, so a burst of more events than the backend should be
// trusted with (OVERFLOW_EVENTS within a second), or more pending paths than a request may carry, counts as an
// overflow: the next backup walks everything. So does a watcher that was just (re)created. Free of `vscode`, so
// that it is tested as it is.
import type { BackupChanges, FullWalkRequest } from '../../shared/src/protocol';

export const OVERFLOW_EVENTS = 2000;
export const MAX_PENDING_PATHS = 5000;
const BURST_MS = 1000;

/** A change list taken for one backup: settle it with the snapshot the backup made, or give it back if it failed. */
export interface TakenChanges {
  changes: Pick<BackupChanges, 'since' | 'paths' | 'fullWalk'>;
  settle(snapshotId: string | undefined): void;
}

export class ChangeList {
  private pending = new Set<string>();
  private since?: string;
  private fullWalk?: FullWalkRequest = 'watcher-started';
  private burstStart = 0;
  private burstEvents = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** The watcher was (re)created: events may have been missed in between. */
  watcherStarted(): void {
    this.markFull('watcher-started');
  }

  record(fsPath: string): void {
    const now = this.now();
    if (now - this.burstStart > BURST_MS) {
      this.burstStart = now;
      this.burstEvents = 0;
    }
    this.burstEvents++;
    if (this.burstEvents > OVERFLOW_EVENTS || this.pending.size >= MAX_PENDING_PATHS) this.markFull('watcher-overflowed');
    else if (!this.fullWalk) this.pending.add(fsPath);
  }

  /** What the next backup sends; events from now on belong to the backup after it. `full`: Back Up Now. */
  take(full: boolean): TakenChanges {
    const due = this.fullWalk;
    const taken = { since: this.since, paths: [...this.pending], fullWalk: full ? ('requested' as const) : due };
    this.pending = new Set();
    this.fullWalk = undefined;
    return {
      changes: taken,
      settle: (snapshotId) => {
        if (snapshotId) {
          this.since = snapshotId;
          return;
        }
        // Failed: the paths are still unsaved, and so is a full walk that was due.
        if (due) this.markFull(due);
        else for (const p of taken.paths) this.record(p);
      },
    };
  }

  private markFull(reason: FullWalkRequest): void {
    this.fullWalk ??= reason;
    this.pending.clear();
  }
}
