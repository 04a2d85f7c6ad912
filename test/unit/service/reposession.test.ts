import { describe, expect, it } from 'vitest';
import { WrongPasswordError } from '../../../server/src/base/errors';
import { placeOf, RepositorySession, treeCacheBytesFromEnv } from '../../../server/src/service/reposession';
import { MemoryBackend } from '../../helpers/memory-backend';
import { PASSWORD, twoClients } from '../lock/setup';

describe('the repository a backend keeps open between operations', () => {
  it('opens once; reopens over the same connection, caches kept, when its key file is gone; a wrong password is refused', async () => {
    const { storage, b } = await twoClients();
    let opened = 0;
    const session = new RepositorySession();
    const access = (password: string) => ({ place: placeOf('memory:', {}), password, openBackend: () => (opened++, storage) });
    const first = await session.acquire(access(PASSWORD));
    await first.release();
    const again = await session.acquire(access(PASSWORD));
    expect(again.repo).toBe(first.repo);
    await again.release();

    // key passwd elsewhere: a new key file for the same master key, the old one removed.
    const newKey = await b.addKey('new password', { N: 1024, r: 8, p: 1 });
    await storage.remove({ type: 'keys', name: first.repo.keyId });
    await expect(session.acquire(access(PASSWORD))).rejects.toBeInstanceOf(WrongPasswordError);
    const reopened = await session.acquire(access('new password'));
    expect(reopened.repo.keyId).toBe(newKey);
    expect(reopened.repo.caches).toBe(first.repo.caches);
    expect(opened).toBe(1);
    await reopened.release();
  });

  it('opens afresh, closing the old connection once unused, when the location or settings change', async () => {
    const { storage } = await twoClients();
    const closed: string[] = [];
    const backend = (name: string): MemoryBackend => Object.assign(Object.create(storage) as MemoryBackend, { close: async () => void closed.push(name) });
    const session = new RepositorySession();
    const first = await session.acquire({ place: placeOf('memory:', { AWS_REGION: 'a' }), password: PASSWORD, openBackend: () => backend('first') });
    const second = await session.acquire({ place: placeOf('memory:', { AWS_REGION: 'b' }), password: PASSWORD, openBackend: () => backend('second') });
    expect(second.repo).not.toBe(first.repo);
    expect(closed).toEqual([]); // the first is still in use
    await first.release();
    expect(closed).toEqual(['first']);
    await second.release();
    expect(placeOf('memory:', { RESTIC_PASSWORD: 'x' })).toBe(placeOf('memory:', {}));
    expect(() => treeCacheBytesFromEnv({ LOCKSTEP_TREE_CACHE_MB: 'lots' })).toThrow(/LOCKSTEP_TREE_CACHE_MB/);
    expect(treeCacheBytesFromEnv({ LOCKSTEP_TREE_CACHE_MB: '2' })).toBe(2 * 1024 * 1024);
  });

  it('at rest gives back the trees it read and keeps the index; not while an operation runs', async () => {
    const { storage } = await twoClients();
    const session = new RepositorySession();
    const access = { place: placeOf('memory:', {}), password: PASSWORD, openBackend: () => storage };
    const lease = await session.acquire(access);
    const { caches } = lease.repo;
    await lease.repo.loadIndex();
    const indexed = caches.index.blobCount;
    caches.trees.set('ab'.repeat(32), Buffer.from('{"nodes":[]}\n'));
    session.releaseIdle();
    expect(caches.trees.size).toBeGreaterThan(0);
    await lease.release();
    session.releaseIdle();
    expect(caches.trees.size).toBe(0);
    expect(caches.trees.get('ab'.repeat(32))).toBeUndefined();
    expect(caches.index.blobCount).toBe(indexed);
  });
});

