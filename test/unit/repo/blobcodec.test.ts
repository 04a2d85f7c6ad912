import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBlobBytes, encodeBlob, openBlob } from '../../../server/src/repo/format/blobcodec';
import { cryptoReady, newRandomMasterKey } from '../../../server/src/repo/format/crypto';
import { sha256Hex } from '../../../server/src/repo/format/ids';
import { zstdReady } from '../../../server/src/repo/format/zstd';

describe('blob encoding: compress what shrinks, store random data as it is', () => {
  beforeAll(async () => {
    await Promise.all([cryptoReady(), zstdReady()]);
  });
  const key = newRandomMasterKey();
  const text = Buffer.from('the quick brown fox jumps over the lazy dog\n'.repeat(2000));

  it.each([
    ['text, 88 KiB', text, true],
    ['random, 8 KiB', randomBytes(8192), false],
    ['random, 300 KiB (larger than the probe)', randomBytes(300 * 1024), false],
    ['random bytes followed by text (judged by slices across the blob)', Buffer.concat([randomBytes(4096), text]), true],
    ['text followed by random bytes, 90 KiB', Buffer.concat([text.subarray(0, 10_000), randomBytes(80 * 1024)]), false],
    ['random, 600 bytes (too short to judge: tried, and kept uncompressed as it does not shrink)', randomBytes(600), false],
  ])('%s', (_name, plain, compressed) => {
    const encoded = encodeBlob(key, plain, true);
    expect(encoded.id).toBe(sha256Hex(plain));
    expect(encoded.uncompressedLength !== undefined).toBe(compressed);
    if (compressed) expect(encoded.sealed.length).toBeLessThan(plain.length / 2);
    expect(decodeBlobBytes(key, encoded.sealed, encoded.uncompressedLength, encoded.id).equals(plain)).toBe(true);
  });

  it('does not compress when not asked (repository version 1)', () => {
    expect(encodeBlob(key, text, false).uncompressedLength).toBeUndefined();
  });

  it('seals into memory it is given (shared, as the backup arena gives it), and refuses memory that is too small', () => {
    const plain = randomBytes(10_000);
    const into = Buffer.from(new SharedArrayBuffer(20_000), 5_000, 10_032);
    const encoded = encodeBlob(key, plain, false, into);
    expect(encoded.sealed.buffer).toBe(into.buffer);
    expect(encoded.sealed.byteOffset).toBe(5_000);
    expect(encoded.sealed.length).toBe(10_032);
    expect(decodeBlobBytes(key, encoded.sealed, undefined, encoded.id).equals(plain)).toBe(true);
    expect(() => encodeBlob(key, plain, false, into.subarray(0, 10_031))).toThrow(/too small/);
  });

  it('opens blobs without their hash checked where the caller checks it, and refuses a damaged one', () => {
    const plain = Buffer.concat([randomBytes(3 << 20), text]);
    const encoded = encodeBlob(key, plain, true);
    expect(openBlob(key, encoded.sealed, encoded.uncompressedLength, false).equals(plain)).toBe(true);
    const raw = encodeBlob(key, plain, false);
    const sealed = Buffer.from(raw.sealed);
    const opened = openBlob(key, sealed, undefined, true);
    expect(opened.equals(plain)).toBe(true);
    expect(opened.buffer).toBe(sealed.buffer); // decrypted where it lay
    const damaged = Buffer.from(encoded.sealed);
    damaged[100] ^= 1;
    expect(() => openBlob(key, damaged, encoded.uncompressedLength, false)).toThrow(expect.objectContaining({ problem: 'mac' }));
  });

});
