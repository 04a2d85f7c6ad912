// `npm start`: backs up the current folder into the configured repository, or into a local default one
// (created on first use, with a generated password file), then lists the snapshots.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';

const cli = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..', 'dist', 'cli.js');
const env = { ...process.env };
const dataHome = process.env.XDG_DATA_HOME || path.join(homedir(), '.local', 'share');
const defaultRepo = path.join(dataHome, 'lockstep', 'repo');
const defaultPasswordFile = path.join(dataHome, 'lockstep', 'password');

if (!env.RESTIC_REPOSITORY) {
  env.RESTIC_REPOSITORY = defaultRepo;
  if (!env.RESTIC_PASSWORD && !env.RESTIC_PASSWORD_FILE && !env.RESTIC_PASSWORD_COMMAND) {
    env.RESTIC_PASSWORD_FILE = defaultPasswordFile;
    if (!existsSync(defaultPasswordFile)) {
      mkdirSync(path.dirname(defaultPasswordFile), { recursive: true, mode: 0o700 });
      writeFileSync(defaultPasswordFile, randomBytes(24).toString('base64url') + '\n', { mode: 0o600 });
      console.log(`Generated a password for the default repository in ${defaultPasswordFile} (keep it: without it the backups cannot be read).`);
    }
  }
}

function lockstep(...args) {
  const result = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(path.join(env.RESTIC_REPOSITORY, 'config')) && !/^[a-z0-9]+:/.test(env.RESTIC_REPOSITORY)) {
  lockstep('init');
}
const excludes = env.RESTIC_REPOSITORY === defaultRepo ? [] : ['--exclude', path.resolve(env.RESTIC_REPOSITORY)];
lockstep('backup', ...excludes, '--exclude', 'node_modules', '--exclude', '.git', process.cwd());
lockstep('snapshots');
