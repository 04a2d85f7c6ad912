import { CachedBackend, cacheRoot, CacheSettings } from './cache';
import { Backend } from './backend';
import { LocalBackend } from './local';
import { parseLocation } from '../../../shared/src/location';
import { RestBackend } from './rest';
import { S3Backend } from './s3';
import { SftpBackend } from './sftp';

/** The backend for a repository location as restic spells it (`/path`, `local:`, `rest:`, `sftp:`, `s3:`). */
export function openBackend(location: string, env: NodeJS.ProcessEnv = process.env, log: (message: string) => void = () => undefined, cache: CacheSettings = {}): Backend {
  const parsed = parseLocation(location);
  if (parsed.kind === 'local') return new LocalBackend(parsed.path);
  const remote = parsed.kind === 'rest' ? new RestBackend(parsed, env, log) : parsed.kind === 'sftp' ? new SftpBackend(parsed, env, log) : new S3Backend(parsed, env, log);
  // A remote repository's index and snapshots are kept in a local cache (restic's --cache-dir, --no-cache).
  const root = cacheRoot(cache, env);
  return root === undefined ? remote : new CachedBackend(remote, root);
}
