// A ring of records in shared memory, written by one thread and read by one other: the tree read-ahead's thread
// writes what it found on the file system, the backup reads it in the same order. Records are 8-byte aligned and
// start with their length; one that does not fit before the end of the ring is written at its start, after a wrap
// mark. The writer blocks (Atomics.wait, on its own thread) while the ring is full; the reader never blocks, it
// waits asynchronously (Atomics.waitAsync) while the ring is empty.

import { raceAbort, throwIfAborted } from '../../base/abort';

/** Control words (Int32) before the ring's bytes. */
const HEAD = 0; // where the writer writes next (writer only)
const USED = 1; // bytes written and not yet released, wrap padding included
const STOPPED = 2; // set by the reader: the writer stops
const CLOSED = 3; // set when nothing more will be written (the writer finished, or its thread ended)
// Set by a side before it waits: the other side wakes it only then (a wake takes a lock even with no one waiting).
// Each waits for many records' worth, not one: woken for every record, the writer spent more time switching threads
// than writing (7 µs a record here), and the reader, a turn of its event loop each.
const WRITER_WANTS = 4; // the room the waiting writer waits for, in bytes; 0 when it does not wait
const READER_WANTS = 5; // the bytes the waiting reader waits for; 0 when it does not wait
/** What a waiting reader waits for: a quarter MiB of records (or the end). */
const READER_BATCH = 256 * 1024;
const CONTROL_BYTES = 64;
const WRAP_MARK = 0xffffffff;
/** How long the writer waits for room before it looks at STOPPED again. */
const WRITER_WAIT_MS = 500;

declare global {
  interface Atomics {
    // Node 20 has it; TypeScript's lib has it from ES2024, after this project's ES2022.
    waitAsync(typedArray: Int32Array, index: number, value: number, timeout?: number): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
  }
}

export function align8(n: number): number {
  return (n + 7) & ~7;
}

/** Shared memory for a ring of `capacity` bytes (a multiple of 8), to hand to both threads. */
export function ringMemory(capacity: number): SharedArrayBuffer {
  if (capacity % 8 !== 0 || capacity < 64) throw new Error(`a ring's capacity must be a multiple of 8 bytes, at least 64: ${capacity}`);
  return new SharedArrayBuffer(CONTROL_BYTES + capacity);
}

class RingSide {
  protected readonly control: Int32Array;
  /** The ring's bytes. */
  readonly bytes: Buffer;
  protected readonly capacity: number;

  constructor(memory: SharedArrayBuffer) {
    this.control = new Int32Array(memory, 0, CONTROL_BYTES / 4);
    this.bytes = Buffer.from(memory, CONTROL_BYTES);
    this.capacity = this.bytes.length;
  }

  /** Nothing more will be written. */
  close(): void {
    Atomics.store(this.control, CLOSED, 1);
    Atomics.notify(this.control, USED);
  }
}

export class RingWriter extends RingSide {
  /**
   * Where a record of `length` bytes (aligned) goes: waits, blocking this thread, until there is room. Undefined
   * once the reader has stopped. The record's first four bytes must hold its length.
   */
  reserve(length: number): number | undefined {
    if (length > this.capacity) throw new Error(`a record of ${length} bytes does not fit a ring of ${this.capacity}`);
    for (;;) {
      if (Atomics.load(this.control, STOPPED) !== 0) return undefined;
      const head = Atomics.load(this.control, HEAD);
      const used = Atomics.load(this.control, USED);
      const free = this.capacity - used;
      const tillEnd = this.capacity - head;
      if (length <= tillEnd && length <= free) return head;
      if (length > tillEnd && tillEnd + length <= free) {
        this.bytes.writeUInt32LE(WRAP_MARK, head);
        Atomics.store(this.control, HEAD, 0);
        Atomics.add(this.control, USED, tillEnd);
        return 0;
      }
      const wants = Math.max(this.capacity / 4, length <= tillEnd ? length : tillEnd + length);
      // Marked as waiting, it looks at the room again: a release made before the mark was seen did not wake it.
      Atomics.store(this.control, WRITER_WANTS, wants);
      const now = Atomics.load(this.control, USED);
      if (this.capacity - now < wants) Atomics.wait(this.control, USED, now, WRITER_WAIT_MS);
      Atomics.store(this.control, WRITER_WANTS, 0);
    }
  }

  /** Whether the reader lags: a quarter of the ring or more is written and not yet read. */
  readerLags(): boolean {
    return Atomics.load(this.control, USED) >= this.capacity / 4;
  }

  /** Makes the record reserved at `offset` readable. */
  commit(offset: number, length: number): void {
    Atomics.store(this.control, HEAD, (offset + length) % this.capacity);
    const used = Atomics.add(this.control, USED, length) + length;
    const wants = Atomics.load(this.control, READER_WANTS);
    if (wants !== 0 && used >= wants) Atomics.notify(this.control, USED);
  }
}

export class RingReader extends RingSide {
  private tail = 0;

  /** The offset of the next record, or undefined when none is readable yet (see closed()). */
  next(): number | undefined {
    if (Atomics.load(this.control, USED) === 0) return undefined;
    if (this.bytes.readUInt32LE(this.tail) === WRAP_MARK) {
      this.release(this.capacity - this.tail);
      if (Atomics.load(this.control, USED) === 0) return undefined;
    }
    return this.tail;
  }

  /** Gives the next `length` bytes (the record read) back to the writer. */
  release(length: number): void {
    this.tail = (this.tail + length) % this.capacity;
    const used = Atomics.sub(this.control, USED, length) - length;
    const wants = Atomics.load(this.control, WRITER_WANTS);
    if (wants !== 0 && this.capacity - used >= wants) Atomics.notify(this.control, USED);
  }

  /** Whether nothing more will be written. */
  closed(): boolean {
    return Atomics.load(this.control, CLOSED) !== 0;
  }

  /**
   * Resolves once a batch of records is written (less when the ring is nearly full), or the ring was closed; rejects
   * with the reason once `signal` is aborted (a writer stuck in a system call does not hold the reader).
   */
  async written(signal?: AbortSignal): Promise<void> {
    const wants = Math.min(READER_BATCH, this.capacity / 2);
    try {
      for (;;) {
        throwIfAborted(signal);
        // Marked as waiting, it looks again: a commit made before the mark was seen did not wake it.
        Atomics.store(this.control, READER_WANTS, wants);
        const used = Atomics.load(this.control, USED);
        if (used >= wants || this.closed()) break;
        const waiting = Atomics.waitAsync(this.control, USED, used);
        if (waiting.async) await raceAbort(signal, waiting.value);
      }
    } finally {
      Atomics.store(this.control, READER_WANTS, 0);
    }
  }

  /** Tells the writer to stop writing (it returns from its wait within WRITER_WAIT_MS at the latest). */
  stop(): void {
    Atomics.store(this.control, STOPPED, 1);
    Atomics.notify(this.control, USED);
  }
}
