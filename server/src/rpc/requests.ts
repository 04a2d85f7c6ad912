// The JSON-RPC adapter over the operation catalogue: each request's params checked field by field (validate.ts) and
// handed to the catalogue as its options, and the catalogue's result turned into the protocol's. A bad option is
// InvalidParams naming it; everything else goes through Operations.run.
import { CancellationToken, ErrorCodes, RequestHandler, RequestType, ResponseError } from 'vscode-jsonrpc';
import type { Connection } from 'vscode-languageserver';
import { redactLocation } from '../../../shared/src/location';
import { LockstepError } from '../base/errors';
import { PruneSummary } from '../ops/prune';
import { SnapshotEntry } from '../repo/repository';
import { posixPermFromGoMode, TreeNode } from '../repo/format/tree';
import {
  BackupRequest,
  BackupResult,
  BackupWalk,
  CheckRequest,
  ForgetRequest,
  ForgetResult,
  InitRequest,
  KeyAddOptions,
  KeyAddRequest,
  KeyListRequest,
  KeyPasswdRequest,
  KeyRemoveRequest,
  LocksRequest,
  PruneRequest,
  PruneResult,
  DiffRequest,
  FindRequest,
  LsFolderRequest,
  StatsRequest,
  TagRequest,
  ReadFileRequest,
  RestoreRequest,
  SnapshotNodeInfo,
  SnapshotInfo,
  SnapshotsRequest,
  UnlockRequest,
} from '../../../shared/src/protocol';
import {
  backupOperation,
  checkOperation,
  forgetOperation,
  initOperation,
  keyAddOperation,
  keyListOperation,
  keyPasswdOperation,
  keyRemoveOperation,
  locksOperation,
  diffOperation,
  findOperation,
  lsFolderOperation,
  statsOperation,
  tagOperation,
  readFileOperation,
  pruneOperation,
  restoreOperation,
  snapshotsOperation,
  unlockOperation,
} from '../service/catalogue';
import { Operation } from '../service/operation';
import { OptionSpec } from '../service/options';
import { BackupSummary } from '../ops/backup';
import { BackupMemory } from '../service/backupmemory';
import { holderOf, Operations } from './operations';
import { optBackupChanges, optBoolean, optCount, optMilliseconds, optString, optStrings, optToken, paramsObject, Raw, reqString, reqStrings } from './validate';

function invalidParams(message: string): never {
  throw new ResponseError(ErrorCodes.InvalidParams, message);
}

/** The catalogue's check of the options, its complaint as InvalidParams. */
function prepared<Input, Options>(op: Operation<Input, Options, unknown>, input: Input): Options {
  try {
    return op.prepare(input);
  } catch (err) {
    if (err instanceof LockstepError) invalidParams(err.message);
    throw err;
  }
}

function pruneResult(s: PruneSummary): PruneResult {
  return {
    dryRun: s.dryRun,
    removedBlobs: s.remove.blobs,
    removedBytes: s.remove.bytes,
    repackedBlobs: s.repack.blobs,
    removedPacks: s.deletePacks + s.repack.packs + s.unreferencedPacks,
    remainingBytes: s.remaining.bytes,
    remainingUnusedBytes: s.remaining.unusedBytes,
  };
}

function snapshotInfo({ id, snapshot: s }: SnapshotEntry): SnapshotInfo {
  const processed = s.summary?.total_bytes_processed ?? s.summary?.totalBytesProcessed;
  const size = typeof processed === 'number' ? processed : undefined;
  return { id, time: s.time, hostname: s.hostname, username: s.username, paths: s.paths, tags: s.tags ?? [], tree: s.tree, parent: s.parent, size };
}

