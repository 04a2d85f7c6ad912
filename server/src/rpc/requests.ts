// The JSON-RPC adapter over the operation catalogue: each request's params checked field by field (validate.ts) and
// handed to the catalogue as its options, and the catalogue's result turned into the protocol's. A bad option is
// InvalidParams naming it; everything else goes through Operations.run.
import { CancellationToken, ErrorCodes, RequestHandler, RequestType, ResponseError } from 'vscode-jsonrpc';
import type { Connection } from 'vscode-languageserver';
import { redactLocation } from '../../../shared/src/location';
import { LockstepError } from '../errors';
import { PruneSummary } from '../ops/prune';
import { SnapshotEntry } from '../repo/repository';
import {
  BackupRequest,
  BackupResult,
  CheckRequest,
  ForgetRequest,
  ForgetResult,
  InitRequest,
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
  locksOperation,
  pruneOperation,
  restoreOperation,
  snapshotsOperation,
  unlockOperation,
} from '../service/catalogue';
import { Operation } from '../service/operation';
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

/** The snapshot filter's params (restic's --host, --tag, --path). */
function filterParams(p: Raw): { hosts?: string[]; tags?: string[]; paths?: string[] } {
  return { hosts: optStrings(p, 'hosts'), tags: optStrings(p, 'tags'), paths: optStrings(p, 'paths') };
}

/** Registers one request: its params → the operation's options → Operations.run → the protocol's result. */
function serve<Params, Response, Input, Options, Result>(
  connection: Connection,
  ops: Operations,
  type: RequestType<Params, Response, void>,
  op: Operation<Input, Options, Result>,
  input: (p: Raw) => Input,
  response: (result: Result, options: Options) => Response,
  check?: (options: Options) => void,
): void {
  // vscode-jsonrpc's handler result type is conditional on Response, which TypeScript cannot resolve for a generic.
  const handler = (async (raw: Params, token: CancellationToken): Promise<Response> => {
    const p = paramsObject(raw);
    const locking = { retryLockMs: optMilliseconds(p, 'retryLockMs'), workDoneToken: optToken(p) };
    const options = prepared(op, input(p));
    check?.(options);
    return response(await ops.run(op, options, locking, token), options);
  }) as RequestHandler<Params, Response, void>;
  connection.onRequest(type, handler);
}

export function serveRequests(connection: Connection, ops: Operations): void {
  serve(
    connection,
    ops,
    InitRequest.type,
    initOperation,
    (p) => {
      const version = p.version ?? undefined;
      if (version !== undefined && version !== 1 && version !== 2) invalidParams('params.version must be 1 or 2');
      return { version: version as 1 | 2 | undefined };
    },
    ({ id }) => ({ repositoryId: id, location: redactLocation(ops.location()) }),
  );

  serve(
    connection,
    ops,
    BackupRequest.type,
    backupOperation,
    (p) => ({
      paths: reqStrings(p, 'paths'),
      tags: optStrings(p, 'tags'),
      excludes: optStrings(p, 'excludes'),
      host: optString(p, 'host'),
      parent: optString(p, 'parent'),
      force: optBoolean(p, 'force'),
      compression: optString(p, 'compression'),
    }),
    (s): BackupResult => ({
      snapshotId: s.snapshotId,
      parent: s.parent,
      filesNew: s.filesNew,
      filesChanged: s.filesChanged,
      filesUnmodified: s.filesUnmodified,
      dataAdded: s.dataAdded,
      totalFilesProcessed: s.totalFilesProcessed,
      totalBytesProcessed: s.totalBytesProcessed,
      unreadable: s.unreadable,
    }),
  );

  serve(
    connection,
    ops,
    SnapshotsRequest.type,
    snapshotsOperation,
    (p) => ({ snapshots: optStrings(p, 'snapshots'), ...filterParams(p), latest: optCount(p, 'latest'), groupBy: optString(p, 'groupBy') }),
    (listing) => ({
      snapshots: listing.entries.map(snapshotInfo),
      groups: listing.grouped ? listing.groups.map((g) => ({ key: g.key, snapshots: g.entries.map(snapshotInfo) })) : undefined,
    }),
  );

  serve(
    connection,
    ops,
    RestoreRequest.type,
    restoreOperation,
    (p) => ({ snapshot: reqString(p, 'snapshot'), target: reqString(p, 'target') }),
    (s) => ({ snapshotId: s.snapshotId, filesRestored: s.filesRestored, dirsRestored: s.dirsRestored, bytesRestored: s.bytesRestored, warnings: s.warnings }),
  );

  serve(
    connection,
    ops,
    PruneRequest.type,
    pruneOperation,
    (p) => ({ maxUnused: optString(p, 'maxUnused'), dryRun: optBoolean(p, 'dryRun') }),
    pruneResult,
  );

  serve(
    connection,
    ops,
    ForgetRequest.type,
    forgetOperation,
    (p) => ({
      snapshots: optStrings(p, 'snapshots'),
      keepLast: optCount(p, 'keepLast'),
      keepHourly: optCount(p, 'keepHourly'),
      keepDaily: optCount(p, 'keepDaily'),
      keepWeekly: optCount(p, 'keepWeekly'),
      keepMonthly: optCount(p, 'keepMonthly'),
      keepYearly: optCount(p, 'keepYearly'),
      keepWithin: optString(p, 'keepWithin'),
      keepWithinHourly: optString(p, 'keepWithinHourly'),
      keepWithinDaily: optString(p, 'keepWithinDaily'),
      keepWithinWeekly: optString(p, 'keepWithinWeekly'),
      keepWithinMonthly: optString(p, 'keepWithinMonthly'),
      keepWithinYearly: optString(p, 'keepWithinYearly'),
      keepTags: optStrings(p, 'keepTags'),
      groupBy: optString(p, 'groupBy'),
      ...filterParams(p),
      prune: optBoolean(p, 'prune'),
      maxUnused: optString(p, 'maxUnused'),
      dryRun: optBoolean(p, 'dryRun'),
    }),
    ({ forget, prune }): ForgetResult => ({
      kept: forget.groups.flatMap((g) => g.keep.map((e) => e.id)),
      removed: forget.removed,
      ...(prune ? { prune: pruneResult(prune) } : {}),
    }),
    (plan) => {
      if (plan.decidesNothing) invalidParams('give snapshots to forget or a policy (keepLast, keepDaily, …)');
    },
  );

  serve(
    connection,
    ops,
    CheckRequest.type,
    checkOperation,
    (p) => ({ readData: optBoolean(p, 'readData') }),
    (result) => result,
  );

  serve(
    connection,
    ops,
    UnlockRequest.type,
    unlockOperation,
    (p) => ({ removeAll: optBoolean(p, 'removeAll') }),
    (removed) => ({ removed }),
  );

  serve(
    connection,
    ops,
    LocksRequest.type,
    locksOperation,
    () => ({}),
    (locks) => ({
      locks: locks.map((l) => ({ id: l.id, holder: l.lock ? holderOf(l.lock, l.id) : undefined, error: l.error, stale: l.stale, ageMs: l.ageMs })),
    }),
  );
}
