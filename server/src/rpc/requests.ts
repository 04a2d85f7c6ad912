// The JSON-RPC adapter over the operation catalogue: each request's params checked field by field (validate.ts) and
// handed to the catalogue as its options, and the catalogue's result turned into the protocol's. A bad option is
// InvalidParams naming it; everything else goes through Operations.run.
import { CancellationToken, ErrorCodes, RequestHandler, RequestType, ResponseError } from 'vscode-jsonrpc';
import type { Connection } from 'vscode-languageserver';
import { redactLocation } from '../../../shared/src/location';
import { LockstepError } from '../base/errors';
import { PruneSummary } from '../ops/prune';
import { SnapshotEntry } from '../repo/repository';
import {
  BackupRequest,
  BackupResult,
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
  RestoreRequest,
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
  pruneOperation,
  restoreOperation,
  snapshotsOperation,
  unlockOperation,
} from '../service/catalogue';
import { Operation } from '../service/operation';
import { OptionSpec } from '../service/options';
import { BackupSummary } from '../ops/backup';
import { holderOf, Operations } from './operations';
import { optBoolean, optCount, optMilliseconds, optString, optStrings, optToken, paramsObject, Raw, reqString, reqStrings } from './validate';

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
  return { id, time: s.time, hostname: s.hostname, username: s.username, paths: s.paths, tags: s.tags ?? [], tree: s.tree, parent: s.parent };
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
  ): void => {
    // vscode-jsonrpc's handler result type is conditional on Response, which TypeScript cannot resolve for a generic.
    const handler = (async (raw: Params, token: CancellationToken): Promise<Response> => {
      const p = paramsObject(raw);
      const locking = { retryLockMs: optMilliseconds(p, 'retryLockMs'), workDoneToken: optToken(p) };
      // The specs are keyed by Input's option names, so what they read is an Input.
      const options = prepared(op, optionsFromParams(op, p) as Input);
      refuse?.(options);
      return response(await ops.run(op, options, locking, token));
    }) as RequestHandler<Params, Response, void>;
    connection.onRequest(type, handler);
  };
}

export function serveRequests(connection: Connection, ops: Operations): void {
  const request = requestServer(connection, ops);
  request(InitRequest.type, initOperation, ({ id }) => ({ repositoryId: id, location: redactLocation(ops.location()) }));
  request(BackupRequest.type, backupOperation, backupResult);
  request(SnapshotsRequest.type, snapshotsOperation, (listing) => ({
    snapshots: listing.entries.map(snapshotInfo),
    groups: listing.grouped ? listing.groups.map((g) => ({ key: g.key, snapshots: g.entries.map(snapshotInfo) })) : undefined,
    damaged: listing.damaged.map((e) => e.message),
  }));
  request(RestoreRequest.type, restoreOperation, (s) => ({ snapshotId: s.snapshotId, filesRestored: s.filesRestored, dirsRestored: s.dirsRestored, bytesRestored: s.bytesRestored, warnings: s.warnings }));
  request(PruneRequest.type, pruneOperation, pruneResult);
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

function backupResult(s: BackupSummary): BackupResult {
  return {
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
