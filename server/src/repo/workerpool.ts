import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BlobDecodeError, BlobProblem, decodeBlobBytes, EncodedBlob, encodeBlob } from './blobcodec';
import { MasterKey } from './crypto';
import { FileToRestore, restoreFileHere } from './restorefile';
import { encodeSmallFile, SmallFileOutcome } from './smallfile';

export interface WorkerSetup {
  encrypt: Uint8Array;
  macK: Uint8Array;
  macR: Uint8Array;
}

export type WorkerJob =
  | {
      seq: number;
      /** encode: hash, compress (if asked) and seal; decode: open, decompress and check the ID. */
      kind: 'encode' | 'decode';
      data: ArrayBuffer | SharedArrayBuffer;
      offset: number;
      length: number;
      compress?: boolean;
      uncompressedLength?: number;
      expectedId?: string;
      /** encode: write the sealed blob here (shared memory the caller reserved) instead of sending it back. */
      into?: { memory: SharedArrayBuffer; offset: number; length: number };
    }
  /** Read each file (smaller than `limit` bytes) and encode it as one blob. */
  | { seq: number; kind: 'encodeFiles'; paths: Uint8Array[]; compress: boolean; limit: number }
  /** Open each sealed blob and write it as a file. */
  | { seq: number; kind: 'restoreFiles'; files: FileToRestore[] };


/** A file system error as it crosses from a worker: enough to rebuild what `fs` would have thrown. */
export interface FsErrorInfo {
  code: string;
  syscall: string;
  message: string;
}

/** One file of an encodeFiles job; a blob's sealed bytes are at [offset, offset + length) of the reply's buffer. */
export type FileResult =
  | { kind: 'blob'; id: string; offset: number; length: number; uncompressedLength?: number; plainLength: number }
  | { kind: 'empty' | 'unread' }
  | { kind: 'failed'; error: string; fsError?: FsErrorInfo };

/** One file of a restoreFiles job: its size, or why it was not written. */
export type RestoreResult = { kind: 'written'; length: number } | { kind: 'failed'; error: string; fsError?: FsErrorInfo; problem?: BlobProblem };

export type WorkerResult =
  | { seq: number; kind: 'blob'; id: string; sealed: ArrayBuffer; offset: number; length: number; uncompressedLength?: number }
  /** An encode job's blob, written into the memory the job named; `length` bytes of it. */
  | { seq: number; kind: 'sealedInto'; id: string; length: number; uncompressedLength?: number }
  | { seq: number; kind: 'files'; files: FileResult[]; sealed: ArrayBuffer }
  | { seq: number; kind: 'restored'; files: RestoreResult[] }
  | { seq: number; kind: 'error'; error: string; problem?: BlobProblem };

/** Seals and opens blobs, on worker threads where the bundle has them. */
export interface BlobCodec {
  /**
   * Takes ownership of `plaintext` (the caller must not change it afterwards). Views of a
   * SharedArrayBuffer reach the worker without a copy. With `into` (shared memory of at least the plaintext's
   * length plus the crypto overhead), the sealed blob is written there; memory that is not shared is written only
   * on the calling thread, and a worker's blob comes back in memory of its own.
   */
  encode(plaintext: Buffer, compress: boolean, into?: Buffer): Promise<EncodedBlob>;
  /** Opens a sealed blob and checks it; rejects with a BlobDecodeError. */
  decode(sealed: Buffer, uncompressedLength: number | undefined, expectedId: string): Promise<Buffer>;
  /**
   * Reads a file smaller than `limit` bytes and encodes it as one blob, both on a worker thread where there
   * is one, so that small files are read on every core. Rejects with the file system's error.
   */
  encodeFile(path: Buffer, compress: boolean, limit: number): Promise<SmallFileOutcome>;
  /**
   * Opens a file's one sealed blob and writes it as a fresh file with its metadata (writeRestoredFile), on a
   * worker thread where there is one, so that files are created on every core. Resolves to the file's size;
   * rejects with a BlobDecodeError when the blob is damaged, or with the file system's error.
   */
  restoreFile(file: FileToRestore): Promise<number>;
  close(): Promise<void>;
}


class InlineCodec implements BlobCodec {
  constructor(private readonly key: MasterKey) {}
  async encode(plaintext: Buffer, compress: boolean, into?: Buffer): Promise<EncodedBlob> {
    return encodeBlob(this.key, plaintext, compress, into);
  }
  async decode(sealed: Buffer, uncompressedLength: number | undefined, expectedId: string): Promise<Buffer> {
    return decodeBlobBytes(this.key, sealed, uncompressedLength, expectedId);
  }
  async encodeFile(path: Buffer, compress: boolean, limit: number): Promise<SmallFileOutcome> {
    return encodeSmallFile(this.key, path, compress, limit);
  }
  async restoreFile(file: FileToRestore): Promise<number> {
    return restoreFileHere(this.key, file);
  }
  async close(): Promise<void> {}
}

interface Pending {
  resolve(result: WorkerResult): void;
  reject(err: Error): void;
}

