// The extension's backend process: JSON-RPC (vscode-languageserver) requests mapped onto the same operations
// the CLI runs. One per VS Code window, started by the client with the repository and password in its environment.
import { redactLocation } from './backend/location';
import { CancellationToken, ErrorCodes, ResponseError } from 'vscode-jsonrpc';
import { openBackend } from './backend/open';
import { chooseKdf } from './repo/format/key';
import { Repository } from './repo/repository';
import { backup } from './ops/backup';
import { check } from './ops/check';
import { forget } from './ops/forget';
import { isEmptyPolicy, parseKeepDuration, parseKeepTag, RetentionPolicy, validatePolicy } from './ops/retention';
import { parseMaxUnused, prune, PruneSummary } from './ops/prune';
import { restore } from './ops/restore';
import { lockTimingFromEnv } from './lock/timing';
import { leftoverRuleFromEnv } from './ops/leftovers';
import { listLocks, removeAllLocks, removeStaleLocks } from './lock/unlock';
import { Admission } from './rpc/admission';
import { createBackendConnection } from './rpc/connection';
import { holderOf, Operations, toResponseError } from './rpc/operations';
import { optBoolean, optCount, optMilliseconds, Raw, optString, optStrings, optToken, paramsObject, reqString, reqStrings } from './rpc/validate';
import {
  BackupRequest,
  CheckRequest,
  ForgetRequest,
  ForgetResult,
  InitRequest,
  LocksRequest,
  PruneRequest,
  PruneResult,
  RestoreRequest,
  SnapshotsRequest,
  UnlockRequest,
} from './protocol';
import { PROGRAM_VERSION } from './version';
import { setUpProcessTuning } from './base/processTuning';

// restic's unlock probes lock holders on this host with SIGHUP; like restic, survive the probe.
process.on('SIGHUP', () => undefined);

try {
  setUpProcessTuning(process.env);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}; running untuned
