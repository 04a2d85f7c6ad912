/** Slabs of shared memory that sealed blobs are written into, reused once every blob in one has been uploaded. */
interface Slab {
  memory: SharedArrayBuffer;
  used: number;
  /** Reservations not yet released. */
  live: number;
}

/**
 * Where worker threads write sealed blobs of a known size (data stored as it is: its sealed size is its size plus
 * the crypto overhead), so that a backup reuses the same memory instead of allocating a fresh buffer for every
 * blob: fresh memory is costly where page faults are, and what the allocator keeps of it after use made the
 * process hold twice the memory it needed.
 */
export class SealArena {
  private current: Slab | undefined;
  private readonly slabs = new Map<ArrayBufferLike, Slab>();
  private readonly spare: SharedArrayBuffer[] = [];

  constructor(readonly slabSize: number) {}

  /** `size` bytes of shared memory, or undefined when `size` is larger than a slab. */
  reserve(size: number): Buffer | undefined {
    if (size > this.slabSize) return undefined;
    let slab = this.current;
    if (slab && slab.used + size > this.slabSize) {
      if (slab.live === 0) slab.used = 0;
      else slab = undefined;
    }
    if (!slab) {
      const memory = this.spare.pop() ?? new SharedArrayBuffer(this.slabSize);
      slab = { memory, used: 0, live: 0 };
      this.slabs.set(memory, slab);
      this.current = slab;
    }
    const view = Buffer.from(slab.memory, slab.used, size);
    slab.used += size;
    slab.live++;
    return view;
  }

  /** Gives back a reservation (a view from reserve, or any part of one); anything else is ignored. */
  release(view: Uint8Array): void {
    const slab = this.slabs.get(view.buffer);
    if (!slab) return;
    slab.live--;
    if (slab.live > 0 || slab === this.current) return;
    this.slabs.delete(slab.memory);
    // Every slab is kept (never more than the most in use at once): one dropped would wait for a garbage
    // collection that a small heap rarely needs, while new ones are made (that doubled the memory used).
    this.spare.push(slab.memory);
  }
}
