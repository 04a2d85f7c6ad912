// Memory for the blobs of large files being restored: a few slots, each as large as the largest blob restic
// writes, in one block of shared memory that the writer thread reads where it lies. The block is allocated once:
// blobs of every size from 512 KiB to 8 MiB, allocated and freed one after another, left malloc holding tens of
// MB it could not give back (a 1 GiB restore peaked 20 MB higher that way).
import { processTuning } from '../../base/processTuning';

/** restic's largest chunk (8 MiB), sealed (IV and MAC), with room to spare. */
export const SLOT_BYTES = 8 * 1024 * 1024 + 4096;

export class BlobSlots {
  private memory: SharedArrayBuffer | undefined;
  private readonly free: number[];
  private readonly waiting: ((slot: number) => void)[] = [];

  constructor(readonly count: number) {
    this.free = [...Array(count).keys()];
  }

  /** The shared block (made on first use: a restore without large files never touches it). */
  get block(): SharedArrayBuffer {
    if (!this.memory) {
      this.memory = new SharedArrayBuffer(this.count * SLOT_BYTES);
      processTuning.expectLargeBuffers(SLOT_BYTES);
    }
    return this.memory;
  }

  /** A free slot, once there is one; slots are handed out in the order they were asked for. */
  take(): Promise<number> {
    const slot = this.free.shift();
    if (slot !== undefined) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  give(slot: number): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.free.push(slot);
  }

  /** The first `length` bytes of `slot`. */
  view(slot: number, length: number): Buffer {
    if (length > SLOT_BYTES) throw new RangeError(`${length} bytes do not fit a blob slot`);
    return Buffer.from(this.block, slot * SLOT_BYTES, length);
  }
}
