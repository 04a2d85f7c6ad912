import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newRandomMasterKey } from '../../../server/src/repo/format/crypto';
import { sha256Hex } from '../../../server/src/repo/format/ids';
import { FinishedPack, PackFileWriter } from '../../../server/src/repo/engine/packfile';
import { readFinishedPack } from '../../helpers/packfiles';

const key = newRandomMasterKey();
const KIB = 1024;

describe('pack files written blob by blob', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lockstep-packfile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds every blob at the offset its header says, whatever the mix of small and large blobs, and is named by its hash', () => {
    const writer = new PackFileWriter(key, path.join(dir, 'mix-tmp-'), 1024 * KIB);
    // Around the write buffer's 256 KiB: many small blobs gathered into one write, blobs just under, at and over
    // it, and a blob larger than the pack size.
    // Sealed blobs have at least 32 bytes (IV and MAC).
    const sizes = [32, 49, 4 * KIB, 256 * KIB - 1, 35, 256 * KIB, 256 * KIB + 1, 100 * KIB, 3000 * KIB, 44, 200 * KIB, 60 * KIB];
    for (let i = 0; i < 200; i++) sizes.push(32 + ((i * 7919) % (9 * KIB)));
    const blobs = sizes.map((size) => randomBytes(size));
    const finished: FinishedPack[] = [];
    // Every other blob is made in the pack's own memory (addWritten), as a thread seals it there.
    blobs.forEach((blob, i) => {
      const pack = i % 2 === 0 ? writer.add('data', sha256Hex(blob), blob) : writer.addWritten('data', sha256Hex(blob), blob.length, (into) => blob.copy(into));
      if (pack) finished.push(pack);
    });
    const last = writer.finish();
    if (last) finished.push(last);
    expect(finished.length).toBeGreaterThan(2);

    const found = new Map<string, Buffer>();
    for (const pack of finished) for (const [id, sealed] of readFinishedPack(key, pack).sealed) found.set(id, sealed);
    expect(found.size).toBe(blobs.length);
    for (const blob of blobs) expect(found.get(sha256Hex(blob))?.equals(blob)).toBe(true);
  });

  it('leaves no file behind when the open pack is discarded, written or still in the buffer', () => {
    const writer = new PackFileWriter(key, path.join(dir, 'drop-tmp-'), 2048 * KIB);
    writer.add('tree', sha256Hex(Buffer.from('a')), randomBytes(100));
    writer.addWritten('tree', sha256Hex(Buffer.from('b')), 300 * KIB, (into) => into.fill(7));
    writer.add('tree', sha256Hex(Buffer.from('c')), randomBytes(100));
    expect(readdirSync(dir).filter((n) => n.startsWith('drop-'))).toHaveLength(1);
    writer.discard();
    expect(readdirSync(dir).filter((n) => n.startsWith('drop-'))).toEqual([]);
    expect(existsSync(path.join(dir, 'drop-tmp-0'))).toBe(false);
    expect(writer.finish()).toBeUndefined();
  });
});
