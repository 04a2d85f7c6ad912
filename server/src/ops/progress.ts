// What long operations report as they go, for the front ends to render (restic's status line and JSON status).

/** An operation's progress: what is done, and the totals where known (a backup's scan may still be counting). */
export interface ProgressReport {
  /** Files, or what `counts` names (check --read-data counts packs). */
  filesDone: number;
  bytesDone: number;
  currentFile?: string;
  totalFiles?: number;
  totalBytes?: number;
  errorCount?: number;
  counts?: 'files' | 'packs';
  /** The last report, sent as the work ends. */
  final?: boolean;
}
