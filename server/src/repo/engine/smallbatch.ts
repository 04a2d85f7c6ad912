// Small files on the second core (issue 12, item 6), with LOCKSTEP_SMALL_FILE_WORKER=1 only (workerpool.ts). The main thread walks the tree and reads each small file into
// the memory of a batch (up to 1 MiB or 64 files); a full batch moves to a worker thread, which hashes, compresses,
// seals and packs its files, while the main thread walks and reads on; when the worker already has two batches,
// the main thread stores the batch itself, so both cores stay busy and memory stays bounded (three batches). A batch
// sent before it is full (the walk paused or ended: a backup of a few changed files) is stored here unless a worker
// already runs: starting one costs ~100 ms of CPU and ~25 MB that a long-lived backend keeps after it ends.
// Measured reason, on this project's 2-core machine (bench/bench.mjs, initial backup of small files, alternating
// with restic 0.14, see /work/notes/perf-readme.md): storing every small file on the main thread left the second
// core idle and was 1.2× restic at 5,000 files and 1.7× at 50,000; an earlier design whose worker also opened and
// read the files gained nothing (two threads doing file system work each ran a third slower), so here only the
// CPU work crosses threads, and the reads stay on the main thread in few system calls (smallfile.ts).
// Why it is off by default: alternating runs of the initial backup of 5,000 files at load average ~6 (other jobs
// on both cores) took a median 2.72 s with it against 1.87 s without, for 1.7 against 1.3 s of CPU (the worker's
// start, a second heap and zstd, 30 MB more pages) and 30 MB more peak RSS; the one bench run that favoured it
// (ratio 0.53 against 1.28 at load 10) did not repeat. Worth measuring again on a machine with a free core.
import type { StoreOutcome } from './datastore';
import type { Id } from '../format/ids';
import { readSmallFile } from './smallfile';

/** Bytes of files, and files, that make a batch. */
const BATCH_BYTES = 1024 * 1024;
const BATCH_FILES = 64;
/** Batches a worker may hold at once; past that the main thread stores them. */
const WORKER_BATCHES = 2;

/** What became of a small file handed to `read`: its blob is stored once `stored` resolves. */
export type QueuedFile =
  | { kind: 'queued'; length: number; stored: Promise<{ kind: StoreOutcome; id: Id }> }
  /** Stored already, on the calling thread. */
  | { kind: 'done'; length: number; outcome: StoreOutcome; id: Id }
  | { kind: 'empty' }
  /** Too large by the time it was opened, or grew while read: the caller reads it piecewise. */
  | { kind: 'unread' };

/** One batch as it goes to a worker: its files' bytes side by side in `data`. */
export interface SmallFileBatch {
  data: ArrayBuffer;
  files: { offset: number; length: number }[];
}

/** A worker's answer: per file, what became of it; and the batch's memory, given back. */
export interface SmallFileResults {
  results: { outcome: StoreOutcome; id: Id }[];
  data: ArrayBuffer;
}

export interface SmallFileStores {
  /** Has a worker store the batch (moving its memory there); resolves to its results. */
  send(batch: SmallFileBatch): Promise<SmallFileResults>;
  /** Whether a worker thread runs (a batch that is not full is sent to one only then). */
  workerRunning(): boolean;
  /** Stores one file's bytes on this thread. */
  storeHere(data: Uint8Array, force: boolean): { kind: StoreOutcome; id: Id };
  /** Whether the repository has, or will have, this data blob: an 'indexed' answer is stored here unless it does. */
  known(id: Id): boolean;
}

interface Waiting {
  resolve(result: { kind: StoreOutcome; id: Id }): void;
  reject(err: Error): void;
}

export class SmallFileBatches {
  private memory: Buffer | undefined;
  private files: { offset: number; length: number }[] = [];
  private waiting: Waiting[] = [];
  private used = 0;
  private atWorker = 0;
  private readonly spare: ArrayBuffer[] = [];
  private flushQueued = false;
  readonly stats = { here: 0, worker: 0 };

  constructor(private readonly stores: SmallFileStores) {}

  /** Reads a file smaller than `limit` bytes (`knownSize` when it was looked at) into the batch; throws the file system's error. */
  read(path: Buffer, limit: number, knownSize?: number): QueuedFile {
    const room = limit + 1;
    if (this.memory && this.memory.length - this.used < room) this.flush(true);
    if (!this.memory) this.memory = Buffer.from(this.spare.pop() ?? new ArrayBuffer(BATCH_BYTES + room));
    const data = readSmallFile(path, limit, this.memory.subarray(this.used), knownSize);
    if (data === undefined) return { kind: 'unread' };
    if (data.length === 0) return { kind: 'empty' };
    this.files.push({ offset: this.used, length: data.length });
    this.used += data.length;
    const stored = new Promise<{ kind: StoreOutcome; id: Id }>((resolve, reject) => this.waiting.push({ resolve, reject }));
    if (this.used >= BATCH_BYTES || this.files.length >= BATCH_FILES) this.flush(true);
    else if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => this.flush());
    }
    return { kind: 'queued', length: data.length, stored };
  }

  /** Hands the open batch to a worker, or stores it here when the worker has enough (or it is not `full` and none runs). */
  flush(full = false): void {
    this.flushQueued = false;
    const memory = this.memory;
    if (!memory || this.files.length === 0) return;
    const files = this.files;
    const waiting = this.waiting;
    this.files = [];
    this.waiting = [];
    this.used = 0;
    if (this.atWorker >= WORKER_BATCHES || (!full && !this.stores.workerRunning())) {
      this.stats.here++;
      // Stored here, the batch's memory is filled again at once.
      files.forEach((file, i) => this.settle(waiting[i], memory.subarray(file.offset, file.offset + file.length), () => this.stores.storeHere(memory.subarray(file.offset, file.offset + file.length), false)));
      return;
    }
    this.memory = undefined;
    this.atWorker++;
    this.stats.worker++;
    this.stores.send({ data: memory.buffer as ArrayBuffer, files }).then(
      ({ results, data }) => {
        this.atWorker--;
        const back = Buffer.from(data);
        files.forEach((file, i) => {
          const { outcome, id } = results[i];
          this.settle(waiting[i], back.subarray(file.offset, file.offset + file.length), () => ({ kind: outcome, id }));
        });
        if (this.spare.length < WORKER_BATCHES) this.spare.push(data);
      },
      (err: unknown) => {
        this.atWorker--;
        for (const w of waiting) w.reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  /** Settles one file with `first`'s outcome, storing it here after all when the index turns out not to have it. */
  private settle(waiting: Waiting, bytes: Uint8Array, first: () => { kind: StoreOutcome; id: Id }): void {
    try {
      const result = first();
      waiting.resolve(result.kind === 'indexed' && !this.stores.known(result.id) ? this.stores.storeHere(bytes, true) : result);
    } catch (err) {
      waiting.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
