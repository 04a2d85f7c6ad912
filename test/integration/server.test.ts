// The real backend process over JSON-RPC, driven as the extension drives it: every request, progress, lock state
// notifications, cancellation and a lock lost mid-backup, malformed params. restic checks what it leaves behind.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BackupRequest,
  CheckRequest,
  ForgetRequest,
  InitRequest,
  LocksRequest,
  LockstepErrorCodes,
  PruneRequest,
  RestoreRequest,
  SnapshotsRequest,
  UnlockRequest,
} from '../../shared/src/protocol';
import { lockstepOk } from '../helpers/cli';
import { expectSameTree, makeSourceTree, randomFile } from '../helpers/fstree';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { repoFiles, waitFor } from '../helpers/process';
import { backendsStoppedAfterEach, rpcError } from '../helpers/rpc';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'json-rpc';
const backendFor = backendsStoppedAfterEach(PASSWORD);


function bigSource(work: string, mib: number): string {
  const dir = path.join(work, 'big');
  mkdirSync(dir);
  for (let i = 0; i < mib / 32; i++) randomFile(path.join(dir, `f${i}.bin`), 32 * 1024 * 1024);
  return dir;
}

describeWithPeer('restic-0.18', 'the backend process over JSON-RPC', () => {
  it('serves every request: init, backup, snapshots, restore, locks, check, prune, unlock', async () => {
    const restic = requirePeer('restic-0.18');
    const work = makeTempDir('rpc');
    const repo = path.join(work, 'repo');
    const source = path.join(work, 'source');
    makeSourceTree(source);
    const b = await backendFor(repo);
    const init = await b.connection.sendRequest(InitRequest.type, {});
    expect(init.location).toBe(repo);
    expect(await b.connection.sendRequest(SnapshotsRequest.type, {})).toEqual({ snapshots: [], damaged: [] });

    const first = await b.connection.sendRequest(BackupRequest.type, { paths: [source], tags: ['rpc'] });
    expect(first).toMatchObject({ filesNew: 10, unreadable: [] });
    const listed = JSON.parse(runRestic(restic, repo, ['snapshots', '--json'], { password: PASSWORD }).stdout);
    expect(listed.map((s: { id: string; tags: string[] }) => [s.id, s.tags])).toEqual([[first.snapshotId, ['rpc']]]);
    // Server-made progress: created, begun (cancellable), ended.
    expect(b.progress.some((p) => p.value.kind === 'begin' && p.value.title === 'Lockstep: backup' && p.value.cancellable === true)).toBe(true);
    expect(b.progress.some((p) => p.value.kind === 'end')).toBe(true);
    // The lock went acquiring → held → released.
    expect(b.lockStates.filter((s) => s.operation === 'backup').map((s) => s.state)).toEqual(['acquiring', 'held', 'released']);

    const second = await b.connection.sendRequest(BackupRequest.type, { paths: [source], workDoneToken: 'client-token-1' });
    expect(second.parent).toBe(first.snapshotId);
    expect(second.filesUnmodified).toBe(10);
    expect(b.progress.some((p) => p.token === 'client-token-1' && p.value.kind === 'begin')).toBe(true);

    const { snapshots } = await b.connection.sendRequest(SnapshotsRequest.type, {});
    expect(snapshots.map((s) => s.id)).toEqual([first.snapshotId, second.snapshotId]);
    expect(snapshots[0]).toMatchObject({ paths: [source], tags: ['rpc'] });

    const target = path.join(work, 'restored');
    const restored = await b.connection.sendRequest(RestoreRequest.type, { snapshot: 'latest', target });
    expect(restored).toMatchObject({ snapshotId: second.snapshotId, warnings: [] });
    expectSameTree(path.join(target, source), source);

    expect(await b.connection.sendRequest(LocksRequest.type, {})).toEqual({ locks: [] });
    expect(await b.connection.sendRequest(CheckRequest.type, { readData: true })).toEqual({ errors: [], hints: [] });
    const pruned = await b.connection.sendRequest(PruneRequest.type, { maxUnused: '0' });
    expect(pruned).toMatchObject({ dryRun: false, removedBlobs: 0 });
    expect(b.lockStates.filter((s) => s.operation === 'prune').every((s) => s.exclusive)).toBe(true);
    const forgotten = await b.connection.sendRequest(ForgetRequest.type, { keepLast: 1, prune: true });
    expect(forgotten).toMatchObject({ kept: [second.snapshotId], removed: [first.snapshotId], prune: { dryRun: false } });
    expect((await b.connection.sendRequest(SnapshotsRequest.type, {})).snapshots.map((s) => s.id)).toEqual([second.snapshotId]);
    expect(await b.connection.sendRequest(UnlockRequest.type, {})).toEqual({ removed: [] });
    runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
  });

  it('malformed params get InvalidParams and the backend keeps serving', async () => {
    const work = makeTempDir('rpc-bad');
    const repo = path.join(work, 'repo');
    lockstepOk(['init'], { repo, password: PASSWORD });
    const b = await backendFor(repo);
    const send = (method: string, params: unknown): Promise<unknown> => b.connection.sendRequest(method, params);
    const cases: [string, unknown, RegExp][] = [
      ['lockstep/backup', { paths: 5 }, /params.paths must be a list of strings/],
      ['lockstep/backup', {}, /params.paths must name at least one entry/],
      ['lockstep/backup', { paths: ['/tmp'], retryLockMs: -1 }, /retryLockMs must be a number of milliseconds/],
      ['lockstep/restore', { snapshot: 'latest' }, /params.target is required/],
      ['lockstep/prune', { maxUnused: 'lots' }, /invalid --max-unused "lots"/],
      ['lockstep/unlock', { removeAll: 'yes' }, /params.removeAll must be true or false/],
      ['lockstep/init', { version: 3 }, /params.version must be 1 or 2/],
      ['lockstep/forget', {}, /give snapshots to forget or a policy/],
      ['lockstep/forget', { keepDaily: 'seven' }, /params.keepDaily must be a whole number/],
      ['lockstep/forget', { keepWithin: '3 weeks' }, /invalid|duration/i],
      // Sent by position (the client library wraps a non-object in a list): the contract takes params by name.
      ['lockstep/snapshots', 'not an object', /defines parameters by name but received parameters by position/],
    ];
    for (const [method, params, message] of cases) {
      const err = await rpcError(send(method, params));
      expect(err.code, `${method} ${JSON.stringify(params)}`).toBe(-32602);
      expect(err.message).toMatch(message);
    }
    expect(b.child.exitCode).toBe(null);
    expect(await b.connection.sendRequest(SnapshotsRequest.type, {})).toEqual({ snapshots: [], damaged: [] });
  });

  it('a wrong password, a missing repository and a missing path are clear errors with their codes', async () => {
    const work = makeTempDir('rpc-errors');
    const repo = path.join(work, 'repo');
    lockstepOk(['init'], { repo, password: PASSWORD });
    const wrong = await backendFor(repo, { RESTIC_PASSWORD: 'nope' });
    const e1 = await rpcError(wrong.connection.sendRequest(SnapshotsRequest.type, {}));
    expect([e1.code, e1.message]).toEqual([LockstepErrorCodes.wrongPassword, 'wrong password or no key found']);
    const nowhere = await backendFor(path.join(work, 'nowhere'));
    expect((await rpcError(nowhere.connection.sendRequest(SnapshotsRequest.type, {}))).code).toBe(LockstepErrorCodes.noRepository);
    const b = await backendFor(repo);
    const e3 = await rpcError(b.connection.sendRequest(BackupRequest.type, { paths: [path.join(work, 'missing')] }));
    expect(e3.code).toBe(LockstepErrorCodes.failed);
    expect(e3.message).toMatch(/do not exist/);
    expect(repoFiles(repo, 'locks')).toEqual([]);
  });

  it('cancelling a backup stops it, removes its lock, saves no snapshot; locks and unlock answer meanwhile', async () => {
    const restic = requirePeer('restic-0.18');
    const work = makeTempDir('rpc-cancel');
    const repo = path.join(work, 'repo');
    const big = bigSource(work, 256);
    lockstepOk(['init'], { repo, password: PASSWORD });
    const b = await backendFor(repo);
    const source = new CancellationTokenSource();
    const request = b.connection.sendRequest(BackupRequest.type, { paths: [big] }, source.token);
    await waitFor('the backup to hold its lock', () => b.lockStates.some((s) => s.state === 'held'));
    // Not serialized behind the backup:
    const { locks } = await b.connection.sendRequest(LocksRequest.type, {});
    expect(locks).toHaveLength(1);
    expect(locks[0].holder).toMatchObject({ pid: b.child.pid, exclusive: false });
    expect(await b.connection.sendRequest(UnlockRequest.type, {})).toEqual({ removed: [] });
    source.cancel();
    const err = await rpcError(request);
    expect(err.code).toBe(LockstepErrorCodes.cancelled);
    expect(repoFiles(repo, 'snapshots')).toEqual([]);
    expect(repoFiles(repo, 'locks')).toEqual([]);
    expect(b.lockStates.at(-1)?.state).toBe('released');
    runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
  });

  it('a lock lost mid-backup fails the request with lockLost, sends the notification, and no snapshot is saved', async () => {
    const restic = requirePeer('restic-0.18');
    const work = makeTempDir('rpc-lost');
    const repo = path.join(work, 'repo');
    const big = bigSource(work, 256);
    lockstepOk(['init'], { repo, password: PASSWORD });
    const b = await backendFor(repo, { LOCKSTEP_LOCK_REFRESH_MS: '1000', LOCKSTEP_LOCK_STALE_MS: '10000' });
    const request = b.connection.sendRequest(BackupRequest.type, { paths: [big] });
    await waitFor('the backup to hold its lock', () => b.lockStates.some((s) => s.state === 'held'));
    runRestic(restic, repo, ['unlock', '--remove-all'], { password: PASSWORD });
    const err = await rpcError(request);
    expect(err.code).toBe(LockstepErrorCodes.lockLost);
    expect(err.data).toEqual({ reason: 'lock-removed', notCommitted: 'the snapshot was not saved' });
    expect(err.message).toMatch(/^backup: lock lost \(lock-removed\)/);
    expect(b.lockLost).toEqual([expect.objectContaining({ operation: 'backup', reason: 'lock-removed', notCommitted: 'the snapshot was not saved' })]);
    expect(b.lockStates.at(-1)).toMatchObject({ state: 'lost', reason: 'lock-removed' });
    expect(repoFiles(repo, 'snapshots')).toEqual([]);
    runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
    // The backend still works afterwards.
    const again = await b.connection.sendRequest(SnapshotsRequest.type, {});
    expect(again.snapshots).toEqual([]);
  });

  it('a conflicting lock fails with lockedByOther and names the holder; retryLockMs waits', async () => {
    const restic = requirePeer('restic-0.18');
    const work = makeTempDir('rpc-conflict');
    const repo = path.join(work, 'repo');
    lockstepOk(['init'], { repo, password: PASSWORD });
    const { spawnRestic } = await import('../helpers/peers');
    const { finished } = await import('../helpers/process');
    const holder = spawnRestic(restic, repo, ['backup', '--stdin'], { password: PASSWORD });
    const held = finished(holder);
    await waitFor('restic to lock', () => repoFiles(repo, 'locks').length === 1);
    const b = await backendFor(repo);
    const err = await rpcError(b.connection.sendRequest(PruneRequest.type, {}));
    expect(err.code).toBe(LockstepErrorCodes.lockedByOther);
    expect(err.data).toMatchObject({ pid: holder.pid, exclusive: false });
    const waiting = b.connection.sendRequest(PruneRequest.type, { retryLockMs: 30_000 });
    await waitFor('the prune to wait', () => b.lockStates.some((s) => s.operation === 'prune' && s.state === 'waiting'));
    expect(b.lockStates.find((s) => s.state === 'waiting')?.holder?.pid).toBe(holder.pid);
    holder.stdin?.end('x');
    await held;
    await expect(waiting).resolves.toMatchObject({ dryRun: false });
  });
});