/**
 * Gathers items queued in the same turn of the event loop (a folder's files, typically) into one message to a
 * worker, at most `size` at a time; `send` settles each item with its result or its error.
 */
class Batcher<Item, Result> {
  private items: Item[] = [];
  private waiters: { resolve(result: Result): void; reject(err: Error): void }[] = [];

  constructor(
    private readonly size: number,
    private readonly send: (items: Item[]) => Promise<(Result | Error)[]>,
  ) {}

  add(item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      if (this.items.length === 0) setImmediate(() => this.flush());
      this.items.push(item);
      this.waiters.push({ resolve, reject });
      if (this.items.length >= this.size) this.flush();
    });
  }

  flush(): void {
    if (this.items.length === 0) return;
    const items = this.items;
    const waiters = this.waiters;
    this.items = [];
    this.waiters = [];
    this.send(items).then(
      (results) =>
        results.forEach((result, i) => {
          if (result instanceof Error) waiters[i].reject(result);
          else waiters[i].resolve(result);
        }),
      (err: Error) => {
        for (const waiter of waiters) waiter.reject(err);
      },
    );
  }
}

/** Blobs this small cost more to post to a worker than to encode on the spot. */
const INLINE_LIMIT = 4 * 1024;
/** Restores of many small files are bound by file system calls, not decryption: decode small blobs here. */
const INLINE_DECODE_LIMIT = 64 * 1024;
/** Small files go to a worker in batches: one message each way per batch instead of per file (~40 µs each). */
const FILE_BATCH = 16;

/**
 * Worker threads, started on first use (a backup that finds nothing new starts none). Blobs to encode or decode,
 * and small files to restore, use up to `blobWorkers`: the main thread produces them (reading and chunking,
 * loading packs), so it keeps a core. Small files to back up are read by the workers themselves, which leaves
 * the main thread little to do, so they may use one worker more. (A second worker for restores was measured:
 * no faster, 45 MB more.)
 */
class WorkerPoolCodec implements BlobCodec {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<number, Pending & { worker: number; weight: number }>();
  private seq = 0;
  private failure: Error | undefined;
  private readonly encodeBatches = new Map<string, Batcher<Uint8Array, SmallFileOutcome>>();
  private readonly restoreBatch = new Batcher<FileToRestore, number>(FILE_BATCH, (files) => this.sendRestore(files));

  constructor(
    private readonly script: string,
    private readonly key: MasterKey,
    private readonly blobWorkers: number,
  ) {}

  private startWorker(): number {
    const setup: WorkerSetup = { encrypt: this.key.encrypt, macK: this.key.macK, macR: this.key.macR };
    const worker = new Worker(this.script, { workerData: setup });
    worker.on('message', (result: WorkerResult) => this.settle(result));
    worker.on('error', (err) => this.fail(err));
    this.workers.push(worker);
    this.load.push(0);
    return this.workers.length - 1;
  }

  /** The least loaded worker, or a new one when every worker is busy and `limit` allows. */
  private pickWorker(limit: number): number {
    let target = -1;
    for (let i = 0; i < this.load.length; i++) if (target < 0 || this.load[i] < this.load[target]) target = i;
    if (target < 0 || (this.load[target] > 0 && this.workers.length < limit)) return this.startWorker();
    return target;
  }

