// Repository locations as restic spells them, parsed into what each backend needs to connect. Shared: the extension
// checks a location the user types with the same parser the backend connects with.
import * as path from 'node:path';
import { LockstepError } from './errors';

export interface LocalLocation {
  kind: 'local';
  path: string;
}

export interface RestLocation {
  kind: 'rest';
  /** The repository's base URL without credentials, always ending in `/`. */
  url: string;
  username?: string;
  password?: string;
}

export interface SftpLocation {
  kind: 'sftp';
  user?: string;
  host: string;
  port?: number;
  /** Absolute, or relative to the login directory. */
  path: string;
}

export interface S3Location {
  kind: 's3';
  /** `http(s)://host[:port]` of the service. */
  endpoint: string;
  bucket: string;
  /** Object key prefix without a trailing slash; empty for the bucket's root. */
  prefix: string;
}

export type Location = LocalLocation | RestLocation | SftpLocation | S3Location;

const UNSUPPORTED = ['rclone', 'b2', 'azure', 'gs', 'swift'];

function invalid(location: string, why: string): never {
  throw new LockstepError(`invalid repository location "${redactLocation(location)}": ${why}`);
}

/** The location with any password in it replaced, for messages and logs. */
export function redactLocation(location: string): string {
  return location.replace(/^(rest:[a-z]+:\/\/[^/:@]*:)[^/@]*@/i, '$1***@');
}

function parseRest(location: string, rest: string): RestLocation {
  let url: URL;
  try {
    url = new URL(rest);
  } catch {
    invalid(location, 'expected rest:http(s)://[user:pass@]host:port/path');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') invalid(location, 'a REST server is reached over http or https');
  if (url.search || url.hash) invalid(location, 'the URL must not have a query or fragment');
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  url.username = '';
  url.password = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return { kind: 'rest', url: url.toString(), username, password };
}

function parseSftp(location: string, rest: string): SftpLocation {
  if (rest.startsWith('//')) {
    // sftp://user@host:port//abs/path or sftp://user@host:port/relative/path
    const m = /^\/\/(?:([^@/]+)@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/(.*)$/.exec(rest);
    if (!m || m[4] === '') invalid(location, 'expected sftp://user@host:port//absolute/path');
    const port = m[3] === undefined ? undefined : Number(m[3]);
    if (port !== undefined && (port < 1 || port > 65535)) invalid(location, `port ${m[3]} is out of range`);
    return { kind: 'sftp', user: m[1] ? decodeURIComponent(m[1]) : undefined, host: m[2].replace(/^\[|\]$/g, ''), port, path: m[4] };
  }
  // sftp:user@host:/path (scp-like; a relative path is under the login directory)
  const m = /^(?:([^@/]+)@)?(\[[^\]]+\]|[^:/]+):(.+)$/.exec(rest);
  if (!m) invalid(location, 'expected sftp:user@host:/path');
  return { kind: 'sftp', user: m[1], host: m[2].replace(/^\[|\]$/g, ''), path: m[3] };
}

function parseS3(location: string, rest: string): S3Location {
  const withScheme = /^https?:\/\//.test(rest) ? rest : `https://${rest}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    invalid(location, 'expected s3:http(s)://host:port/bucket[/prefix]');
  }
  if (url.username || url.password) invalid(location, 'S3 credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or a profile, not the URL');
  const parts = url.pathname.split('/').filter((p) => p !== '');
  if (parts.length === 0) invalid(location, 'the bucket name is missing (s3:host/bucket)');
  return { kind: 's3', endpoint: `${url.protocol}//${url.host}`, bucket: parts[0], prefix: parts.slice(1).join('/') };
}

/** Parses `/path`, `local:/path`, `rest:…`, `sftp:…`, `s3:…`; other restic backends are a clear error. */
export function parseLocation(location: string): Location {
  const scheme = /^([a-z0-9]+):/.exec(location)?.[1];
  const rest = scheme ? location.slice(scheme.length + 1) : location;
  switch (scheme) {
    case 'rest':
      return parseRest(location, rest);
    case 'sftp':
      return parseSftp(location, rest);
    case 's3':
      return parseS3(location, rest);
    case 'local':
      if (rest === '') invalid(location, 'the path is empty');
      return { kind: 'local', path: path.resolve(rest) };
    default:
      if (scheme && UNSUPPORTED.includes(scheme)) {
        throw new LockstepError(`repository type "${scheme}:" is not supported; Lockstep reaches local folders, rest:, sftp: and s3:`);
      }
      if (location === '') throw new LockstepError('the repository location is empty');
      return { kind: 'local', path: path.resolve(location) };
  }
}
