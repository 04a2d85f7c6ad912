import * as path from 'node:path';
import { LockstepError } from '../errors';
import { Backend } from './backend';
import { LocalBackend } from './local';

const REMOTE_SCHEMES = ['rest', 'sftp', 's3', 'rclone', 'b2', 'azure', 'gs', 'swift'];

/** The backend for a repository location as restic spells it (`/path`, `local:/path`, …). */
export function openBackend(location: string): Backend {
  const scheme = /^([a-z0-9]+):/.exec(location)?.[1];
  if (scheme && REMOTE_SCHEMES.includes(scheme)) {
    throw new LockstepError(`repository type "${scheme}:" is not supported yet; use a local folder`);
  }
  const local = scheme === 'local' ? location.slice('local:'.length) : location;
  if (local.length === 0) throw new LockstepError('the repository location is empty');
  return new LocalBackend(path.resolve(local));
}
