// REST servers for the remote-backend tests, on 127.0.0.1: restic's rest-server 0.13 (Debian trixie's build,
// installed by scripts/install-peers.sh) and `rclone serve restic` (Debian's rclone 1.60).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { killAndWait, freePort, waitForPort } from './net';
import { requirePeer } from './peers';
import { RemoteServer, StartRemoteServer } from './remote-server';

/** A server process started by `command`, restartable on the same port and data. */
async function startProcess(work: string, command: (port: number) => { bin: string; args: string[]; env?: NodeJS.ProcessEnv }, location: (port: number) => string, credentials?: { user: string; password: string }): Promise<RemoteServer> {
  const port = await freePort();
  const log: string[] = [];
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const { bin, args, env } = command(port);
    const started = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    started.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
    started.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
    child = started;
    await waitForPort(port, started, log);
  };
  await launch();
  void work;
  const url = location(port);
  const withCredentials = credentials ? url.replace('http://', `http://${credentials.user}:${credentials.password}@`) : url;
  return {
    location: withCredentials,
    lockstepEnv: {},
    resticEnv: {},
    resticArgs: [],
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    kill: () => killAndWait(child),
    restart: launch,
    stop: () => killAndWait(child),
  };
}

/** restic's rest-server 0.13 serving `work/rest-server`, repository `/repo/`. */
export const startRestServer: StartRemoteServer = (work) => {
  const bin = requirePeer('rest-server');
  const dir = path.join(work, 'rest-server');
  mkdirSync(dir, { recursive: true });
  return startProcess(work, (port) => ({ bin, args: ['--listen', `127.0.0.1:${port}`, '--path', dir, '--no-auth'] }), (port) => `rest:http://127.0.0.1:${port}/repo/`);
};

/**
 * restic's rest-server 0.13 over https with `cert`/`key` (PEM files), repository `/repo/`; clients trust it only
 * when given the certificate.
 */
export function startRestServerTls(cert: string, key: string): StartRemoteServer {
  return (work) => {
    const bin = requirePeer('rest-server');
    const dir = path.join(work, 'rest-server-tls');
    mkdirSync(dir, { recursive: true });
    const args = (port: number): string[] => ['--listen', `127.0.0.1:${port}`, '--path', dir, '--no-auth', '--tls', '--tls-cert', cert, '--tls-key', key];
    return startProcess(work, (port) => ({ bin, args: args(port) }), (port) => `rest:https://127.0.0.1:${port}/repo/`);
  };
}

/** `rclone serve restic` serving `work/rclone`, repository `/repo/`. */
export const startRcloneRestic: StartRemoteServer = (work) => {
  const bin = requirePeer('rclone');
  const dir = path.join(work, 'rclone');
  mkdirSync(dir, { recursive: true });
  const config = path.join(work, 'rclone.conf');
  writeFileSync(config, '');
  return startProcess(work, (port) => ({ bin, args: ['serve', 'restic', '--config', config, '--addr', `127.0.0.1:${port}`, dir], env: { HOME: work } }), (port) => `rest:http://127.0.0.1:${port}/repo/`);
};

/** `rclone serve restic` with basic auth (`--user`/`--pass`); the location carries the credentials. */
export function startRcloneResticWithAuth(user: string, password: string): StartRemoteServer {
  return (work) => {
    const bin = requirePeer('rclone');
    const dir = path.join(work, 'rclone-auth');
    mkdirSync(dir, { recursive: true });
    const config = path.join(work, 'rclone.conf');
    writeFileSync(config, '');
    const args = (port: number): string[] => ['serve', 'restic', '--config', config, '--addr', `127.0.0.1:${port}`, '--user', user, '--pass', password, dir];
    return startProcess(work, (port) => ({ bin, args: args(port), env: { HOME: work } }), (port) => `rest:http://127.0.0.1:${port}/repo/`, { user, password });
  };
}
