import { createHash, randomBytes } from 'node:crypto';

/** A restic ID: 64 lowercase hex characters (SHA-256). */
export type Id = string;

const ID_PATTERN = /^[0-9a-f]{64}$/;

export function isId(value: string): value is Id {
  return ID_PATTERN.test(value);
}

export function sha256Hex(...parts: Uint8Array[]): Id {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

export function randomId(): Id {
  return randomBytes(32).toString('hex');
}

/** The short form restic prints (first 8 hex characters). */
export function shortId(id: Id): string {
  return id.slice(0, 8);
}
