import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBlobBytes } from '../../../server/src/repo/format/blobcodec';
import { cryptoReady, newRandomMasterKey } from '../../../server/src/repo/format/crypto';
import { DataPackStore } from '../../../server/src/repo/engine/datastore';
import { sha256Hex } from '../../../server/src/repo/format/ids';
import { buildIndexedIds, IndexedIds } from '../../../server/src/repo/engine/indexedids';
import { FinishedPack } from '../../../server/src/repo/engine/packfile';
import { readFinishedPack } from '../../helpers/packfiles';
import { zstdReady } from '../../../server/src/repo/format/zstd';

const key = newRandomMasterKey();
const LIMIT = 512 * 1024;

/** The blobs of a finished pack, read back from its file as restic reads them: header, then each blob opened and checked. */
function readPack(pack: FinishedPack): Map<string, Buffer> {
  const { blobs, sealed } = readFinishedPack(key, pack);
  return new Map(blobs.map((b) => [b.id, decodeBlobBytes(key, sealed.get(b.id) ?? Buffer.alloc(0), b.uncompressedLength, b.id)]));
}

describe('data blobs stored into pack files by the thread that reads them', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lockstep-datastore-'));
  const file = (name: string, data: Buffer): Buffer => {
    writeFileSync(path.join(dir, name), data);
    return Buffer.from(path.join(dir, name));
  };
  const newStore = (name: string, packSize = 16 << 20): DataPackStore => new DataPackStore(key, { compress: true, packSize, pathPrefix: path.join(dir, `${name}-tmp-`) });
  beforeAll(async () => {
    await Promise.all([cryptoReady(), zstdReady()]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores a file once: its blob is in the pack, compressed when that helps; a second copy is only hashed', () => {
    const store = newStore('once');
    const text = Buffer.from('lockstep '.repeat(3000));
    const random = randomBytes(40_000);
    expect(store.storeFile(file('text', text), LIMIT)).toEqual({ kind: 'stored', id: sha256Hex(text), length: text.length });
    expect(store.storeFile(file('text-again', text), LIMIT)).toEqual({ kind: 'seen', id: sha256Hex(text), length: text.length });
    expect(store.storeFile(file('random', random), LIMIT)).toEqual({ kind: 'stored', id: sha256Hex(random), length: random.length });
    expect(store.storeFile(file('empty', Buffer.alloc(0)), LIMIT)).toEqual({ kind: 'empty' });
    expect(store.storeFile(file('big', randomBytes(2000)), 1000)).toEqual({ kind: 'unread' });
    expect(() => store.storeFile(Buffer.from(path.join(dir, 'missing')), LIMIT)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(store.takeFinished()).toEqual([]);
    store.flush();
    const [pack] = store.takeFinished();
    expect(pack.blobs.map((b) => [b.id, b.uncompressedLength])).toEqual([
      [sha256Hex(text), text.length],
      [sha256Hex(random), undefined],
    ]);
    expect(pack.blobs[0].length).toBeLessThan(text.length / 10);
    const blobs = readPack(pack);
    expect(blobs.get(sha256Hex(text))?.equals(text)).toBe(true);
    expect(blobs.get(sha256Hex(random))?.equals(random)).toBe(true);
    store.flush();
    expect(store.takeFinished()).toEqual([]);
  });

  it('finishes a pack once it reaches the pack size, and starts the next', () => {
    const store = newStore('sizes', 100_000);
    const chunks = Array.from({ length: 7 }, () => randomBytes(30_000));
    for (const chunk of chunks) expect(store.store(chunk).kind).toBe('stored');
    const full = store.takeFinished();
    expect(full.map((p) => p.blobs.length)).toEqual([4]);
    store.flush();
    const packs = [...full, ...store.takeFinished()];
    expect(packs.map((p) => p.blobs.length)).toEqual([4, 3]);
    const stored = new Map(packs.flatMap((p) => [...readPack(p)]));
    for (const chunk of chunks) expect(stored.get(sha256Hex(chunk))?.equals(chunk)).toBe(true);
  });

  it('says "indexed" for a blob the index probably has, and stores it when forced', () => {
    const store = newStore('indexed');
    const data = randomBytes(5000);
    const other = randomBytes(5000);
    store.setIndexed(buildIndexedIds([sha256Hex(data), randomBytes(32).toString('hex')], 2));
    expect(store.store(data)).toEqual({ kind: 'indexed', id: sha256Hex(data) });
    expect(store.store(other).kind).toBe('stored');
    expect(store.store(data, true)).toEqual({ kind: 'stored', id: sha256Hex(data) });
    expect(store.store(data)).toEqual({ kind: 'seen', id: sha256Hex(data) });
    store.flush();
    expect([...readPack(store.takeFinished()[0]).keys()]).toEqual([sha256Hex(other), sha256Hex(data)]);
  });

  it('removes the open pack file when discarded', () => {
    const store = newStore('discard');
    store.store(randomBytes(1000));
    expect(readdirSync(dir).filter((n) => n.startsWith('discard-tmp-'))).toHaveLength(1);
    store.discard();
    expect(readdirSync(dir).filter((n) => n.startsWith('discard-tmp-'))).toEqual([]);
    store.flush();
    expect(store.takeFinished()).toEqual([]);
  });

  it('does not compress in repositories without compression', () => {
    const store = new DataPackStore(key, { compress: false, packSize: 1 << 20, pathPrefix: path.join(dir, 'plain-tmp-') });
    const text = Buffer.from('abc'.repeat(10_000));
    store.store(text);
    store.flush();
    const [pack] = store.takeFinished();
    expect(pack.blobs[0].uncompressedLength).toBeUndefined();
    expect(readPack(pack).get(sha256Hex(text))?.equals(text)).toBe(true);
    expect(existsSync(pack.path)).toBe(true);
  });
});

describe("the index's data blob IDs as a shared table", () => {
  it('finds every ID it was built from, and very few others', () => {
    const ids = Array.from({ length: 5000 }, () => randomBytes(32).toString('hex'));
    const table = new IndexedIds(buildIndexedIds(ids, ids.length));
    for (const id of ids) expect(table.mayHave(Buffer.from(id, 'hex'))).toBe(true);
    let hits = 0;
    for (let i = 0; i < 5000; i++) if (table.mayHave(randomBytes(32))) hits++;
    expect(hits).toBe(0);
    expect(new IndexedIds(buildIndexedIds([], 0)).mayHave(randomBytes(32))).toBe(false);
  });
});
