// restic 0.18's `--json` messages for backup and snapshots: its field names, their order and omitempty rules.
import { BackupSummary } from '../ops/backup';
import { CheckResult } from '../ops/check';
import { RestoreSummary } from '../ops/restore';
import { ProgressReport } from '../ops/progress';
import { shortId } from '../repo/format/ids';
import { Snapshot } from '../repo/format/snapshot';
import { TreeNode } from '../repo/format/tree';
import { goModeString } from './lslong';

/** restic's percent_done: the bytes done of the total, or the files when there are no bytes to count. */
export function fractionDone(p: ProgressReport): number {
  if (p.totalBytes) return Math.min(1, p.bytesDone / p.totalBytes);
  if (p.totalFiles) return Math.min(1, p.filesDone / p.totalFiles);
  return 0;
}

/** Whole seconds left at the rate so far, once there is a rate to go by. */
export function secondsRemaining(p: ProgressReport, elapsedMs: number): number {
  const fraction = fractionDone(p);
  if (fraction <= 0 || fraction >= 1) return 0;
  return Math.round(((elapsedMs / 1000) * (1 - fraction)) / fraction);
}

/** backup's status message (fields that are 0 or empty are left out, as restic's omitempty does). */
export function backupStatusJson(p: ProgressReport, elapsedMs: number): Record<string, unknown> {
  const message: Record<string, unknown> = { message_type: 'status' };
  const elapsed = Math.floor(elapsedMs / 1000);
  const remaining = secondsRemaining(p, elapsedMs);
  if (elapsed) message.seconds_elapsed = elapsed;
  if (remaining) message.seconds_remaining = remaining;
  message.percent_done = fractionDone(p);
  const counts = { total_files: p.totalFiles ?? 0, files_done: p.filesDone, total_bytes: p.totalBytes ?? 0, bytes_done: p.bytesDone };
  for (const [key, value] of Object.entries(counts)) if (value) message[key] = value;
  if (p.errorCount) message.error_count = p.errorCount;
  if (p.currentFile) message.current_files = [p.currentFile];
  return message;
}

export function backupSummaryJson(s: BackupSummary, durationMs: number, dryRun = false): Record<string, unknown> {
  return {
    message_type: 'summary',
    files_new: s.filesNew,
    files_changed: s.filesChanged,
    files_unmodified: s.filesUnmodified,
    dirs_new: s.dirsNew,
    dirs_changed: s.dirsChanged,
    dirs_unmodified: s.dirsUnmodified,
    data_blobs: s.dataBlobs,
    tree_blobs: s.treeBlobs,
    data_added: s.dataAdded,
    data_added_packed: s.dataAddedPacked,
    total_files_processed: s.totalFilesProcessed,
    total_bytes_processed: s.totalBytesProcessed,
    total_duration: durationMs / 1000,
    backup_start: s.backupStart,
    backup_end: s.backupEnd,
    snapshot_id: s.snapshotId,
    ...(dryRun ? { dry_run: true } : {}),
  };
}

/** A snapshot as restic's snapshots, forget and ls print it: the file's fields (omitempty), then id and short_id. */
export function snapshotJson(id: string, s: Snapshot): Record<string, unknown> {
  const message: Record<string, unknown> = { time: s.time };
  if (s.parent) message.parent = s.parent;
  message.tree = s.tree;
  message.paths = s.paths;
  if (s.hostname) message.hostname = s.hostname;
  if (s.username) message.username = s.username;
  if (s.uid) message.uid = s.uid;
  if (s.gid) message.gid = s.gid;
  if (s.excludes?.length) message.excludes = s.excludes;
  if (s.tags?.length) message.tags = s.tags;
  if (s.original) message.original = s.original;
  if (s.programVersion) message.program_version = s.programVersion;
  if (s.summary) message.summary = snakeKeys(s.summary);
  message.id = id;
  message.short_id = shortId(id);
  return message;
}

function snakeKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), typeof v === 'bigint' ? Number(v) : v]));
}

/** The size restic's snapshots table shows: the bytes the backup processed, when the snapshot has a summary. */
export function snapshotSize(s: Snapshot): number | undefined {
  const bytes = s.summary?.total_bytes_processed ?? s.summary?.totalBytesProcessed;
  return typeof bytes === 'number' ? bytes : typeof bytes === 'bigint' ? Number(bytes) : undefined;
}

/** ls's node message (size only for files, inode where known, as restic's omitempty does). */
export function nodeJson(node: TreeNode, fullPath: string): Record<string, unknown> {
  const message: Record<string, unknown> = { name: node.name.toString(), type: node.type, path: fullPath, uid: node.uid ?? 0, gid: node.gid ?? 0 };
  if (node.type === 'file') message.size = Number(node.size ?? 0);
  Object.assign(message, { mode: node.mode ?? 0, permissions: goModeString(node.mode ?? 0), mtime: node.mtime, atime: node.atime, ctime: node.ctime });
  if (node.inode) message.inode = Number(node.inode);
  message.message_type = 'node';
  message.struct_type = 'node';
  return message;
}

/** check's summary: the damage counted, and restic's hints as its two booleans (the packs it names are ours to list). */
export function checkSummaryJson(result: CheckResult): Record<string, unknown> {
  return {
    message_type: 'summary',
    num_errors: result.errors.length,
    broken_packs: null,
    suggest_repair_index: result.errors.some((e) => /index/i.test(e)),
    suggest_prune: result.hints.some((h) => /prune/i.test(h)),
  };
}

/** restore's summary, restic 0.18's fields (seconds_elapsed left out under a second, as its omitempty does). */
export function restoreSummaryJson(s: RestoreSummary, elapsedMs: number): Record<string, unknown> {
  const elapsed = Math.floor(elapsedMs / 1000);
  return {
    message_type: 'summary',
    ...(elapsed ? { seconds_elapsed: elapsed } : {}),
    total_files: s.entriesSelected,
    files_restored: s.entriesRestored,
    total_bytes: s.bytesSelected,
    bytes_restored: s.bytesRestored,
  };
}
