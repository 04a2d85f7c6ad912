import { Backend } from './backend';
import { LocalBackend } from './local';
import { parseLocation } from '../../../shared/src/location';
import { RestBackend } from './rest';
import { S3Backend } from './s3';
import { SftpBackend } from './sftp';

/** The backend for a repository location as restic spells it (`/path`, `local:`, `rest:`, `sftp:`, `s3:`). */
export function openBackend(location: string, env: NodeJS.ProcessEnv = process.env, log: (message: string) => void = () => undefined): Backend {
  const parsed = parseLocation(location);
  switch (parsed.kind) {
    case 'local':
      return new LocalBackend(parsed.path);
    case 'rest':
      return new RestBackend(parsed, env, log);
    case 'sftp':
      return new SftpBackend(parsed, env, log);
    case 's3':
      return new S3Backend(parsed, env, log);
  }
}
