// The totals a backup's progress is measured against, counted by walking the targets beside the backup (as restic's
// scanner does): regular files and their bytes, with the backup's excludes.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface ScanTotals {
  files: number;
  bytes: number;
  /** The walk has finished: the totals are final. */
  done: boolean;
}

/** Counts into `totals` as it walks; an unreadable entry is left out (the backup reports it). Stops when aborted. */
export async function scanTargets(targets: readonly string[], isExcluded: (path: string) => boolean, totals: ScanTotals, signal?: AbortSignal): Promise<void> {
  const visit = async (entry: string): Promise<void> => {
    if (signal?.aborted || isExcluded(entry)) return;
    const st = await fs.lstat(entry).catch(() => undefined);
    if (!st) return;
    if (st.isFile()) {
      totals.files++;
      totals.bytes += st.size;
    }
    if (!st.isDirectory()) return;
    const names = await fs.readdir(entry).catch(() => [] as string[]);
    for (const name of names.sort()) await visit(path.join(entry, name));
  };
  for (const target of targets) await visit(target);
  totals.done = true;
}
