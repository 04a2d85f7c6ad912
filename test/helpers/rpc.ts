// A JSON-RPC client for the real backend process (dist/server.js over stdio or IPC), as the extension talks to it.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { afterEach } from 'vitest';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, MessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { spawnPiped } from './process';
import { BackupResult, LockLostNotification, LockLostParams, LockStateNotification, LockStateParams } from '../../shared/src/protocol';
import { TEST_CACHE_HOME } from './tmp';

export const SERVER = path.resolve(__dirname, '../../dist/server.js');

export interface ProgressEvent {
  token: string | number;
  value: { kind: 'begin' | 'report' | 'end'; title?: string; message?: string; cancellable?: boolean };
}

export interface Backend {
  child: ChildProcess;
  connection: MessageConnection;
  lockStates: LockStateParams[];
  lockLost: LockLostParams[];
  progress: ProgressEvent[];
  logs: string[];
  stop(): Promise<void>;
}

export interface BackendOptions {
  /** stdio (the default) or the IPC channel the extension uses. */
  transport?: 'stdio' | 'ipc';
  /** The editor's pid sent with initialize (default: this process). */
  processId?: number;
}

export async function startBackend(env: Record<string, string>, options: BackendOptions = {}): Promise<Backend> {
  const childEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TZ: process.env.TZ, XDG_CACHE_HOME: TEST_CACHE_HOME, LOCKSTEP_KDF_N: '1024', LOCKSTEP_KDF_R: '8', LOCKSTEP_KDF_P: '1', ...env };
  const ipc = options.transport === 'ipc';
  const child = ipc
    ? spawn(process.execPath, [SERVER, '--node-ipc'], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
    : spawnPiped(process.execPath, [SERVER, '--stdio'], { env: childEnv });
  const connection = ipc
    ? createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child))
    : createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const backend: Backend = {
    child,
    connection,
    lockStates: [],
    lockLost: [],
    progress: [],
    logs: [],
    stop: async () => {
      connection.dispose();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    },
  };
  child.stderr?.on('data', (d: Buffer) => backend.logs.push(d.toString()));
  connection.onNotification(LockStateNotification.type, (p) => {
    backend.lockStates.push(p);
  });
  connection.onNotification(LockLostNotification.type, (p) => {
    backend.lockLost.push(p);
  });
  connection.onNotification('window/logMessage', (p: { message: string }) => {
    backend.logs.push(p.message);
  });
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.onNotification('$/progress', (p: ProgressEvent) => {
    backend.progress.push(p);
  });
  connection.listen();
  await connection.sendRequest('initialize', { processId: options.processId ?? process.pid, rootUri: null, capabilities: { window: { workDoneProgress: true } } });
  connection.sendNotification('initialized', {});
  return backend;
}

/** What a test file calls to start the backend on a repository; every backend it started is stopped after each test. */
export type StartBackendFor = (repo: string, env?: Record<string, string>, options?: BackendOptions) => Promise<Backend>;

/** Registers the stop with vitest's afterEach, so no test file keeps its own list of running backends. */
export function backendsStoppedAfterEach(password: string): StartBackendFor {
  const running: Backend[] = [];
  afterEach(async () => {
    for (const b of running.splice(0)) await b.stop();
  });
  return async (repo, env = {}, options = {}) => {
    const b = await startBackend({ RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: password, ...env }, options);
    running.push(b);
    return b;
  };
}

/** The result of a backup that saved a snapshot (every backup without dryRun or skipIfUnchanged does). */
export async function savedBackup(result: Promise<BackupResult>): Promise<BackupResult & { snapshotId: string }> {
  const done = await result;
  if (done.snapshotId === undefined) throw new Error('the backup saved no snapshot');
  return { ...done, snapshotId: done.snapshotId };
}

/** The ResponseError a request failed with; fails the test if it succeeded or failed otherwise. */
export async function rpcError(promise: Promise<unknown>): Promise<ResponseError<unknown>> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ResponseError)) throw new Error(`expected a ResponseError, got ${String(err)}`);
  return err;
}
