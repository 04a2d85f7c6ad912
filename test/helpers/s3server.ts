// An S3 server for the remote-backend tests: s3rver 3.7.1 in a child process on 127.0.0.1, with an aws-chunked
// decoder in front (test/helpers/s3rver-main.mjs, which also lists what s3rver does not enforce: SigV4 signatures
// beyond the access key ID, chunk signatures, conditional writes such as If-None-Match, eventual consistency).
// A child process, because the tests run the CLI with spawnSync, which blocks the test process's event loop: an
// in-process server could not answer. Credentials S3RVER/S3RVER, the only account s3rver knows.
//
// restic 0.14 and 0.18 need no options for it: their `s3.bucket-lookup=auto` uses path style for any endpoint
// that is not AWS's (or Google's), so `http://127.0.0.1:PORT` gets `/lockstep-test/repo/…` requests.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { freePort, killAndWait } from './net';
import { spawnPiped } from './process';
import { RemoteServer, StartRemoteServer } from './remote-server';

export const S3_BUCKET = 'lockstep-test';
export const S3_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_DEFAULT_REGION: 'us-east-1' };
const MAIN = path.join(__dirname, 's3rver-main.mjs');

export function s3rverAvailable(): boolean {
  return existsSync(path.resolve(__dirname, '../../node_modules/s3rver/package.json'));
}

/** Starts s3rver-main.mjs and resolves once it printed "ready"; rejects with its output if it exits or stalls. */
function launchS3rver(port: number, directory: string, bucket: string, timeoutMs = 15_000): Promise<ChildProcess> {
  // s3rver encrypts ListObjectsV2 continuation tokens with DES, which Node 20's OpenSSL 3 only has in its legacy
  // provider: without it every listing longer than one page (1000 keys) fails with HTTP 500.
  const child = spawnPiped(process.execPath, ['--openssl-legacy-provider', MAIN, String(port), directory, bucket]);
  let output = '';
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`s3rver on 127.0.0.1:${port} ${why}:\n${output}`));
    };
    const timer = setTimeout(() => fail(`was not ready within ${timeoutMs} ms`), timeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => fail(`exited (${code ?? signal})`);
    child.once('exit', onExit);
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
      if (/^ready$/m.test(output)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(child);
      }
    });
  });
}

export interface S3rverServer extends RemoteServer {
  port: number;
  endpoint: string;
  bucket: string;
  /** Where s3rver keeps its buckets (`<directory>/<bucket>/<key>._S3rver_object`). */
  directory: string;
  pid(): number | undefined;
}

/** A StartRemoteServer (for the shared remote scenarios) whose server also tells its port, folder and pid. */
export const startS3rver = async (work: string): Promise<S3rverServer> => {
  const port = await freePort();
  const directory = path.join(work, 's3rver');
  mkdirSync(directory, { recursive: true });
  let child: ChildProcess | undefined = await launchS3rver(port, directory, S3_BUCKET);
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    location: `s3:${endpoint}/${S3_BUCKET}/repo`,
    lockstepEnv: { ...S3_CREDENTIALS },
    resticEnv: { ...S3_CREDENTIALS },
    resticArgs: [],
    port,
    endpoint,
    bucket: S3_BUCKET,
    directory,
    pid: () => child?.pid,
    pause: () => {
      child?.kill('SIGSTOP');
    },
    resume: () => {
      child?.kill('SIGCONT');
    },
    kill: async () => {
      await killAndWait(child);
    },
    restart: async () => {
      await killAndWait(child);
      child = await launchS3rver(port, directory, S3_BUCKET);
    },
    stop: async () => {
      await killAndWait(child);
      child = undefined;
    },
  };
};
startS3rver satisfies StartRemoteServer;
