// The one contract between the extension (client/) and the backend process (server/src/server.ts): every request
// and notification with its params and result, and the error codes. Both sides import this file; no method name
// string appears anywhere else. The repository location and password are not part of any message: the client
// starts the backend with them in its environment (RESTIC_REPOSITORY, RESTIC_PASSWORD), so they never show up
// in a JSON-RPC trace.
import { NotificationType, ParameterStructures, RequestType } from 'vscode-jsonrpc';

/** Error codes of failed requests (outside JSON-RPC's reserved −32768…−32000). Cancelled: −32800 as in LSP. */
export const LockstepErrorCodes = {
  /** The operation failed; the message says why. */
  failed: 1000,
  noRepository: 1010,
  /** Another client holds a conflicting lock, or a lock file cannot be read; `data` is a LockHolder. */
  lockedByOther: 1011,
  /** The lock was lost while the operation ran; `data` is a LockLostData. Nothing more was committed. */
  lockLost: 1012,
  wrongPassword: 1013,
  /** The SFTP server's host key is not in known_hosts; `data` is an UnknownHostKeyData. */
  unknownHostKey: 1014,
  /** The user cancelled (JSON-RPC cancellation or a progress cancel button). */
  cancelled: -32800,
} as const;

export type LockLostReason = 'refresh-failed' | 'refresh-late' | 'lock-removed';

export interface LockLostData {
  reason: LockLostReason;
  /** What the operation had not committed when it stopped (e.g. "the snapshot was not saved"). */
  notCommitted: string;
}

/** An SFTP server whose host key the user has not trusted yet (the fingerprint as `ssh-keygen -lf` prints it). */
export interface UnknownHostKeyData {
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
}

/** Who holds a lock, as a lock file says it. */
export interface LockHolder {
  id: string;
  exclusive: boolean;
  hostname: string;
  username: string;
  pid: number;
  /** When the lock file was written (ms since the epoch, the holder's clock). */
  time: number;
}

/** Every operation may wait this long for a conflicting lock (restic's --retry-lock), default 0. */
export interface LockedParams {
  retryLockMs?: number;
  /** A work-done progress token from the client (LSP); without one the server creates its own progress. */
  workDoneToken?: string | number;
}

// ---- each operation's options: what the CLI's flags and a request's params both give -------------------------
// The backend's operation catalogue (server/src/service/catalogue.ts) fills in the defaults and checks the values.

/** restic's --host, --tag and --path: which snapshots an operation considers. */
export interface SnapshotFilterOptions {
  /** Any one of these hosts. */
  hosts?: string[];
  /** Each entry one --tag value: tags separated by commas, all of them needed; a snapshot needs any one entry. */
  tags?: string[];
  /** Every one of these paths. */
  paths?: string[];
}

export interface InitOptions {
  /** The repository format version, default 2. */
  version?: 1 | 2;
}

export interface BackupOptions {
  paths: string[];
  /** Tags of the new snapshot; an entry may hold several, separated by commas. */
  tags?: string[];
  host?: string;
  excludes?: string[];
  /** A snapshot ID to use as parent (default: the latest of the same host and paths). */
  parent?: string;
  /** Read every file even when the parent says it is unchanged. */
  force?: boolean;
  /** "auto" (default), "off" or "max". */
  compression?: string;
  /** restic's --iexclude: patterns matched without regard to case. */
  iexcludes?: string[];
  /** Files of patterns, one a line (restic's --exclude-file, --iexclude-file). */
  excludeFiles?: string[];
  iexcludeFiles?: string[];
  /** Leave out the content of folders holding a CACHEDIR.TAG with its signature. */
  excludeCaches?: boolean;
  /** FILE[:HEADER]: leave out the content (but the tag file) of folders holding FILE that starts with HEADER. */
  excludeIfPresent?: string[];
  /** Leave out files larger than this ("2k", "10M", …). */
  excludeLargerThan?: string;
  /** Save no snapshot when nothing changed since the parent. */
  skipIfUnchanged?: boolean;
  /** Stay on the file systems of the backup paths: a mount point below them is kept as an empty folder. */
  oneFileSystem?: boolean;
  /** Read everything and count what would be added, but write nothing to the repository. */
  dryRun?: boolean;
  /** Files listing what to back up, one path a line (restic's --files-from; blank lines and # comments skipped). */
  filesFrom?: string[];
  /** Files listing what to back up, separated by NUL bytes (restic's --files-from-raw). */
  filesFromRaw?: string[];
}

