// The CLI's password: restic's flags and environment, else a prompt on the terminal.
import { LockstepError } from '../base/errors';
import { resolvePassword } from '../password';

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

/**
 * A new key's password as restic asks for it: on a terminal, typed twice; otherwise the first line of stdin.
 */
export async function askNewPassword(): Promise<string> {
  if (!process.stdin.isTTY) return firstLineOfStdin();
  const first = await promptPassword('enter new password: ');
  if ((await promptPassword('enter password again: ')) !== first) throw new LockstepError('passwords do not match');
  return first;
}

async function firstLineOfStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += (chunk as Buffer).toString('utf8');
    if (text.includes('\n')) break;
  }
  const line = text.replace(/\r?\n[\s\S]*$/, '');
  if (line.length === 0) throw new LockstepError('no new password given: use --new-password-file, or type it on a terminal');
  return line;
}