/** The operation's options from the params, each checked by its spec (validate.ts's guards name a bad field). */
function optionsFromParams<Input>(op: Operation<Input, unknown, unknown>, p: Raw): Record<string, unknown> {
  const read: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(op.options) as [string, OptionSpec][]) {
    const value =
      spec.kind === 'boolean'
        ? optBoolean(p, name)
        : spec.kind === 'count'
          ? optCount(p, name)
          : spec.kind === 'strings'
            ? spec.required
              ? reqStrings(p, name)
              : optStrings(p, name)
            : spec.required
              ? reqString(p, name)
              : optString(p, name);
    if (value !== undefined && spec.choices && !spec.choices.includes(value as string | number)) invalidParams(`params.${name} must be ${spec.choices.join(' or ')}`);
    read[name] = value;
  }
  return read;
}

/**
 * What registers one request: its params → the operation's options → Operations.run → the protocol's result.
 * `refuse` is a request's own check of the prepared options, beyond the catalogue's.
 */
function requestServer(connection: Connection, ops: Operations) {
  return <Params, Response, Input, Options, Result>(
    type: RequestType<Params, Response, void>,
    op: Operation<Input, Options, Result>,
    response: (result: Result) => Response,
    refuse?: (options: Options) => void,
    /** Input a request adds beyond the catalogue's options (the backup's change list and the process's memory). */
    extra?: (p: Raw) => Partial<Input>,
  ): void => {
    // vscode-jsonrpc's handler result type is conditional on Response, which TypeScript cannot resolve for a generic.
    const handler = (async (raw: Params, token: CancellationToken): Promise<Response> => {
      const p = paramsObject(raw);
      const locking = { retryLockMs: optMilliseconds(p, 'retryLockMs'), workDoneToken: optToken(p) };
      // The specs are keyed by Input's option names, so what they read is an Input.
      const options = prepared(op, { ...optionsFromParams(op, p), ...extra?.(p) } as Input);
      refuse?.(options);
      return response(await ops.run(op, options, locking, token));
    }) as RequestHandler<Params, Response, void>;
    connection.onRequest(type, handler);
  };
}