export interface SnapshotsOptions extends SnapshotFilterOptions {
  /** Snapshot IDs, unique prefixes or "latest" (the newest the filter lets through); none for all the filter lets through. */
  snapshots?: string[];
  /** Only the newest N of each host and set of paths. */
  latest?: number;
  /** restic's --group-by ("host,paths", "tags", …); default: no groups. */
  groupBy?: string;
}

export interface RestoreOptions {
  /** "latest", an ID or a unique prefix; `ID:PATH` restores only that file or folder of it (restic's syntax). */
  snapshot: string;
  target: string;
  /** restic's --include/-i: only what these patterns match (and the folders on the way to it). */
  includes?: string[];
  /** restic's --exclude/-e: not what these patterns match. */
  excludes?: string[];
  /** --iinclude: as includes, ignoring case. */
  iincludes?: string[];
  /** --iexclude: as excludes, ignoring case. */
  iexcludes?: string[];
  /** Decide what would be restored, write nothing. */
  dryRun?: boolean;
  /** Read every restored file back and compare it with the snapshot's data. */
  verify?: boolean;
}

/** restic's dump: one file's bytes, or a folder as an archive. */
export interface DumpOptions {
  /** "latest", an ID or a unique prefix (`ID:PATH` names a subfolder the file is looked up in). */
  snapshot: string;
  /** The file or folder inside the snapshot ("/" for all of it). */
  file: string;
  /** A folder's archive format: "tar" (default) or "zip". */
  archive?: string;
}

/** One entry of a snapshot's tree, as `lockstep/ls` and `lockstep/find` show it. */
export interface SnapshotNodeInfo {
  name: string;
  /** "file", "dir", "symlink", "dev", "chardev", "fifo" or "socket". */
  type: string;
  /** Its path inside the snapshot, starting with "/". */
  path: string;
  /** Files only. */
  size?: number;
  /** POSIX permission bits (e.g. 0o644). */
  permissions?: number;
  /** RFC 3339. */
  mtime: string;
  /** Symlinks only. */
  linkTarget?: string;
}

/** One folder (or one file) of a snapshot, looked at without walking the rest. */
export interface LsFolderOptions {
  snapshot: string;
  /** Default "/". */
  path?: string;
}

export interface ReadFileOptions {
  snapshot: string;
  /** The file's path inside the snapshot. */
  path: string;
  /** Refuse files larger than this (default and most: 64 MiB); the error says the size. */
  maxBytes?: number;
}

/** restic's diff: what changed from one snapshot to another. */
export interface DiffOptions {
  /** `ID[:PATH]`. */
  from: string;
  /** `ID[:PATH]`. */
  to: string;
  /** Also report changed metadata (restic's --metadata: "U" lines). */
  metadata?: boolean;
}

/** restic's find: entries whose name (or path, for patterns with "/") matches. */
export interface FindOptions extends SnapshotFilterOptions {
  patterns: string[];
  /** Only these snapshots (IDs, prefixes, "latest"); default every one the filter lets through. */
  snapshots?: string[];
  ignoreCase?: boolean;
}

/** restic's stats. */
export interface StatsOptions extends SnapshotFilterOptions {
  snapshots?: string[];
  /** "restore-size" (default), "raw-data" or "files-by-contents". */
  mode?: string;
}

/** restic's tag: rewrites each snapshot with its new tags (a new ID; `original` keeps the first). */
export interface TagOptions extends SnapshotFilterOptions {
  snapshots?: string[];
  /** Each entry may hold several tags, separated by commas. */
  add?: string[];
  remove?: string[];
  set?: string[];
}

export interface PruneOptions {
  /** restic's --max-unused: "5%" (default), "500M" or "unlimited". */
  maxUnused?: string;
  dryRun?: boolean;
}

/** restic's forget: snapshots by ID, or a retention policy applied per group; -1 keeps all of a kind. */
export interface ForgetOptions extends SnapshotFilterOptions {
  /** Snapshots to forget by ID (instead of a policy). */
  snapshots?: string[];
  keepLast?: number;
  keepHourly?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
  /** restic's duration form, e.g. "1y2m3d4h". */
  keepWithin?: string;
  keepWithinHourly?: string;
  keepWithinDaily?: string;
  keepWithinWeekly?: string;
  keepWithinMonthly?: string;
  keepWithinYearly?: string;
  /** Keep snapshots with every tag of any one entry (tags separated by commas). */
  keepTags?: string[];
  /** restic's --group-by, default "host,paths". */
  groupBy?: string;
  /** Prune afterwards, under the same lock. */
  prune?: boolean;
  /** For the prune. */
  maxUnused?: string;
  dryRun?: boolean;
}

