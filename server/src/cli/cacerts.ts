// NODE_EXTRA_CA_CERTS as bin/lockstep hands it over: Node parses those certificates (and all its own roots) at
// start-up whether or not a TLS connection is ever made, so the launcher keeps them from this process, and a
// command that reaches its repository over https runs again in a process that has them.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { Location } from '../../../shared/src/location';

export const DEFERRED_CA_CERTS = 'LOCKSTEP_DEFERRED_CA_CERTS';

/**
 * Takes over the file bin/lockstep deferred: puts NODE_EXTRA_CA_CERTS back into `env` (so that child processes,
 * and a rerun, see it as the user set it) and returns the file's name, or undefined when nothing was deferred.
 */
export function takeDeferredCaCerts(env: NodeJS.ProcessEnv): string | undefined {
  const file = env[DEFERRED_CA_CERTS];
  delete env[DEFERRED_CA_CERTS];
  if (!file) return undefined;
  env.NODE_EXTRA_CA_CERTS = file;
  return file;
}

/** Whether reaching `location` takes TLS connections made by Node in this process (rclone and ssh make their own). */
export function reachedOverNodeTls(location: Location): boolean {
  if (location.kind === 'rest') return location.url.startsWith('https:');
  if (location.kind === 's3') return location.endpoint.startsWith('https:');
  return false;
}

/** Thrown where a repository is about to be opened over https without the certificates the user gave. */
export class RerunWithCaCerts extends Error {
  constructor() {
    super('the command must run again with NODE_EXTRA_CA_CERTS read at start-up');
  }
}

/**
 * Runs this command again in a Node process that reads NODE_EXTRA_CA_CERTS at start-up (from `env`, as
 * takeDeferredCaCerts restored it) and resolves to its exit code. Both processes are in the terminal's process
 * group, so Ctrl-C and hang-ups reach the rerun directly; a SIGTERM sent to this process alone is passed on.
 */
export function rerunWithCaCerts(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const ignore = (): void => undefined;
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...argv], { stdio: 'inherit', env });
  const forwardTerm = (): void => void child.kill('SIGTERM');
  process.on('SIGINT', ignore);
  process.on('SIGHUP', ignore);
  process.on('SIGTERM', forwardTerm);
  return new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  }).finally(() => {
    process.off('SIGINT', ignore);
    process.off('SIGHUP', ignore);
    process.off('SIGTERM', forwardTerm);
  });
}