`);
}

const admission = new Admission();
const connection = createBackendConnection(admission);
const ops = new Operations(connection, process.env, admission);

connection.onInitialize(() => ({ capabilities: {}, serverInfo: { name: 'lockstep', version: PROGRAM_VERSION } }));

function locking(raw: unknown): { p: ReturnType<typeof paramsObject>; retryLockMs?: number; workDoneToken?: string | number } {
  const p = paramsObject(raw);
  return { p, retryLockMs: optMilliseconds(p, 'retryLockMs'), workDoneToken: optToken(p) };
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

connection.onRequest(InitRequest.type, async (raw, token: CancellationToken) => {
  const p = paramsObject(raw);
  const version = p.version ?? 2;
  if (version !== 1 && version !== 2) throw new ResponseError(ErrorCodes.InvalidParams, 'params.version must be 1 or 2');
  const spec = { name: 'init', lock: 'none' as const, notCommitted: 'the repository was not created' };
  try {
    const signal = new AbortController();
    token.onCancellationRequested(() => signal.abort());
    const location = ops.location();
    const repo = await Repository.init(openBackend(location, process.env), ops.password(), { version, kdf: await chooseKdf(process.env), signal: signal.signal });
    await repo.close();
    return { repositoryId: repo.config.id, location: redactLocation(location) };
  } catch (err) {
    throw toResponseError(err, spec);
  }
});

connection.onRequest(BackupRequest.type, (raw, token) => {
  const { p, ...lock } = locking(raw);
  const paths = reqStrings(p, 'paths');
  const tags = optStrings(p, 'tags') ?? [];
  const excludes = optStrings(p, 'excludes') ?? [];
  const host = optString(p, 'host');
  return ops.run({ name: 'backup', lock: 'shared', readsIndex: true, notCommitted: 'the snapshot was not saved', ...lock }, token, async ({ repo, signal, progress }) => {
    const s = await backup(repo, {
      paths,
      tags,
      excludes,
      host,
      signal,
      onProgress: (pr) => progress.report(`${pr.filesDone} files, ${(pr.bytesDone / 1048576).toFixed(1)} MiB${pr.currentFile ? `: ${pr.currentFile}` : ''}`),
      onWarning: (where, message) => connection.console.warn(`backup: ${where}: ${message}`),
    });
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
  });
});

connection.onRequest(SnapshotsRequest.type, (raw, token) => {
  const { retryLockMs, workDoneToken } = locking(raw);
  return ops.run({ name: 'snapshots', lock: 'shared', notCommitted: 'nothing (listing only)', retryLockMs, workDoneToken }, token, async ({ repo, signal }) => {
    const damaged: string[] = [];
    const listed = await repo.listSnapshots(signal, (damage) => damaged.push(damage.message));
    const snapshots = listed.map(({ id, snapshot: s }) => ({
      id,
      time: s.time,
      hostname: s.hostname,
      username: s.username,
      paths: s.paths,
      tags: s.tags ?? [],
      tree: s.tree,
      parent: s.parent,
    }));
    return { snapshots, damaged };
  });
});

connection.onRequest(RestoreRequest.type, (raw, token) => {
  const { p, ...lock } = locking(raw);
  const snapshot = reqString(p, 'snapshot');
  const target = reqString(p, 'target');
  return ops.run({ name: 'restore', lock: 'shared', readsIndex: true, notCommitted: 'the restore is incomplete', ...lock }, token, async ({ repo, signal, progress }) => {
    const s = await restore(repo, {
      snapshot,
      target,
      signal,
      onProgress: (pr) => progress.report(`${pr.filesDone} files, ${(pr.bytesDone / 1048576).toFixed(1)} MiB`),
      onWarning: (where, message) => connection.console.warn(`restore: ${where}: ${message}`),
    });
    return { snapshotId: s.snapshotId, filesRestored: s.filesRestored, dirsRestored: s.dirsRestored, bytesRestored: s.bytesRestored, warnings: s.warnings };
  });
});

connection.onRequest(PruneRequest.type, (raw, token) => {
  const { p, ...lock } = locking(raw);
  const maxUnused = parseMaxUnusedParam(optString(p, 'maxUnused'));
  const dryRun = optBoolean(p, 'dryRun') ?? false;
  return ops.run({ name: 'prune', lock: 'exclusive', readsIndex: true, notCommitted: 'the prune stopped before its next index write or delete', ...lock }, token, async ({ repo, signal, progress }) =>
    pruneResult(await prune(repo, { maxUnused, dryRun, signal, leftovers: leftoverRuleFromEnv(process.env), onStep: (s) => progress.report(s) })),
  );
});

function parseMaxUnusedParam(text: string | undefined): ReturnType<typeof parseMaxUnused> {
  try {
    return parseMaxUnused(text ?? '5%');
  } catch (err) {
    throw new ResponseError(ErrorCodes.InvalidParams, err instanceof Error ? err.message : String(err));
  }
}

connection.onRequest(ForgetRequest.type, (raw, token) => {
  const { p, ...lock } = locking(raw);
  const snapshots = optStrings(p, 'snapshots') ?? [];
  const policy = forgetPolicy(p);
  const runPrune = optBoolean(p, 'prune') ?? false;
  const dryRun = optBoolean(p, 'dryRun') ?? false;
  if (snapshots.length === 0 && isEmptyPolicy(policy)) throw new ResponseError(ErrorCodes.InvalidParams, 'give snapshots to forget or a policy (keepLast, keepDaily, …)');
  return ops.run({ name: 'forget', lock: 'exclusive', notCommitted: 'some snapshots may not have been forgotten', ...lock }, token, async ({ repo, signal, progress }) => {
    const summary = await forget(repo, { snapshots, policy, dryRun, signal });
    const result: ForgetResult = { kept: summary.groups.flatMap((g) => g.keep.map((e) => e.id)), removed: summary.removed, damaged: summary.damaged.map((e) => e.message) };
    if (runPrune && summary.removed.length > 0) result.prune = pruneResult(await prune(repo, { dryRun, signal, leftovers: leftoverRuleFromEnv(process.env), onStep: (s) => progress.report(s) }));
    return result;
  });
});

function forgetPolicy(p: Raw): RetentionPolicy {
  const policy: RetentionPolicy = {};
  const counts = { keepLast: 'last', keepHourly: 'hourly', keepDaily: 'daily', keepWeekly: 'weekly', keepMonthly: 'monthly', keepYearly: 'yearly' } as const;
  for (const [name, field] of Object.entries(counts)) {
    const n = optCount(p, name);
    if (n !== undefined) policy[field] = n;
  }
  const within = optString(p, 'keepWithin');
  try {
    if (within !== undefined) policy.within = parseKeepDuration(within);
    const tags = optStrings(p, 'keepTags');
    if (tags) policy.tags = tags.map(parseKeepTag);
    validatePolicy(policy);
  } catch (err) {
    if (err instanceof ResponseError) throw err;
    throw new ResponseError(ErrorCodes.InvalidParams, err instanceof Error ? err.message : String(err));
  }
  return policy;
}

connection.onRequest(CheckRequest.type, (raw, token) => {
  const { p, ...lock } = locking(raw);
  const readData = optBoolean(p, 'readData') ?? false;
  return ops.run({ name: 'check', lock: 'exclusive', readsIndex: true, notCommitted: 'the check did not finish', ...lock }, token, ({ repo, signal, progress }) =>
    check(repo, { readData, signal, leftovers: leftoverRuleFromEnv(process.env), onStep: (s) => progress.report(s) }),
  );
});

connection.onRequest(UnlockRequest.type, (raw, token) => {
  const p = paramsObject(raw);
  const removeAll = optBoolean(p, 'removeAll') ?? false;
  return ops.run({ name: 'unlock', lock: 'none', notCommitted: '' }, token, async ({ repo, signal }) => ({
    removed: removeAll ? await removeAllLocks(repo, signal) : await removeStaleLocks(repo, { timing: lockTimingFromEnv(process.env), signal }),
  }));
});

connection.onRequest(LocksRequest.type, (raw, token) => {
  paramsObject(raw);
  return ops.run({ name: 'locks', lock: 'none', notCommitted: '' }, token, async ({ repo, signal }) => ({
    locks: (await listLocks(repo, { timing: lockTimingFromEnv(process.env), signal })).map((l) => ({
      id: l.id,
      holder: l.lock ? holderOf(l.lock, l.id) : undefined,
      error: l.error,
      stale: l.stale,
      ageMs: l.ageMs,
    })),
  }));
});

connection.listen();
