import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { MasterKey } from '../../server/src/repo/format/crypto';
import { PackedBlob, parsePackHeader } from '../../server/src/repo/format/pack';
import { FinishedPack } from '../../server/src/repo/engine/packfile';

/**
 * A finished pack's file as restic reads it: its length and name (SHA-256) checked, its header parsed and equal to
 * the blobs the writer reported. Returns the bytes and each blob's sealed bytes by ID.
 */
export function readFinishedPack(key: MasterKey, pack: FinishedPack): { blobs: PackedBlob[]; sealed: Map<string, Buffer> } {
  const bytes = readFileSync(pack.path);
  expect(bytes.length).toBe(pack.size);
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(pack.id);
  const blobs = parsePackHeader(key, pack.id, bytes, bytes.length);
  if (!Array.isArray(blobs)) throw new Error('header larger than the pack?');
  expect(blobs).toEqual(pack.blobs);
  return { blobs, sealed: new Map(blobs.map((b) => [b.id, bytes.subarray(b.offset, b.offset + b.length)])) };
}
