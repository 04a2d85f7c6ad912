// What one backend process remembers of the backups it made, so that the next backup of the same paths can look
// again only at what the editor's file watcher reported (service/changedbackup.ts). Kept in memory for the life of
// the process: a new backend (and the CLI, which keeps none) starts by walking everything.

/** The last backup this process made of one host's set of paths. */
export interface RememberedBackup {
  snapshotId: string;
  /** The excludes and watcher settings it was made with (a change of any of them means a full walk). */
  settings: string;
  /** When this chain of snapshots last walked every folder (ms since the epoch, the memory's clock). */
  fullWalkAt: number;
  /** The topmost entries the watcher does not report, as that backup found them: each later one walks them again. */
  unwatched: readonly string[];
}

export class BackupMemory {
  private readonly byPaths = new Map<string, RememberedBackup>();

  /** `now` is injectable for tests of lockstep.fullScanMinutes. */
  constructor(readonly now: () => number = Date.now) {}

  recall(host: string, paths: readonly string[]): RememberedBackup | undefined {
    return this.byPaths.get(memoryKey(host, paths));
  }

  remember(host: string, paths: readonly string[], backup: RememberedBackup): void {
    this.byPaths.set(memoryKey(host, paths), backup);
  }
}

function memoryKey(host: string, paths: readonly string[]): string {
  return JSON.stringify([host, [...paths].sort()]);
}
