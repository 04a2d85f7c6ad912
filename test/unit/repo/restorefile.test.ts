import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBlob } from '../../../server/src/repo/blobcodec';
import { cryptoReady, newRandomMasterKey } from '../../../server/src/repo/crypto';
import { BlobNotKeptError, DecodedBlobs, restoreFileHere } from '../../../server/src/repo/restorefile';
import { zstdReady } from '../../../server/src/repo/zstd';

describe('blobs a restoring thread keeps decoded', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lockstep-restorefile-'));
  const key = newRandomMasterKey();
  const meta = { atime: 1_600_000_000, mtime: 1_600_000_000 };
  beforeAll(async () => {
    await Promise.all([cryptoReady(), zstdReady()]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the last 8 MiB of blobs, the oldest given up first, and never one larger than that', () => {
    const kept = new DecodedBlobs();
    const id = (n: number): string => n.toString(16).padStart(64, '0');
    for (let n = 0; n < 10; n++) kept.keep(id(n), Buffer.alloc(1 << 20, n));
    expect([...Array(10).keys()].filter((n) => kept.get(id(n)) !== undefined)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    kept.keep(id(99), Buffer.alloc(9 << 20));
    expect(kept.get(id(99))).toBeUndefined();
    expect(kept.get(id(9))?.[0]).toBe(9);
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
