// restic's global flags and the environment variables behind them, resolved once for every command.
import { readFileSync } from 'node:fs';
import { LockstepError } from '../base/errors';
import { flagBool, flagCount, flagString, ParsedArgs } from './args';

export interface GlobalSettings {
  /** --quiet: no progress, no result lines beyond errors. */
  quiet: boolean;
  /** --verbose: 0, 1 (-v) or 2 and more (-vv). */
  verbose: number;
  /** --cache-dir or RESTIC_CACHE_DIR, when given. */
  cacheDir?: string;
  /** --no-cache. */
  noCache: boolean;
}

export function globalSettings(args: ParsedArgs, env: NodeJS.ProcessEnv): GlobalSettings {
  const quiet = flagBool(args, 'quiet');
  const verbose = flagCount(args, 'verbose');
  if (quiet && verbose > 0) throw new LockstepError('--quiet and --verbose cannot be specified at the same time');
  return { quiet, verbose, cacheDir: flagString(args, 'cache-dir') ?? (env.RESTIC_CACHE_DIR || undefined), noCache: flagBool(args, 'no-cache') };
}

/**
 * The repository's location as restic finds it: -r/--repo, else --repository-file (the file's first line), else
 * RESTIC_REPOSITORY, else RESTIC_REPOSITORY_FILE. A location and a file given the same way is an error.
 */
export function repositoryLocation(args: ParsedArgs, env: NodeJS.ProcessEnv): string {
  const flagRepo = flagString(args, 'repo');
  const flagFile = flagString(args, 'repository-file');
  if (flagRepo !== undefined && flagFile !== undefined) throw new LockstepError('Options -r and --repository-file are mutually exclusive, please specify only one');
  if (flagRepo) return flagRepo;
  if (flagFile) return readLocationFile(flagFile);
  if (env.RESTIC_REPOSITORY) return env.RESTIC_REPOSITORY;
  if (env.RESTIC_REPOSITORY_FILE) return readLocationFile(env.RESTIC_REPOSITORY_FILE);
  throw new LockstepError('Please specify repository location (-r or --repository-file)');
}

function readLocationFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LockstepError(code === 'ENOENT' ? `${file} does not exist` : `unable to read the repository file ${file}: ${code ?? String(err)}`);
  }
  const location = text.trim();
  if (!location) throw new LockstepError(`the repository file ${file} is empty`);
  return location;
}
