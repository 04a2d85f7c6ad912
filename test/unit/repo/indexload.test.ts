import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CorruptFileError } from '../../../server/src/base/errors';
import { IndexFile } from '../../../server/src/repo/format/indexfile';
import { MasterIndex } from '../../../server/src/repo/format/masterindex';
import { PackedBlob } from '../../../server/src/repo/format/pack';
import { prune } from '../../../server/src/ops/prune';
import { BlobWriter } from '../../../server/src/repo/engine/packer';
import { twoClients } from '../lock/setup';

const hex = (text: string): string => createHash('sha256').update(text).digest('hex');
/** An index file listing one pack with one data blob (the pack itself need not exist for these tests). */
const indexOf = (name: string): IndexFile => ({
  supersedes: [],
  packs: [{ id: hex(`pack ${name}`), blobs: [{ type: 'data', id: hex(`blob ${name}`), offset: 0, length: 100 }] }],
});

describe('reading the index while the lock is acquired (checked again once it is held)', () => {
  it('keeps what it read when every index file is still there, and reads the new ones', async () => {
    const { a, b } = await twoClients();
    await b.saveIndex(indexOf('x'));
    a.prefetchIndex(new AbortController().signal);
    await b.saveIndex(indexOf('y')); // a concurrent backup commits
    await a.loadIndex();
    expect(a.index.has('data', hex('blob x'))).toBe(true);
    expect(a.index.has('data', hex('blob y'))).toBe(true);
    expect(a.index.files().length).toBe(2);
  });

  it('forgets the blobs of an index file that has gone (a prune finished in between)', async () => {
    const { a, b } = await twoClients();
    const x = await b.saveIndex(indexOf('x'));
    a.prefetchIndex(new AbortController().signal);
    await a.loadIndex(); // as if the prefetch had finished before the prune
    expect(a.index.has('data', hex('blob x'))).toBe(true);
    // The prune writes its new index, then removes the old one (and the packs only it listed).
    const y = await b.saveIndex(indexOf('y'));
    await b.backend.remove({ type: 'index', name: x });
    await a.loadIndex();
    expect(a.index.has('data', hex('blob x'))).toBe(false);
    expect(a.index.packTable().has(hex('pack x'))).toBe(false);
    expect(a.index.has('data', hex('blob y'))).toBe(true);
    expect(a.index.files()).toEqual([y]);
  });

  it('a read stuck on a hung backend holds loadIndex no longer than the signal it is given (the lock)', async () => {
    const { a, b, faulty } = await twoClients();
    await b.saveIndex(indexOf('x'));
    let release: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => (release = resolve));
    faulty.fault = (op, type) => (op === 'load' && type === 'index' ? hung : undefined);
    a.prefetchIndex(new AbortController().signal); // the early read knows nothing of the lock
    const lock = new AbortController();
    const loading = a.loadIndex(lock.signal);
    setTimeout(() => lock.abort(new Error('lock lost')), 50);
    const started = Date.now();
    await expect(loading).rejects.toThrow('lock lost');
    expect(Date.now() - started).toBeLessThan(1000);
    release();
  });

  it('leaves the errors of the early read to loadIndex: a damaged index file still fails there', async () => {
    const { a, b, storage } = await twoClients();
    const x = await b.saveIndex(indexOf('x'));
    const damaged = Buffer.from(storage.files.get(`index/${x}`) ?? Buffer.alloc(0));
    damaged[damaged.length - 1] ^= 1;
    storage.files.set(`index/${x}`, damaged);
    a.prefetchIndex(new AbortController().signal);
    await expect(a.loadIndex()).rejects.toBeInstanceOf(CorruptFileError);
  });
});

