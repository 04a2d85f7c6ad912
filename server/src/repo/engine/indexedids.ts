// The first 8 bytes of every data blob ID an index lists, in an open-addressing table of shared memory, so that
// worker threads can tell, before compressing and sealing a blob, that the repository very probably has it. A hit
// is only a hint: the writer checks the full ID against the index (a miss there sends the blob to be stored).
import { Id } from '../format/ids';

/** Slots are pairs of 32-bit words (the ID's bytes 0-3 and 4-7, big-endian); 0, 0 marks an empty slot. */
const WORDS_PER_SLOT = 2;

export function buildIndexedIds(ids: Iterable<Id>, count: number): SharedArrayBuffer {
  return buildIndexedIdsFrom({
    dataBlobCount: count,
    forEachDataPrefix: (each) => {
      for (const id of ids) each(parseInt(id.slice(0, 8), 16) | 0, parseInt(id.slice(8, 16), 16) | 0);
    },
  });
}

/** The table of an index's data blobs (MasterIndex), read from its compact records without making hex IDs. */
export function buildIndexedIdsFrom(index: { dataBlobCount: number; forEachDataPrefix(each: (hi: number, lo: number) => void): void }): SharedArrayBuffer {
  let capacity = 16;
  while (capacity < index.dataBlobCount * 2) capacity *= 2;
  const memory = new SharedArrayBuffer(capacity * WORDS_PER_SLOT * 4);
  const slots = new Int32Array(memory);
  index.forEachDataPrefix((hi, lo) => insert(slots, capacity - 1, hi, lo));
  return memory;
}

function insert(slots: Int32Array, mask: number, hi: number, lo: number): void {
  for (let slot = lo & mask; ; slot = (slot + 1) & mask) {
    const at = slot * WORDS_PER_SLOT;
    if (slots[at] === hi && slots[at + 1] === lo) return;
    if (slots[at] === 0 && slots[at + 1] === 0) {
      slots[at] = hi;
      slots[at + 1] = lo;
      return;
    }
  }
}

export class IndexedIds {
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(memory: SharedArrayBuffer) {
    this.slots = new Int32Array(memory);
    this.mask = this.slots.length / WORDS_PER_SLOT - 1;
  }

  /** Whether an indexed blob's ID starts with the first 8 bytes of `digest` (a SHA-256). */
  mayHave(digest: Uint8Array): boolean {
    const hi = ((digest[0] << 24) | (digest[1] << 16) | (digest[2] << 8) | digest[3]) | 0;
    const lo = ((digest[4] << 24) | (digest[5] << 16) | (digest[6] << 8) | digest[7]) | 0;
    for (let slot = lo & this.mask; ; slot = (slot + 1) & this.mask) {
      const at = slot * WORDS_PER_SLOT;
      const h = this.slots[at];
      const l = this.slots[at + 1];
      if (h === hi && l === lo) return true;
      if (h === 0 && l === 0) return false;
    }
  }
}