export interface CheckOptions {
  readData?: boolean;
}

export interface UnlockOptions {
  /** Remove every lock, not only stale ones. */
  removeAll?: boolean;
}

/** restic's key add and key passwd: the new key's password (from a file, for a request) and who it is for. */
export interface KeyAddOptions {
  /** The file holding the new password (its first line). */
  newPasswordFile?: string;
  /** The new key's host name (default: this machine's). */
  host?: string;
  /** The new key's user name (default: the current user's). */
  user?: string;
}

export interface KeyRemoveOptions {
  /** The key's ID or a unique prefix of it; the key in use cannot be removed. */
  id: string;
}

// ---- requests: client → server ------------------------------------------------------------------------------

export type InitParams = InitOptions;
export interface InitResult {
  repositoryId: string;
  location: string;
}
/** Creates the repository the backend was started for. */
export namespace InitRequest {
  export const type = new RequestType<InitParams, InitResult, void>('lockstep/init', ParameterStructures.byName);
}

/** Why the client asks for a full walk although it sends a change list. */
export type FullWalkRequest = 'watcher-started' | 'watcher-overflowed' | 'requested';

/**
 * What the editor's file watcher and its saves reported since a snapshot: the backend then looks again only at the
 * folders on these paths and takes every other folder's tree from that snapshot. It walks everything instead when
 * it cannot trust the list (see server/src/service/changedbackup.ts for every reason); the result says which it did.
 */
export interface BackupChanges {
  /** The snapshot the list is relative to: the last one a backup request of this watcher returned. */
  since?: string;
  /** Absolute paths of files and folders created, changed, deleted or renamed (both names) since then. */
  paths: string[];
  /** The folders the watcher covers (recursively); a backup path outside them is always walked whole. */
  watchedFolders: string[];
  /** The watcher's exclude patterns (files.watcherExclude, VS Code glob syntax): what they match is walked whole. */
  watcherExcludes?: string[];
  /** The list is incomplete: the watcher was (re)started or overflowed, or the user asked for a full backup. */
  fullWalk?: FullWalkRequest;
  /** Walk everything when the last full walk is older than this (lockstep.fullScanMinutes, default 60; 0: always). */
  fullScanMinutes?: number;
}

export interface BackupParams extends LockedParams, BackupOptions {
  changes?: BackupChanges;
}

/** Whether a backup walked every folder, and why; or looked again only at the folders on the reported paths. */
export interface BackupWalk {
  changeDriven: boolean;
  /** Why every folder was walked. */
  fullWalkReason?: string;
}

export interface BackupResult {
  /** Present when the request sent a change list. */
  walk?: BackupWalk;
  /** Absent for a dry run, and when skipIfUnchanged found the tree unchanged since the parent (no snapshot saved). */
  snapshotId?: string;
  parent?: string;
  filesNew: number;
  filesChanged: number;
  filesUnmodified: number;
  dataAdded: number;
  totalFilesProcessed: number;
  totalBytesProcessed: number;
  /** Files that could not be read; the snapshot leaves them out. */
  unreadable: string[];
}
/** Backs up files and folders under a shared lock, packs → index → snapshot. */
export namespace BackupRequest {
  export const type = new RequestType<BackupParams, BackupResult, void>('lockstep/backup', ParameterStructures.byName);
}

export interface SnapshotInfo {
  id: string;
  time: string;
  hostname?: string;
  username?: string;
  paths: string[];
  tags: string[];
  tree: string;
  parent?: string;
  /** The bytes the backup read (its summary's total_bytes_processed), when the snapshot has a summary. */
  size?: number;
}
/** What a group's snapshots share: a field is present only when grouping by it. */
export interface SnapshotGroupKey {
  hostname?: string;
  paths?: string[];
  tags?: string[];
}
export interface SnapshotsResult {
  /** Every snapshot listed, oldest first. */
  snapshots: SnapshotInfo[];
  /** With groupBy: the same snapshots in their groups. */
  groups?: { key: SnapshotGroupKey; snapshots: SnapshotInfo[] }[];
  /** Snapshot files left out because they are damaged, one message each naming the file (restic lists the rest too). */
  damaged: string[];
}
export interface SnapshotsParams extends LockedParams, SnapshotsOptions {}
/** Lists the snapshots, oldest first (shared lock). */
export namespace SnapshotsRequest {
  export const type = new RequestType<SnapshotsParams, SnapshotsResult, void>('lockstep/snapshots', ParameterStructures.byName);
}

