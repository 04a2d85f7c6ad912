// Blobs of small restored files kept decoded, so that a blob many files share is loaded and opened once.

/** How much plaintext is kept. */
const DECODED_CACHE_BYTES = 4 * 1024 * 1024;

/** Which blobs are kept decoded: `capacity` bytes' worth, the least recently used given up first. */
class LruSizes {
  private readonly sizes = new Map<string, number>();
  private total = 0;
  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    return this.sizes.has(id);
  }

  /** Moves a blob to the newest end: the last given up. */
  touch(id: string): void {
    const size = this.sizes.get(id);
    if (size === undefined) return;
    this.sizes.delete(id);
    this.sizes.set(id, size);
  }

  /** Records a blob; returns the IDs given up to make room (none when it is too large to keep at all). */
  add(id: string, size: number): string[] {
    if (size > this.capacity || this.sizes.has(id)) return [];
    const dropped: string[] = [];
    for (const [oldest, oldSize] of this.sizes) {
      if (this.total + size <= this.capacity) break;
      this.sizes.delete(oldest);
      this.total -= oldSize;
      dropped.push(oldest);
    }
    this.sizes.set(id, size);
    this.total += size;
    return dropped;
  }
}

/** The plaintexts of the blobs LruSizes keeps. */
export class DecodedBlobs {
  private readonly order = new LruSizes(DECODED_CACHE_BYTES);
  private readonly plain = new Map<string, Buffer>();

  /** A kept blob; keeping it counts as its most recent use, so a blob many files share stays. */
  get(id: string): Buffer | undefined {
    const data = this.plain.get(id);
    if (data) this.order.touch(id);
    return data;
  }

  keep(id: string, data: Buffer): void {
    if (this.order.has(id)) return;
    for (const dropped of this.order.add(id, data.length)) this.plain.delete(dropped);
    if (this.order.has(id)) this.plain.set(id, data);
  }
}
