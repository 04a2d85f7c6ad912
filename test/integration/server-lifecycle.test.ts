// Every way the backend process can end while a backup holds its lock: SIGTERM, Ctrl-C, stdin closing, the
// extension's IPC channel going away, vscode-languageclient's shutdown and exit, the editor's process gone. Each
// must leave the repository's locks/ empty (before, each left the lock, which blocks the user's other clients
// until it goes stale) and no snapshot. The backup reads a sparse 64 GiB file, so it is still running whenever
// the test ends it.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, ftruncateSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { BackupRequest } from '../../shared/src/protocol';
import { lockstepOk } from '../helpers/cli';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { repoFiles, stopChild, waitFor } from '../helpers/process';
import { Backend, BackendOptions, backendsStoppedAfterEach } from '../helpers/rpc';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'lifecycle';
const backendFor = backendsStoppedAfterEach(PASSWORD);
const others: ChildProcess[] = [];
afterEach(() => {
  for (const c of others.splice(0)) stopChild(c);
});

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function exitOf(child: ChildProcess): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** A repository and a backend whose backup of a sparse 64 GiB file holds its lock. */
async function backupHoldingItsLock(name: string, options: BackendOptions = {}): Promise<{ repo: string; b: Backend; exited: Promise<Exit> }> {
  const work = makeTempDir(name);
  const repo = path.join(work, 'repo');
  const source = path.join(work, 'source');
  mkdirSync(source);
  const fd = openSync(path.join(source, 'sparse.img'), 'w');
  ftruncateSync(fd, 64 * 1024 ** 3);
  closeSync(fd);
  lockstepOk(['init'], { repo, password: PASSWORD });
  const b = await backendFor(repo, {}, options);
  const exited = exitOf(b.child);
  b.connection.sendRequest(BackupRequest.type, { paths: [source] }).catch(() => undefined);
  await waitFor('the backup to hold its lock', () => b.lockStates.some((s) => s.operation === 'backup' && s.state === 'held'));
  expect(repoFiles(repo, 'locks')).toHaveLength(1);
  return { repo, b, exited };
}

function expectNothingLeft(repo: string): void {
  expect(repoFiles(repo, 'locks')).toEqual([]);
  expect(repoFiles(repo, 'snapshots')).toEqual([]);
}

describeWithPeer('restic-0.18', 'the backend process removes its locks on every way out', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s mid-backup: the lock is removed, then the backend exits 130 as the CLI does', async (signal) => {
    const { repo, b, exited } = await backupHoldingItsLock(`life-${signal}`);
    b.child.kill(signal);
    expect(await exited).toEqual({ code: 130, signal: null });
    expectNothingLeft(repo);
    runRestic(requirePeer('restic-0.18'), repo, ['check'], { password: PASSWORD });
  });

  it('stdin closed mid-backup (the client went away): the lock is removed, then the backend exits', async () => {
    const { repo, b, exited } = await backupHoldingItsLock('life-stdin');
    b.child.stdin?.end();
    expect(await exited).toEqual({ code: 1, signal: null });
    expectNothingLeft(repo);
  });

  it("the extension's IPC channel closed mid-backup (a window closed or crashed): the lock is removed, the backup stops", async () => {
    const { repo, b, exited } = await backupHoldingItsLock('life-ipc', { transport: 'ipc' });
    b.child.disconnect();
    expect(await exited).toEqual({ code: 1, signal: null });
    expectNothingLeft(repo);
  });

  it('shutdown then exit mid-backup (vscode-languageclient stopping): shutdown answers once the lock is gone, exit is 0', async () => {
    const { repo, b, exited } = await backupHoldingItsLock('life-shutdown');
    await b.connection.sendRequest('shutdown');
    expect(repoFiles(repo, 'locks')).toEqual([]);
    await b.connection.sendNotification('exit');
    expect(await exited).toEqual({ code: 0, signal: null });
    expectNothingLeft(repo);
  });

  it("the editor's process gone mid-backup (the pid sent with initialize): the lock is removed, then the backend exits", async () => {
    const editor = spawn('sleep', ['600'], { stdio: 'ignore' });
    others.push(editor);
    const { repo, exited } = await backupHoldingItsLock('life-parent', { processId: editor.pid });
    const editorGone = exitOf(editor);
    editor.kill('SIGKILL');
    await editorGone;
    expect(await exited).toEqual({ code: 1, signal: null });
    expectNothingLeft(repo);
  });
});
