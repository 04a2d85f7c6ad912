// `npm start`: backs up the folder it is run from (npm's INIT_CWD, so a subfolder counts) into the configured
// repository, or into a local default one (created on first use, with a generated password file), leaving out
// node_modules, .git and the bundles Lockstep itself has just rebuilt; lists the snapshots; then says what to type
// next, with the repository and password filled in.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..');
const cli = path.join(root, 'dist', 'cli.js');
const env = { ...process.env };
const dataHome = process.env.XDG_DATA_HOME || path.join(homedir(), '.local', 'share');
const defaultRepo = path.join(dataHome, 'lockstep', 'repo');
const defaultPasswordFile = path.join(dataHome, 'lockstep', 'password');
const folder = path.resolve(process.env.INIT_CWD || process.cwd());

if (!env.RESTIC_REPOSITORY && !env.RESTIC_REPOSITORY_FILE) {
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

const repository = env.RESTIC_REPOSITORY;
const isLocal = repository !== undefined && !/^[a-z0-9]+:/.test(repository);
if (isLocal && !existsSync(path.join(repository, 'config'))) lockstep('init');
const excludes = ['node_modules', '.git', path.join(root, 'dist')];
if (isLocal) excludes.push(path.resolve(repository));
lockstep('backup', ...excludes.flatMap((e) => ['--exclude', e]), folder);
lockstep('snapshots');

const quote = (word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`);
const where = repository !== undefined ? `-r ${quote(repository)}` : `--repository-file ${quote(env.RESTIC_REPOSITORY_FILE)}`;
const password = env.RESTIC_PASSWORD_FILE ? ` --password-file ${quote(env.RESTIC_PASSWORD_FILE)}` : '';
const base = `npx lockstep ${where}${password}`;
console.log(['', 'Next, for example:', `  ${base} snapshots`, `  ${base} ls latest`, `  ${base} restore latest --target /tmp/lockstep-restore`].join('\n'));
