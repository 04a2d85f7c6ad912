/**
 * Shared-memory read buffers for chunked files, handed out again once nothing refers to them. Fresh
 * memory is costly where page faults are (several times the cost of the read itself in a VM), and a
 * buffer's chunks go to the worker threads as views, so a buffer is reusable only when every view has
 * been encoded: its users count references and give them back.
 */
export class ReadBufferPool {
  private readonly free: Buffer[] = [];
  private readonly refs = new Map<ArrayBufferLike, number>();

  constructor(readonly size: number) {}

  /** A buffer with one reference, held by the caller. */
  take(): Buffer {
    const buf = this.free.pop() ?? Buffer.from(new SharedArrayBuffer(this.size));
    this.refs.set(buf.buffer, 1);
    return buf;
  }

  /** One more reference to the buffer under `view` (a view of a pool buffer). */
  ref(view: Buffer): void {
    const count = this.refs.get(view.buffer);
    if (count !== undefined) this.refs.set(view.buffer, count + 1);
  }

  /** Gives back one reference; the last one returns the buffer to the pool. */
  release(view: Buffer): void {
    const count = this.refs.get(view.buffer);
    if (count === undefined) return;
    if (count > 1) {
      this.refs.set(view.buffer, count - 1);
      return;
    }
    this.refs.delete(view.buffer);
    // Every buffer is kept (there are never more than the most in use at once): one dropped would wait for a
    // garbage collection that a small heap rarely needs, while new ones are made.
    this.free.push(Buffer.from(view.buffer as SharedArrayBuffer));
  }
}
