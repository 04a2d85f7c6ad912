// OpenSSH known_hosts files: which keys a host may present (plain and hashed names, [host]:port, patterns,
// @revoked/@cert-authority markers), fingerprints as ssh-keygen prints them, and adding a host the user trusts.
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LockstepError } from '../base/errors';

export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The server's host key is not in known_hosts. The fingerprint is what `ssh-keygen -lf` prints; `keyBase64` and
 * `knownHostsFile` are what `appendKnownHost` needs to trust the key once the user has compared fingerprints.
 */
export class UnknownHostKeyError extends LockstepError {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly keyType: string,
    readonly fingerprint: string,
    readonly keyBase64: string,
    readonly knownHostsFile: string,
    shownFile = knownHostsFile,
  ) {
    super(
      `the SFTP server ${hostPort(host, port)} is not a known host (${keyType} key ${fingerprint}); add it to ${shownFile} (ssh-keyscan), ` +
        `or set LOCKSTEP_SFTP_ACCEPT_HOST_KEY=${fingerprint} to trust it`,
    );
  }
}

/** known_hosts holds another key for this server: it was reinstalled, or someone is in the middle. */
export class HostKeyChangedError extends LockstepError {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly keyType: string,
    readonly fingerprint: string,
    knownHostsFile: string,
    revoked = false,
  ) {
    super(
      revoked
        ? `the SFTP server ${hostPort(host, port)} presented a revoked host key (${keyType} key ${fingerprint}); not connecting`
        : `the host key of the SFTP server ${hostPort(host, port)} has changed (now ${keyType} key ${fingerprint}), which may mean someone is ` +
            `intercepting the connection; not connecting. If the server was really reinstalled, remove its old key from ${knownHostsFile} ` +
            `(ssh-keygen -R "${knownHostsName(host, port)}" -f ${knownHostsFile})`,
    );
  }
}

/** `SHA256:…` of a host key blob, as OpenSSH prints it (base64 without padding). */
export function hostKeyFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, …). */
export function blobKeyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** How known_hosts names a server: `host` on port 22, `[host]:port` on any other. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Appends a plain `name keytype key` line to a known_hosts file, creating it (0600) and its folder (0700). */
export function appendKnownHost(file: string, host: string, port: number, keyType: string, keyBase64: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  if (existsSync(file)) {
    const text = readFileSync(file);
    if (text.length > 0 && text[text.length - 1] !== 0x0a) prefix = '\n';
  }
  appendFileSync(file, `${prefix}${knownHostsName(host, port)} ${keyType} ${keyBase64}\n`, { mode: 0o600 });
}

export interface KnownKey {
  marker?: string;
  keyType: string;
  key: Buffer;
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(name);
}

/** Whether a known_hosts host field (comma-separated patterns, `!negations`, or one `|1|salt|hash`) names `name`. */
function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (globMatch(pattern.slice(1), name)) return false;
    } else if (globMatch(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** The keys known_hosts text holds for `name` (revoked keys are returned for any host). */
export function knownKeysFor(text: string, name: string): KnownKey[] {
  const found: KnownKey[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
    if (fields.length < 3) continue;
    const [hosts, keyType, keyBase64] = fields;
    if (marker === '@cert-authority') continue; // host certificates are not supported; such lines vouch for nothing here
    if (marker !== '@revoked' && !hostFieldMatches(hosts, name)) continue;
    found.push({ marker, keyType, key: Buffer.from(keyBase64, 'base64') });
  }
  return found;
}

/** The host key signature algorithms ssh2 offers for a key type. */
export function algorithmsFor(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}

export const DEFAULT_HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
