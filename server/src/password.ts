// The repository password from restic's sources, for the entry points to pass in (cli.ts adds its flags and a
// prompt; server.ts has only the environment the extension started it with).
import { readFileSync } from 'node:fs';
import { LockstepError } from './base/errors';

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

function firstLine(text: string): string {
  return text.replace(/\r?\n[\s\S]*$/, '');
}