  private settle(result: WorkerResult): void {
    const job = this.pending.get(result.seq);
    if (!job) return;
    this.pending.delete(result.seq);
    this.load[job.worker] -= job.weight;
    if (result.kind !== 'error') job.resolve(result);
    else job.reject(rebuildError(result));
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const job of this.pending.values()) job.reject(err);
    this.pending.clear();
  }

  encode(plaintext: Buffer, compress: boolean, into?: Buffer): Promise<EncodedBlob> {
    if (plaintext.length <= INLINE_LIMIT) return Promise.resolve(encodeBlob(this.key, plaintext, compress, into));
    const shared = into && into.buffer instanceof SharedArrayBuffer ? { memory: into.buffer, offset: into.byteOffset, length: into.length } : undefined;
    return this.post(plaintext, { kind: 'encode', compress, into: shared }).then((r) => {
      if (r.kind === 'sealedInto' && into) return { id: r.id, sealed: into.subarray(0, r.length), uncompressedLength: r.uncompressedLength };
      if (r.kind !== 'blob') throw new Error('a worker answered an encode job with something else');
      return { id: r.id, sealed: Buffer.from(r.sealed, r.offset, r.length), uncompressedLength: r.uncompressedLength };
    });
  }

  decode(sealed: Buffer, uncompressedLength: number | undefined, expectedId: string): Promise<Buffer> {
    if (sealed.length <= INLINE_DECODE_LIMIT) return Promise.resolve(decodeBlobBytes(this.key, sealed, uncompressedLength, expectedId));
    return this.post(sealed, { kind: 'decode', uncompressedLength, expectedId }).then((r) => {
      if (r.kind !== 'blob') throw new Error('a worker answered a decode job with something else');
      return Buffer.from(r.sealed, r.offset, r.length);
    });
  }

  encodeFile(path: Buffer, compress: boolean, limit: number): Promise<SmallFileOutcome> {
    const key = `${compress}:${limit}`;
    let batcher = this.encodeBatches.get(key);
    if (!batcher) {
      batcher = new Batcher(FILE_BATCH, (paths) => this.sendEncode(paths, compress, limit));
      this.encodeBatches.set(key, batcher);
    }
    return batcher.add(path);
  }

  restoreFile(file: FileToRestore): Promise<number> {
    return this.restoreBatch.add(file);
  }

  private async sendEncode(paths: Uint8Array[], compress: boolean, limit: number): Promise<(SmallFileOutcome | Error)[]> {
    const result = await this.postBatch({ kind: 'encodeFiles', paths, compress, limit }, paths.length, [], this.blobWorkers + 1);
    if (result.kind !== 'files') throw new Error('a worker answered an encodeFiles job with something else');
    return result.files.map((file) => fileOutcome(file, result.sealed));
  }

  private async sendRestore(files: FileToRestore[]): Promise<(number | Error)[]> {
    const transfer: ArrayBuffer[] = [];
    const own = files.map((file) => {
      // Sealed blobs move to the worker; one that shares its memory (Node's small-buffer pool) is copied first.
      const sealed = ownsWholeBuffer(file.sealed) ? file.sealed : new Uint8Array(file.sealed);
      transfer.push(sealed.buffer as ArrayBuffer);
      return { ...file, sealed };
    });
    // Creating files does not get faster with more threads here (the kernel serialises much of it): one fewer
    // worker than for reading them saves its memory.
    const result = await this.postBatch({ kind: 'restoreFiles', files: own }, files.length, transfer, this.blobWorkers);
    if (result.kind !== 'restored') throw new Error('a worker answered a restoreFiles job with something else');
    return result.files.map((file) => {
      return file.kind === 'written' ? file.length : rebuildError(file);
    });
  }

  private postBatch(job: DistributiveOmit<Extract<WorkerJob, { kind: 'encodeFiles' | 'restoreFiles' }>, 'seq'>, weight: number, transfer: ArrayBuffer[], workerLimit: number): Promise<WorkerResult> {
    if (this.failure) return Promise.reject(this.failure);
    const target = this.pickWorker(workerLimit);
    const seq = this.seq++;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject, worker: target, weight });
      this.load[target] += weight;
      this.workers[target].postMessage({ seq, ...job }, transfer);
    });
  }

  private post(payload: Buffer, job: Omit<Extract<WorkerJob, { kind: 'encode' | 'decode' }>, 'seq' | 'data' | 'offset' | 'length'>): Promise<WorkerResult> {
    if (this.failure) return Promise.reject(this.failure);
    const target = this.pickWorker(this.blobWorkers);
    const seq = this.seq++;
    const shared = payload.buffer instanceof SharedArrayBuffer;
    const own = shared || ownsWholeBuffer(payload) ? payload : Buffer.from(payload);
    const message: WorkerJob = { seq, data: own.buffer, offset: own.byteOffset, length: own.length, ...job };
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject, worker: target, weight: 1 });
      this.load[target]++;
      this.workers[target].postMessage(message, !shared && ownsWholeBuffer(own) ? [own.buffer as ArrayBuffer] : []);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** What one file of a batch came to; a failure becomes the error `fs` would have thrown. */
function fileOutcome(file: FileResult, sealed: ArrayBuffer): SmallFileOutcome | Error {
  switch (file.kind) {
    case 'blob':
      return { kind: 'blob', blob: { id: file.id, sealed: Buffer.from(sealed, file.offset, file.length), uncompressedLength: file.uncompressedLength }, length: file.plainLength };
    case 'failed':
      return rebuildError(file);
    default:
      return { kind: file.kind };
  }
}

/** A worker's error rebuilt on this side: a BlobDecodeError, the error `fs` would have thrown, or a plain one. */
function rebuildError(info: { error: string; problem?: BlobProblem; fsError?: FsErrorInfo }): Error {
  if (info.problem) return new BlobDecodeError(info.problem, info.error);
  if (info.fsError) return Object.assign(new Error(info.fsError.message), { code: info.fsError.code, syscall: info.fsError.syscall });
  return new Error(info.error);
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

function ownsWholeBuffer(buf: Uint8Array): boolean {
  return buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength && !(buf.buffer instanceof SharedArrayBuffer);
}

/** Where the bundled worker script is, if this code runs from the bundle. */
function workerScript(): string | undefined {
  const candidate = path.join(__dirname, 'worker.js');
  return existsSync(candidate) ? candidate : undefined;
}

export function createBlobCodec(key: MasterKey, threads = defaultThreads()): BlobCodec {
  const script = workerScript();
  if (!script || threads < 1) return new InlineCodec(key);
  return new WorkerPoolCodec(script, key, threads);
}

function defaultThreads(): number {
  const configured = Number(process.env.LOCKSTEP_WORKERS);
  if (Number.isInteger(configured) && configured >= 0) return configured;
  // The main thread reads, chunks and hashes; the other cores compress and seal.
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}
