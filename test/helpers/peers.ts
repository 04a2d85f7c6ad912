import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'vitest';
import { spawnPiped } from './process';
import { makeTempDir } from './tmp';

export type PeerName = 'restic-0.14' | 'restic-0.18' | 'rest-server' | 'rclone';

const peersDir = process.env.LOCKSTEP_PEERS_DIR ?? path.join(homedir(), '.cache', 'lockstep-peers');

function peerPath(name: PeerName): string {
  switch (name) {
    case 'restic-0.14':
      return '/usr/bin/restic';
    case 'restic-0.18':
      return path.join(peersDir, 'bin', 'restic-0.18');
    case 'rest-server':
      return path.join(peersDir, 'bin', 'restic-rest-server');
    case 'rclone':
      return '/usr/bin/rclone';
  }
}

export function peerAvailable(name: PeerName): boolean {
  return existsSync(peerPath(name));
}

export function requirePeer(name: PeerName): string {
  const bin = peerPath(name);
  if (!existsSync(bin)) throw new Error(`peer ${name} missing at ${bin}: run scripts/install-peers.sh`);
  return bin;
}

/** A suite that needs a peer: skipped (with the reason) when it is missing, but failed when CI is set. */
export function describeWithPeer(name: PeerName, title: string, fn: () => void): void {
  if (peerAvailable(name)) {
    describe(title, fn);
  } else if (process.env.CI) {
    describe(title, () => {
      it(`needs ${name}`, () => {
        requirePeer(name);
      });
    });
  } else {
    describe.skip(`${title} (skipped: ${name} is not installed; run scripts/install-peers.sh)`, fn);
  }
}

export interface ResticOptions {
  password?: string;
  env?: Record<string, string>;
  input?: string | Buffer;
  cwd?: string;
  allowFail?: boolean;
  binaryStdout?: boolean;
}

export interface ResticResult {
  code: number;
  stdout: string;
  stderr: string;
  stdoutBuffer?: Buffer;
}

let cacheDir: string | undefined;

function resticEnv(repo: string, options: ResticOptions): NodeJS.ProcessEnv {
  cacheDir ??= makeTempDir('restic-cache');
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TZ: process.env.TZ,
    RESTIC_REPOSITORY: repo,
    RESTIC_PASSWORD: options.password ?? '',
    RESTIC_CACHE_DIR: cacheDir,
    ...options.env,
  };
}

/** Runs a restic binary against a repository; throws with restic's output when it fails. */
export function runRestic(bin: string, repo: string, args: string[], options: ResticOptions = {}): ResticResult {
  const result = spawnSync(bin, args, {
    env: resticEnv(repo, options),
    input: options.input,
    cwd: options.cwd,
    maxBuffer: 512 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  const out: ResticResult = {
    code: result.status ?? -1,
    stdout: result.stdout.toString('utf8'),
    stderr: result.stderr.toString('utf8'),
    stdoutBuffer: options.binaryStdout ? result.stdout : undefined,
  };
  if (out.code !== 0 && !options.allowFail) {
    throw new Error(`${path.basename(bin)} ${args.join(' ')} exited ${out.code}\n${out.stderr}\n${out.stdout.slice(0, 4000)}`);
  }
  return out;
}

/** Starts restic in the background (e.g. a backup from a stdin that stays open, to hold a lock). */
export function spawnRestic(bin: string, repo: string, args: string[], options: ResticOptions = {}): ChildProcess {
  return spawnPiped(bin, args, { env: resticEnv(repo, options), cwd: options.cwd });
}
