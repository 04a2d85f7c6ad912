import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams, type SpawnOptionsWithoutStdio } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A child's stdin stops taking data when the child exits or closes it: what a test expects of a child it fed. */
const STDIN_CLOSED = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED']);

/**
 * Spawns a child with piped stdio whose stdin may be closed by the child at any time: a backup that exits 11 on
 * its lost lock stops reading, and the rest of the test's write then fails with EPIPE on a stream nobody listens
 * to, an unhandled error that fails the run. Every test that starts a child with a stdin pipe goes through here.
 */
export function spawnPiped(program: string, args: string[], options: SpawnOptionsWithoutStdio = {}): ChildProcessWithoutNullStreams {
  const child = spawn(program, args, { ...options, stdio: 'pipe' });
  child.stdin.on('error', (err: NodeJS.ErrnoException) => {
    if (!STDIN_CLOSED.has(err.code ?? '')) throw err;
  });
  return child;
}

/** Collects a child's output and resolves when it exits. */
export function finished(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Polls `condition` every 20 ms until it holds; fails after `timeoutMs` saying what it waited for. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Names in a repository folder that are restic IDs (temp files left out). */
export function repoFiles(repo: string, type: 'locks' | 'snapshots' | 'index' | 'keys'): string[] {
  return readdirSync(path.join(repo, type)).filter((n) => /^[0-9a-f]{64}$/.test(n));
}

export function packFiles(repo: string): string[] {
  return readdirSync(path.join(repo, 'data')).flatMap((d) => readdirSync(path.join(repo, 'data', d)).filter((n) => /^[0-9a-f]{64}$/.test(n)));
}

/** Kills a child that is still running (test teardown), waking it first if it was stopped. */
export function stopChild(child: ChildProcess | undefined): void {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGCONT');
  child.kill('SIGKILL');
}
