import { describe, expect, it } from 'vitest';
import { ByteBoundedCache } from '../../../server/src/repo/caches';

describe('the tree cache, bounded by bytes', () => {
  it('drops the least recently used trees once their bytes pass the bound, and keeps copies of its own', () => {
    const cache = new ByteBoundedCache(1000);
    const pack = Buffer.alloc(600, 7);
    cache.set('a', pack.subarray(0, 200));
    cache.set('b', Buffer.alloc(200, 2));
    cache.set('c', Buffer.alloc(200, 3));
    expect(cache.get('a')?.buffer.byteLength).toBe(200); // not the pack it was read from
    cache.set('d', Buffer.alloc(200, 4));
    cache.set('e', Buffer.alloc(200, 5)); // 1,000 bytes: all fit
    cache.set('f', Buffer.alloc(200, 6)); // b is the least recently used ('a' was read)
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.[0]).toBe(7);
    expect(cache.size).toBe(1000);
    cache.set('huge', Buffer.alloc(300)); // more than a quarter of the bound: not kept
    expect(cache.get('huge')).toBeUndefined();
    cache.retain((id) => id !== 'a');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(800);
  });
});