export interface RestoreParams extends LockedParams, RestoreOptions {}
export interface RestoreResult {
  snapshotId: string;
  filesRestored: number;
  dirsRestored: number;
  bytesRestored: number;
  warnings: string[];
  /** With dryRun: what would be restored. */
  wouldRestore?: RestoreDryRunEntry[];
  /** With verify: files read back, and those whose content differed (a verify error fails the request). */
  filesVerified?: number;
}
/** Restores a snapshot into a folder (shared lock); never writes outside it. */
export namespace RestoreRequest {
  export const type = new RequestType<RestoreParams, RestoreResult, void>('lockstep/restore', ParameterStructures.byName);
}

export interface RestoreDryRunEntry {
  path: string;
  type: string;
}

export interface LsFolderParams extends LockedParams, LsFolderOptions {}
export interface LsFolderResult {
  snapshotId: string;
  /** The path itself ("/" for the snapshot's root folder). */
  node: SnapshotNodeInfo;
  /** When it is a folder: its entries, in the tree's order. */
  entries?: SnapshotNodeInfo[];
}
/** One folder (or one file) of a snapshot: for browsing it lazily (shared lock). */
export namespace LsFolderRequest {
  export const type = new RequestType<LsFolderParams, LsFolderResult, void>('lockstep/ls', ParameterStructures.byName);
}

export interface ReadFileParams extends LockedParams, ReadFileOptions {}
export interface ReadFileResult {
  snapshotId: string;
  /** The file's bytes, base64. */
  data: string;
  size: number;
}
/** One file's bytes from a snapshot (shared lock); refused beyond maxBytes, and for anything but a regular file. */
export namespace ReadFileRequest {
  export const type = new RequestType<ReadFileParams, ReadFileResult, void>('lockstep/readFile', ParameterStructures.byName);
}

/** "+" added, "-" removed, "M" content changed, "T" type changed, "U" metadata changed (with metadata: true; "TU" both). */
export type DiffModifier = '+' | '-' | 'M' | 'T' | 'U' | 'TU';
export interface DiffStatsPart {
  files: number;
  dirs: number;
  others: number;
  dataBlobs: number;
  treeBlobs: number;
  bytes: number;
}
export interface DiffParams extends LockedParams, DiffOptions {}
export interface DiffResult {
  from: string;
  to: string;
  changes: { path: string; modifier: DiffModifier }[];
  changedFiles: number;
  added: DiffStatsPart;
  removed: DiffStatsPart;
}
/** What changed between two snapshots, as restic's diff says it (shared lock). */
export namespace DiffRequest {
  export const type = new RequestType<DiffParams, DiffResult, void>('lockstep/diff', ParameterStructures.byName);
}

export interface FindParams extends LockedParams, FindOptions {}
export interface FindResult {
  /** Snapshots with at least one match, oldest first. */
  matches: { snapshotId: string; hits: SnapshotNodeInfo[] }[];
}
/** Entries matching patterns across snapshots (shared lock). */
export namespace FindRequest {
  export const type = new RequestType<FindParams, FindResult, void>('lockstep/find', ParameterStructures.byName);
}

export interface StatsParams extends LockedParams, StatsOptions {}
export interface StatsResult {
  mode: string;
  snapshotsCount: number;
  totalSize: number;
  totalFileCount: number;
  /** raw-data. */
  totalBlobCount?: number;
  /** raw-data: the blobs' size before compression. */
  totalUncompressedSize?: number;
  compressionRatio?: number;
  compressionProgress?: number;
  compressionSpaceSaving?: number;
}
/** restic's stats (shared lock). */
export namespace StatsRequest {
  export const type = new RequestType<StatsParams, StatsResult, void>('lockstep/stats', ParameterStructures.byName);
}

export interface TagParams extends LockedParams, TagOptions {}
export interface TagResult {
  /** Each snapshot whose tags changed: its old ID and the new one. */
  changed: { old: string; new: string }[];
}
/** Changes snapshots' tags (exclusive lock, as restic's tag). */
export namespace TagRequest {
  export const type = new RequestType<TagParams, TagResult, void>('lockstep/tag', ParameterStructures.byName);
}

export interface PruneParams extends LockedParams, PruneOptions {}
export interface PruneResult {
  dryRun: boolean;
  removedBlobs: number;
  removedBytes: number;
  repackedBlobs: number;
  removedPacks: number;
  remainingBytes: number;
  remainingUnusedBytes: number;
}
/** Removes unused data under the exclusive lock. */
export namespace PruneRequest {
  export const type = new RequestType<PruneParams, PruneResult, void>('lockstep/prune', ParameterStructures.byName);
}

