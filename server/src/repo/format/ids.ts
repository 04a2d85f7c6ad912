import * as nodeCrypto from 'node:crypto';
import { createHash, randomBytes } from 'node:crypto';

/** A restic ID: 64 lowercase hex characters (SHA-256). */
export type Id = string;

const ID_PATTERN = /^[0-9a-f]{64}$/;

export function isId(value: string): value is Id {
  return ID_PATTERN.test(value);
}

export function sha256Hex(...parts: Uint8Array[]): Id {
  if (parts.length === 1) return sha256(parts[0]).toString('hex');
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/** Node 20.12's one-shot crypto.hash, which skips making a Hash object (a sixth faster on small blobs), or undefined. */
const oneShot = (nodeCrypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer }).hash;

/** SHA-256 of `data`. */
export function sha256(data: Uint8Array): Buffer {
  return oneShot ? oneShot('sha256', data, 'buffer') : createHash('sha256').update(data).digest();
}

export function randomId(): Id {
  return randomBytes(32).toString('hex');
}

/** The short form restic prints (first 8 hex characters). */
export function shortId(id: Id): string {
  return id.slice(0, 8);
}
