import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { spawnPiped } from './process';
import { TEST_CACHE_HOME } from './tmp';

export const CLI = path.resolve(__dirname, '../../dist/cli.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  repo?: string;
  password?: string;
  env?: Record<string, string>;
  input?: string | Buffer;
  cwd?: string;
  /** The program and its first arguments, instead of `node dist/cli.js` (for example the launcher bin/lockstep). */
  command?: string[];
}

function cliEnv(options: CliOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TZ: process.env.TZ, XDG_CACHE_HOME: TEST_CACHE_HOME, LOCKSTEP_KDF_N: '1024', LOCKSTEP_KDF_R: '8', LOCKSTEP_KDF_P: '1' };
  if (options.repo) env.RESTIC_REPOSITORY = options.repo;
  if (options.password !== undefined) env.RESTIC_PASSWORD = options.password;
  return { ...env, ...options.env };
}

/** Runs the bundled `lockstep` CLI (built by `npm test` before vitest starts). */
export function lockstep(args: string[], options: CliOptions = {}): CliResult {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "node esbuild.mjs" first`);
  const [program, ...leading] = options.command ?? [process.execPath, CLI];
  const result = spawnSync(program, [...leading, ...args], {
    env: cliEnv(options),
    input: options.input,
    cwd: options.cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Like `lockstep`, but fails the test with the CLI's output if the exit code is not 0. */
export function lockstepOk(args: string[], options: CliOptions = {}): CliResult {
  const result = lockstep(args, options);
  if (result.code !== 0) throw new Error(`lockstep ${args.join(' ')} exited ${result.code}\n${result.stderr}\n${result.stdout}`);
  return result;
}

export function spawnLockstep(args: string[], options: CliOptions = {}) {
  return spawnPiped(process.execPath, [CLI, ...args], { env: cliEnv(options), cwd: options.cwd });
}
