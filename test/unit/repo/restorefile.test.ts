import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBlob } from '../../../server/src/repo/blobcodec';
import { cryptoReady, newRandomMasterKey } from '../../../server/src/repo/crypto';
import { BlobNotKeptError, DecodedBlobs, DecodedBlobsMirror, restoreFileHere } from '../../../server/src/repo/restorefile';
import { zstdReady } from '../../../server/src/repo/zstd';

describe('blobs a restoring thread keeps decoded', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lockstep-restorefile-'));
  const key = newRandomMasterKey();
  const meta = { atime: 1_600_000_000, mtime: 1_600_000_000 };
  beforeAll(async () => {
    await Promise.all([cryptoReady(), zstdReady()]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the sender keeps the same account as the thread: the same blobs, whatever their sizes and order', () => {
    const kept = new DecodedBlobs();
    const mirror = new DecodedBlobsMirror();
    const ids = Array.from({ length: 60 }, () => randomBytes(32).toString('hex'));
    const sizes = new Map(ids.map((id, i) => [id, i % 7 === 0 ? 9 << 20 : 1000 + ((i * 7919) % (900 << 10))]));
    for (let step = 0; step < 2000; step++) {
      const id = ids[(step * 31 + (step >> 3)) % ids.length];
      if (!mirror.has(id)) {
        mirror.sent(id, sizes.get(id)!);
        kept.keep(id, Buffer.alloc(sizes.get(id)!));
      }
      for (const other of ids) expect(kept.get(other) !== undefined).toBe(mirror.has(other));
    }
  });

  it('writes a file from a kept blob, and says so when a blob it was not sent is not kept', () => {
    const decoded = new DecodedBlobs();
    const plain = Buffer.from('the same words in many files\n'.repeat(50));
    const blob = encodeBlob(key, plain, true);
    const first = path.join(dir, 'first');
    expect(restoreFileHere(key, { path: Buffer.from(first), sealed: blob.sealed, uncompressedLength: blob.uncompressedLength, expectedId: blob.id, meta, replace: false }, decoded)).toBe(plain.length);
    const second = path.join(dir, 'second');
    expect(restoreFileHere(key, { path: Buffer.from(second), uncompressedLength: blob.uncompressedLength, expectedId: blob.id, meta, replace: false }, decoded)).toBe(plain.length);
    expect(readFileSync(second).equals(plain)).toBe(true);
    expect(() => restoreFileHere(key, { path: Buffer.from(path.join(dir, 'third')), expectedId: 'ab'.repeat(32), meta, replace: false }, decoded)).toThrow(BlobNotKeptError);
  });
});