export interface ForgetParams extends LockedParams, ForgetOptions {}
export interface ForgetResult {
  kept: string[];
  removed: string[];
  /** Snapshot files left out because they are damaged: neither kept nor removed. */
  damaged: string[];
  prune?: PruneResult;
}
/** Forgets snapshots by policy or ID under the exclusive lock, and prunes when asked. */
export namespace ForgetRequest {
  export const type = new RequestType<ForgetParams, ForgetResult, void>('lockstep/forget', ParameterStructures.byName);
}

export interface CheckParams extends LockedParams, CheckOptions {}
export interface CheckResult {
  errors: string[];
  hints: string[];
}
/** Checks the repository under the exclusive lock; problems come back in the result, not as an error. */
export namespace CheckRequest {
  export const type = new RequestType<CheckParams, CheckResult, void>('lockstep/check', ParameterStructures.byName);
}

export type UnlockParams = UnlockOptions;
export interface UnlockResult {
  removed: string[];
}
/** Removes stale locks (or all of them); takes no lock itself and answers while other operations run. */
export namespace UnlockRequest {
  export const type = new RequestType<UnlockParams, UnlockResult, void>('lockstep/unlock', ParameterStructures.byName);
}

export interface LockListEntry {
  id: string;
  holder?: LockHolder;
  /** Why the lock file could not be read. */
  error?: string;
  stale: boolean;
  ageMs?: number;
}
export interface LocksResult {
  locks: LockListEntry[];
}
/** Lists every lock in the repository; takes no lock. */
export namespace LocksRequest {
  export const type = new RequestType<Record<string, never>, LocksResult, void>('lockstep/locks', ParameterStructures.byName);
}

export interface KeyInfo {
  id: string;
  /** The key this session opened the repository with. */
  current: boolean;
  userName: string;
  hostName: string;
  /** As the key file holds it (RFC 3339). */
  created: string;
}
export interface KeyListResult {
  keys: KeyInfo[];
}
/** Lists the repository's keys (shared lock, as restic's key list). */
export namespace KeyListRequest {
  export const type = new RequestType<LockedParams, KeyListResult, void>('lockstep/keyList', ParameterStructures.byName);
}

export interface KeyAddParams extends LockedParams, KeyAddOptions {}
export interface KeyAddResult {
  id: string;
}
/** Adds a key for the password in newPasswordFile (shared lock, as restic's key add). */
export namespace KeyAddRequest {
  export const type = new RequestType<KeyAddParams, KeyAddResult, void>('lockstep/keyAdd', ParameterStructures.byName);
}

export interface KeyPasswdResult {
  /** The new key. */
  id: string;
  /** The key it replaced (the one this session opened the repository with), now removed. */
  removed: string;
}
/** Replaces the key in use by one for the new password (exclusive lock, as restic's key passwd). */
export namespace KeyPasswdRequest {
  export const type = new RequestType<KeyAddParams, KeyPasswdResult, void>('lockstep/keyPasswd', ParameterStructures.byName);
}

export interface KeyRemoveParams extends LockedParams, KeyRemoveOptions {}
export interface KeyRemoveResult {
  removed: string;
}
/** Removes a key other than the one in use (exclusive lock, as restic's key remove). */
export namespace KeyRemoveRequest {
  export const type = new RequestType<KeyRemoveParams, KeyRemoveResult, void>('lockstep/keyRemove', ParameterStructures.byName);
}

// ---- notifications: server → client --------------------------------------------------------------------------

export type LockStateKind = 'acquiring' | 'waiting' | 'held' | 'released' | 'lost';

export interface LockStateParams {
  /** The operation this lock belongs to: a number unique within the backend process. */
  operationId: number;
  /** "backup", "prune", … */
  operation: string;
  state: LockStateKind;
  exclusive: boolean;
  /** While held: the current lock file and when it was last refreshed (ms since the epoch). */
  lockId?: string;
  refreshedAt?: number;
  /** While waiting: who holds the conflicting lock. */
  holder?: LockHolder;
  /** When lost. */
  reason?: LockLostReason;
  message?: string;
}
/** Each change of an operation's lock: for the status bar. */
export namespace LockStateNotification {
  export const type = new NotificationType<LockStateParams>('lockstep/lockState');
}

export interface LockLostParams {
  operationId: number;
  operation: string;
  reason: LockLostReason;
  message: string;
  notCommitted: string;
}
/** An operation lost its lock and was cancelled: sent before the request fails with lockLost. */
export namespace LockLostNotification {
  export const type = new NotificationType<LockLostParams>('lockstep/lockLost');
}
