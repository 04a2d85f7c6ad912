import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CorruptFileError } from '../../../server/src/base/errors';
import { IndexFile } from '../../../server/src/repo/format/indexfile';
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
