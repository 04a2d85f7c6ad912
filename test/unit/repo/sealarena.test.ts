import { describe, expect, it } from 'vitest';
import { SealArena } from '../../../server/src/repo/sealarena';

describe('the arena sealed blobs are written into', () => {
  it('hands out disjoint shared views, and reuses a slab once every view in it is given back', () => {
    const arena = new SealArena(100);
    const a = arena.reserve(40)!;
    const b = arena.reserve(40)!;
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.buffer).toBe(b.buffer);
    expect(b.byteOffset).toBe(a.byteOffset + 40);
    const c = arena.reserve(40)!; // does not fit: a second slab
    expect(c.buffer).not.toBe(a.buffer);
    arena.release(a);
    expect(arena.reserve(30)!.buffer).toBe(c.buffer); // the first slab still has b in use
    arena.release(b.subarray(0, 10)); // a part of a view counts as the view
    const d = arena.reserve(50)!; // second slab full: the freed first slab comes back
    expect(d.buffer).toBe(a.buffer);
    expect(d.byteOffset).toBe(0);
  });

  it('says no to more than a slab, and ignores memory it did not hand out', () => {
    const arena = new SealArena(100);
    expect(arena.reserve(101)).toBeUndefined();
    expect(() => arena.release(Buffer.alloc(10))).not.toThrow();
  });
});
