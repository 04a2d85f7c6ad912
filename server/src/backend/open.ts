import { LockstepError } from '../errors';
import { Backend } from './backend';
import { LocalBackend } from './local';
import { parseLocation } from './location';
import { RestBackend } from './rest';

/** The backend for a repository location as restic spells it (`/path`, `local:`, `rest:`, `sftp:`, `s3:`). */
export function openBackend(location: string, env: NodeJS.ProcessEnv = process.env, log: (message: string) => void = () => undefined): Backend {
  const parsed = parseLocation(location);
  switch (parsed.kind) {
    case 'local':
      return new LocalBackend(parsed.path);
    case 'rest':
      return new RestBackend(parsed, env, log);
    case 'sftp':
    case 's3':
      throw new LockstepError(`${parsed.kind}: repositories are not supported yet`);
  }
}
