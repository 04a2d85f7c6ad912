import { readFileSync } from 'node:fs';
import { LockstepError } from '../errors';

export interface PasswordSources {
  passwordFile?: string;
  passwordCommand?: string;
  env: NodeJS.ProcessEnv;
}

/** The repository password from a file, a command or the environment, in restic's order. */
export function resolvePassword(sources: PasswordSources): string | undefined {
  const file = sources.passwordFile ?? sources.env.RESTIC_PASSWORD_FILE;
  if (file) {
    try {
      return firstLine(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new LockstepError(`cannot read the password file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const command = sources.passwordCommand ?? sources.env.RESTIC_PASSWORD_COMMAND;
  if (command) {
    try {
      // node:child_process is loaded only for --password-command.
      const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
      return firstLine(execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
    } catch {
      throw new LockstepError(`the password command failed: ${command}`);
    }
  }
  return sources.env.RESTIC_PASSWORD;
}

/**
 * The CLI's password: --password-file, --password-command or the environment (RESTIC_PASSWORD_FILE,
 * RESTIC_PASSWORD_COMMAND, RESTIC_PASSWORD), else a prompt on the terminal (twice for a new repository).
 */
export async function cliPassword(flags: { passwordFile?: string; passwordCommand?: string }, env: NodeJS.ProcessEnv, forNewRepository: boolean): Promise<string> {
  const given = resolvePassword({ ...flags, env });
  if (given !== undefined) {
    if (given.length === 0) throw new LockstepError('an empty password is not allowed');
    return given;
  }
  const first = await promptPassword(forNewRepository ? 'enter password for new repository: ' : 'enter password for repository: ');
  if (forNewRepository && (await promptPassword('enter password again: ')) !== first) throw new LockstepError('passwords do not match');
  return first;
}

function firstLine(text: string): string {
  return text.replace(/\r?\n[\s\S]*$/, '');
}

/** Asks on the terminal without echoing what is typed. */
export async function promptPassword(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw new LockstepError('no password given: set RESTIC_PASSWORD or RESTIC_PASSWORD_FILE, or use --password-file');
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  let typed = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      const onData = (data: Buffer): void => {
        for (const ch of data.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            resolve(typed);
            return;
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            reject(new LockstepError('interrupted', 130));
            return;
          }
          if (ch === '\u007f') typed = typed.slice(0, -1);
          else typed += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}
