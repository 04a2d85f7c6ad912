import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBlobBytes } from '../../../server/src/repo/blobcodec';
import { cryptoReady, newRandomMasterKey } from '../../../server/src/repo/crypto';
import { sha256Hex } from '../../../server/src/repo/ids';
import { encodeSmallFile, readSmallFile } from '../../../server/src/repo/smallfile';
import { zstdReady } from '../../../server/src/repo/zstd';

describe('small files read whole (as the backup workers read them)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lockstep-smallfile-'));
  const key = newRandomMasterKey();
  const limit = 1000;
  const file = (name: string, data: Buffer): Buffer => {
    writeFileSync(path.join(dir, name), data);
    return Buffer.from(path.join(dir, name));
  };
  beforeAll(async () => {
    await Promise.all([cryptoReady(), zstdReady()]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads files below the limit into the given buffer, and leaves files at or above it unread', () => {
    const scratch = Buffer.alloc(limit + 1);
    const below = randomBytes(limit - 1);
    expect(readSmallFile(file('below', below), limit, scratch)?.equals(below)).toBe(true);
    expect(readSmallFile(file('empty', Buffer.alloc(0)), limit, scratch)?.length).toBe(0);
    expect(readSmallFile(file('at', randomBytes(limit)), limit, scratch)).toBeUndefined();
    expect(readSmallFile(file('above', randomBytes(limit * 3)), limit, scratch)).toBeUndefined();
  });

  it('encodes a file as the blob of its bytes, and says when it is empty, too large or unreadable', () => {
    const text = Buffer.from('lockstep '.repeat(100));
    const outcome = encodeSmallFile(key, file('text', text), true, limit);
    if (outcome.kind !== 'blob') throw new Error(`expected a blob, got ${outcome.kind}`);
    expect(outcome.length).toBe(text.length);
    expect(outcome.blob.id).toBe(sha256Hex(text));
    expect(outcome.blob.uncompressedLength).toBe(text.length);
    expect(decodeBlobBytes(key, outcome.blob.sealed, outcome.blob.uncompressedLength, outcome.blob.id).equals(text)).toBe(true);
    // The next file reuses the read buffer: the first blob must not change under it.
    const other = encodeSmallFile(key, file('other', randomBytes(500)), true, limit);
    expect(other.kind).toBe('blob');
    expect(decodeBlobBytes(key, outcome.blob.sealed, outcome.blob.uncompressedLength, outcome.blob.id).equals(text)).toBe(true);

    expect(encodeSmallFile(key, file('empty2', Buffer.alloc(0)), true, limit)).toEqual({ kind: 'empty' });
    expect(encodeSmallFile(key, file('big', randomBytes(limit)), true, limit)).toEqual({ kind: 'unread' });
    expect(() => encodeSmallFile(key, Buffer.from(path.join(dir, 'missing')), true, limit)).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'open' }));
    expect(() => encodeSmallFile(key, Buffer.from(dir), true, 1 << 20)).toThrow(expect.objectContaining({ code: 'EISDIR', syscall: 'read' }));
  });
});
