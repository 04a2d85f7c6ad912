import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BlobDecodeError, BlobProblem, decodeBlobBytes, EncodedBlob, encodeBlob } from './blobcodec';
import { MasterKey } from './crypto';
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
    }
  /** Read each file (smaller than `limit` bytes) and encode it as one blob. */
  | { seq: number; kind: 'encodeFiles'; paths: Uint8Array[]; compress: boolean; limit: number };

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

export type WorkerResult =
  | { seq: number; kind: 'blob'; id: string; sealed: ArrayBuffer; offset: number; length: number; uncompressedLength?: number }
  | { seq: number; kind: 'files'; files: FileResult[]; sealed: ArrayBuffer }
  | { seq: number; kind: 'error'; error: string; problem?: BlobProblem };

/** Seals and opens blobs, on worker threads where the bundle has them. */
export interface BlobCodec {
  /**
   * Takes ownership of `plaintext` (the caller must not change it afterwards). Views of a
   * SharedArrayBuffer reach the worker without a copy.
   */
  encode(plaintext: Buffer, compress: boolean): Promise<EncodedBlob>;
  /** Opens a sealed blob and checks it; rejects with a BlobDecodeError. */
  decode(sealed: Buffer, uncompressedLength: number | undefined, expectedId: string): Promise<Buffer>;
  /**
   * Reads a file smaller than `limit` bytes and encodes it as one blob, both on a worker thread where there
   * is one, so that small files are read on every core. Rejects with the file system's error.
   */
  encodeFile(path: Buffer, compress: boolean, limit: number): Promise<SmallFileOutcome>;
  close(): Promise<void>;
}

class InlineCodec implements BlobCodec {
  constructor(private readonly key: MasterKey) {}
  async encode(plaintext: Buffer, compress: boolean): Promise<EncodedBlob> {
    return encodeBlob(this.key, plaintext, compress);
  }
  async decode(sealed: Buffer, uncompressedLength: number | undefined, expectedId: string): Promise<Buffer> {
    return decodeBlobBytes(this.key, sealed, uncompressedLength, expectedId);
  }
  async encodeFile(path: Buffer, compress: boolean, limit: number): Promise<SmallFileOutcome> {
    return encodeSmallFile(this.key, path, compress, limit);
  }
  async close(): Promise<void> {}
}

interface Pending {
  resolve(result: WorkerResult): void;
  reject(err: Error): void;
}

interface FileWaiter {
  resolve(outcome: SmallFileOutcome): void;
  reject(err: Error): void;
}

interface FileBatch {
  paths: Uint8Array[];
  waiters: FileWaiter[];
  compress: boolean;
  limit: number;
}

/** Blobs this small cost more to post to a worker than to encode on the spot. */
const INLINE_LIMIT = 4 * 1024;
/** Restores of many small files are bound by file system calls, not decryption: decode small blobs here. */
const INLINE_DECODE_LIMIT = 64 * 1024;
/** Small files go to a worker in batches: one message each way per batch instead of per file. */
const FILE_BATCH = 16;

/**
 * Worker threads, started on first use (a backup that finds nothing new starts none). Blobs handed over in
 * memory use up to `blobWorkers`: the main thread produces them (reading and chunking), so it keeps a core.
 * Small files are read by the workers themselves, which leaves the main thread little to do, so they may use
 * one worker more.
 */
class WorkerPoolCodec implements BlobCodec {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<number, Pending & { worker: number; weight: number }>();
  private seq = 0;
  private failure: Error | undefined;
  private batch: FileBatch | undefined;

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
    else job.reject(result.problem ? new BlobDecodeError(result.problem, result.error) : new Error(result.error));
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const job of this.pending.values()) job.reject(err);
    this.pending.clear();
  }

  encode(plaintext: Buffer, compress: boolean): Promise<EncodedBlob> {
    if (plaintext.length <= INLINE_LIMIT) return Promise.resolve(encodeBlob(this.key, plaintext, compress));
    return this.post(plaintext, { kind: 'encode', compress }).then((r) => {
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
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      if (this.batch && (this.batch.compress !== compress || this.batch.limit !== limit)) this.flushFiles();
      if (!this.batch) {
        this.batch = { paths: [], waiters: [], compress, limit };
        // Files queued in the same turn of the event loop (a folder's, typically) travel together.
        setImmediate(() => this.flushFiles());
      }
      this.batch.paths.push(path);
      this.batch.waiters.push({ resolve, reject });
      if (this.batch.paths.length >= FILE_BATCH) this.flushFiles();
    });
  }

  private flushFiles(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = undefined;
    const rejectAll = (err: Error): void => {
      for (const waiter of batch.waiters) waiter.reject(err);
    };
    if (this.failure) return rejectAll(this.failure);
    const target = this.pickWorker(this.blobWorkers + 1);
    const seq = this.seq++;
    const weight = batch.paths.length;
    this.pending.set(seq, {
      worker: target,
      weight,
      reject: rejectAll,
      resolve: (result) => {
        if (result.kind !== 'files') return rejectAll(new Error('a worker answered an encodeFiles job with something else'));
        result.files.forEach((file, i) => {
          const outcome = fileOutcome(file, result.sealed);
          if (outcome instanceof Error) batch.waiters[i].reject(outcome);
          else batch.waiters[i].resolve(outcome);
        });
      },
    });
    this.load[target] += weight;
    const message: WorkerJob = { seq, kind: 'encodeFiles', paths: batch.paths, compress: batch.compress, limit: batch.limit };
    this.workers[target].postMessage(message);
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
    this.flushFiles();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** What one file of a batch came to; a failure becomes the error `fs` would have thrown. */
function fileOutcome(file: FileResult, sealed: ArrayBuffer): SmallFileOutcome | Error {
  switch (file.kind) {
    case 'blob':
      return { kind: 'blob', blob: { id: file.id, sealed: Buffer.from(sealed, file.offset, file.length), uncompressedLength: file.uncompressedLength }, length: file.plainLength };
    case 'failed':
      return file.fsError ? Object.assign(new Error(file.fsError.message), { code: file.fsError.code, syscall: file.fsError.syscall }) : new Error(file.error);
    default:
      return { kind: file.kind };
  }
}

function ownsWholeBuffer(buf: Buffer): boolean {
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
