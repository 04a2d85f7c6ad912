// An S3 server for the remote-backend tests: s3rver 3.7.1 in a child process on 127.0.0.1 (s3rver-main.mjs says
// what it does not enforce). A child process, because the tests run the CLI with spawnSync, which would block an
// in-process server. Credentials S3RVER/S3RVER, as s3rver expects them.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { freePort, killAndWait, waitForPort } from './net';
import { RemoteServer, StartRemoteServer } from './remote-server';

export const S3_BUCKET = 'lockstep-test';
export const S3_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_DEFAULT_REGION: 'us-east-1' };
const MAIN = path.join(__dirname, 's3rver-main.mjs');

export function s3rverAvailable(): boolean {
  return existsSync(path.resolve(__dirname, '../../node_modules/s3rver/package.json'));
}

export const startS3rver: StartRemoteServer = async (work) => {
  const port = await freePort();
  const directory = path.join(work, 's3rver');
  mkdirSync(directory, { recursive: true });
  const log: string[] = [];
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const started = spawn(process.execPath, [MAIN, String(port), directory, S3_BUCKET], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
    started.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
    child = started;
    await waitForPort(port, started, log);
  };
  await launch();
  const server: RemoteServer = {
    location: `s3:http://127.0.0.1:${port}/${S3_BUCKET}/repo`,
    lockstepEnv: { ...S3_CREDENTIALS },
    resticEnv: { ...S3_CREDENTIALS },
    resticArgs: [],
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    kill: () => killAndWait(child),
    restart: launch,
    stop: () => killAndWait(child),
  };
  return server;
};