describe('the index a session keeps between operations, brought up to date by each', () => {
  const indexLoads = (calls: { op: string; type: string; name?: string }[]): string[] => calls.filter((c) => c.op === 'load' && c.type === 'index').map((c) => c.name ?? '');

  it('reads only the index files it has not read, and forgets a gone one while a blob another file lists stays', async () => {
    const { a, b, faulty } = await twoClients();
    const x = await b.saveIndex(indexOf('x'));
    await a.loadIndex();
    expect(indexLoads(faulty.calls)).toEqual([x]);

    // Another client's backup adds y; a prune (elsewhere) then rewrites x's pack into z, which also lists y's blob.
    const y = await b.saveIndex(indexOf('y'));
    faulty.calls.length = 0;
    await a.loadIndex();
    expect(indexLoads(faulty.calls)).toEqual([y]);
    const z = await b.saveIndex({ supersedes: [], packs: [{ id: hex('pack z'), blobs: [{ type: 'data', id: hex('blob y'), offset: 0, length: 100 }] }] });
    await b.backend.remove({ type: 'index', name: x });
    await b.backend.remove({ type: 'index', name: y });
    faulty.calls.length = 0;
    await a.loadIndex();
    expect(indexLoads(faulty.calls)).toEqual([z]);
    expect(a.index.has('data', hex('blob x'))).toBe(false);
    expect(a.index.lookup('data', hex('blob y'))?.packId).toBe(hex('pack z'));
    expect([...a.index.packTable().keys()]).toEqual([hex('pack z')]);
    expect(a.index.files()).toEqual([z]);

    // Nothing changed: one listing, no index file read.
    faulty.calls.length = 0;
    await a.loadIndex();
    expect(faulty.calls.map((c) => `${c.op} ${c.type}`)).toEqual(['list index']);
  });

  it('has the blobs a writer stored only once their index file is written (other operations share it)', async () => {
    const { a } = await twoClients();
    const lost = new BlobWriter(a, { compress: true, threads: 0 });
    const tree = await lost.save('tree', Buffer.from('{"nodes":[]}\n'));
    await lost.flushPacks(); // the pack is stored; its index file is never written (a lock lost, say)
    expect(lost.has('tree', tree.id)).toBe(true);
    expect(a.index.has('tree', tree.id)).toBe(false);
    await lost.close();

    const committed = new BlobWriter(a, { compress: true, threads: 0 });
    await committed.save('tree', Buffer.from('{"nodes":[]}\n'));
    const indexIds = await committed.commitIndex();
    await committed.close();
    expect(a.index.has('tree', tree.id)).toBe(true);
    expect(indexIds).toHaveLength(1);
    expect(a.index.files()).toEqual(indexIds);
  });

  it('costs at most 64 bytes per blob', () => {
    const index = new MasterIndex();
    const blobs = 100_000;
    for (let pack = 0; pack < blobs / 1000; pack++) {
      const packed: PackedBlob[] = [];
      for (let i = 0; i < 1000; i++) packed.push({ type: i % 50 === 0 ? 'tree' : 'data', id: hex(`${pack}/${i}`), offset: i * 1000, length: 1000, uncompressedLength: 2000 });
      index.add({ supersedes: [], packs: [{ id: hex(`pack ${pack}`), blobs: packed }] }, hex(`index ${pack}`));
    }
    expect(index.blobCount).toBe(blobs);
    expect(index.memoryBytes / blobs).toBeLessThanOrEqual(64);
  });
});

describe("this process's own prune", () => {
  it('leaves the index it keeps as the repository now has it, without reading index/ again', async () => {
    const { a, b, faulty } = await twoClients();
    // With no snapshot, every pack is unused: prune deletes both and writes an empty index.
    for (const name of ['x', 'y']) {
      await b.backend.save({ type: 'data', name: hex(`pack ${name}`) }, Buffer.alloc(100));
      await b.saveIndex(indexOf(name));
    }
    await a.loadIndex();
    expect(a.index.blobCount).toBe(2);
    faulty.calls.length = 0;
    await prune(a);
    expect(faulty.calls.filter((c) => c.op === 'load' && c.type === 'index')).toEqual([]);
    expect(a.index.blobCount).toBe(0);
    expect(a.index.files()).toEqual(await a.listIds('index'));
  });
});