export function serveRequests(connection: Connection, ops: Operations): void {
  const request = requestServer(connection, ops);
  request(InitRequest.type, initOperation, ({ id }) => ({ repositoryId: id, location: redactLocation(ops.location()) }));
  // One memory of its own backups for the life of the process: what change-driven backups build on.
  const memory = new BackupMemory();
  request(BackupRequest.type, backupOperation, backupResult, undefined, (p) => ({ changes: optBackupChanges(p), memory }));
  request(SnapshotsRequest.type, snapshotsOperation, (listing) => ({
    snapshots: listing.entries.map(snapshotInfo),
    groups: listing.grouped ? listing.groups.map((g) => ({ key: g.key, snapshots: g.entries.map(snapshotInfo) })) : undefined,
    damaged: listing.damaged.map((e) => e.message),
  }));
  request(RestoreRequest.type, restoreOperation, (s) => {
    if (s.verifyErrors?.length) throw new LockstepError(`verifying the restored files found ${s.verifyErrors.length} that differ: ${s.verifyErrors.slice(0, 5).join('; ')}`);
    return {
      snapshotId: s.snapshotId,
      filesRestored: s.filesRestored,
      dirsRestored: s.dirsRestored,
      bytesRestored: s.bytesRestored,
      warnings: s.warnings,
      wouldRestore: s.wouldRestore?.map((e) => ({ path: e.path, type: e.type })),
      filesVerified: s.filesVerified,
    };
  });
  request(LsFolderRequest.type, lsFolderOperation, (listing) => ({
    snapshotId: listing.snapshotId,
    node: listing.node ? nodeInfo(listing.path, listing.node) : { name: '', type: 'dir', path: '/', mtime: listing.time },
    entries: listing.entries?.map((n) => nodeInfo(`${listing.path === '/' ? '' : listing.path}/${n.name.toString()}`, n)),
  }));
  request(ReadFileRequest.type, readFileOperation, (r) => ({ snapshotId: r.snapshotId, data: r.data.toString('base64'), size: r.data.length }));
  request(PruneRequest.type, pruneOperation, pruneResult);
  request(DiffRequest.type, diffOperation, (d) => ({
    from: d.from.id,
    to: d.to.id,
    changes: d.changes,
    changedFiles: d.changedFiles,
    added: d.added,
    removed: d.removed,
  }));
  request(StatsRequest.type, statsOperation, (st) => ({
    mode: st.mode,
    snapshotsCount: st.snapshotsCount,
    totalSize: st.totalSize,
    totalFileCount: st.totalFileCount,
    totalBlobCount: st.mode === 'raw-data' ? st.totalBlobCount : undefined,
    totalUncompressedSize: st.mode === 'raw-data' ? st.totalUncompressedSize : undefined,
    compressionRatio: st.compression?.ratio,
    compressionProgress: st.compression?.progress,
    compressionSpaceSaving: st.compression?.spaceSaving,
  }));
  request(TagRequest.type, tagOperation, (outcome) => ({ changed: outcome.changed }));
  request(FindRequest.type, findOperation, (outcome) => ({
    matches: [...outcome.matches].reverse().map((m) => ({ snapshotId: m.entry.id, hits: m.hits.map((h) => nodeInfo(h.path, h.node)) })),
  }));
  request(
    ForgetRequest.type,
    forgetOperation,
    ({ forget, prune }): ForgetResult => ({ kept: forget.groups.flatMap((g) => g.keep.map((e) => e.id)), removed: forget.removed, damaged: forget.damaged.map((e) => e.message), ...(prune ? { prune: pruneResult(prune) } : {}) }),
    (plan) => {
      if (plan.decidesNothing) invalidParams('give snapshots to forget or a policy (keepLast, keepDaily, …)');
    },
  );
  request(CheckRequest.type, checkOperation, (result) => result);
  request(UnlockRequest.type, unlockOperation, (removed) => ({ removed }));
  request(KeyListRequest.type, keyListOperation, (keys) => ({
    keys: keys.map((k) => ({ id: k.id, current: k.current, userName: k.username, hostName: k.hostname, created: k.created })),
  }));
  request(KeyAddRequest.type, keyAddOperation, (id) => ({ id }), requireNewPasswordFile);
  request(KeyPasswdRequest.type, keyPasswdOperation, (result) => result, requireNewPasswordFile);
  request(KeyRemoveRequest.type, keyRemoveOperation, (removed) => ({ removed }));
  request(LocksRequest.type, locksOperation, (locks) => ({
    locks: locks.map((l) => ({ id: l.id, holder: l.lock ? holderOf(l.lock, l.id) : undefined, error: l.error, stale: l.stale, ageMs: l.ageMs })),
  }));
}

/** A request has no terminal to ask on: the new password comes from a file. */
function requireNewPasswordFile(options: KeyAddOptions): void {
  if (options.newPasswordFile === undefined) invalidParams('params.newPasswordFile is required (the file holding the new password)');
}

export function nodeInfo(path: string, node: TreeNode): SnapshotNodeInfo {
  return {
    name: node.name.toString(),
    type: node.type,
    path,
    size: node.type === 'file' ? Number(node.size ?? 0n) : undefined,
    permissions: node.mode !== undefined ? posixPermFromGoMode(node.mode) : undefined,
    mtime: node.mtime,
    linkTarget: node.linktarget?.toString(),
  };
}

function backupResult(s: BackupSummary & { walk?: BackupWalk }): BackupResult {
  return {
    walk: s.walk,
    snapshotId: s.snapshotId,
    parent: s.parent,
    filesNew: s.filesNew,
    filesChanged: s.filesChanged,
    filesUnmodified: s.filesUnmodified,
    dataAdded: s.dataAdded,
    totalFilesProcessed: s.totalFilesProcessed,
    totalBytesProcessed: s.totalBytesProcessed,
    unreadable: s.unreadable,
  };
}
