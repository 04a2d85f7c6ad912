import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BlobDecodeError, BlobProblem, decodeBlobBytes, EncodedBlob, encodeBlob } from './blobcodec';
import { MasterKey } from './crypto';

export interface WorkerSetup {
  encrypt: Uint8Array;
  macK: Uint8Array;
  macR: Uint8Array;
}

export interface WorkerJob {
  seq: number;
  data: ArrayBuffer | SharedArrayBuffer;
  offset: number;
  length: number;
  /** encode: hash, compress (if asked) and seal; decode: open, decompress and check the ID. */
  kind: 'encode' | 'decode';
  compress?: boolean;
  uncompressedLength?: number;
  expectedId?: string;
}

export type WorkerResult =
  | { seq: number; id: string; sealed: ArrayBuffer; offset: number; length: number; uncompressedLength?: number; error?: undefined }
  | { seq: number; error: string; problem?: BlobProblem };

/** Seals and opens blobs, on worker threads where the bundle has them. */
export interface BlobCodec {
  /**
   * Takes ownership of `plaintext` (the caller must not change it afterwards). Views of a
   * SharedArrayBuffer reach the worker without a copy.
   */
  encode(plaintext: Buffer, compress: boolean): Promise<EncodedBlob>;
  /** Opens a sealed blob and checks it; rejects with a BlobDecodeError. */
  decode(sealed: Buffer, uncompressedLength: number | undefined, expectedId: string): Promise<Buffer>;
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
  async close(): Promise<void> {}
}

interface Pending {
  resolve(result: WorkerResult): void;
  reject(err: Error): void;
}

/** Blobs this small cost more to post to a worker than to encode on the spot. */
const INLINE_LIMIT = 4 * 1024;
/** Restores of many small files are bound by file system calls, not decryption: decode small blobs here. */
const INLINE_DECODE_LIMIT = 64 * 1024;

class WorkerPoolCodec implements BlobCodec {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<number, Pending & { worker: number }>();
  private seq = 0;
  private failure: Error | undefined;

  constructor(
    script: string,
    private readonly key: MasterKey,
    count: number,
  ) {
    const setup: WorkerSetup = { encrypt: key.encrypt, macK: key.macK, macR: key.macR };
    for (let i = 0; i < count; i++) {
      const worker = new Worker(script, { workerData: setup });
      worker.on('message', (result: WorkerResult) => this.settle(result));
      worker.on('error', (err) => this.fail(err));
      this.workers.push(worker);
      this.load.push(0);
    }
  }

  private settle(result: WorkerResult): void {
    const job = this.pending.get(result.seq);
    if (!job) return;
    this.pending.delete(result.seq);
    this.load[job.worker]--;
    if (result.error !== undefined) job.reject(result.problem ? new BlobDecodeError(result.problem, result.error) : new Error(result.error));
    else job.resolve(result);
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const job of this.pending.values()) job.reject(err);
    this.pending.clear();
  }

  encode(plaintext: Buffer, compress: boolean): Promise<EncodedBlob> {
    if (plaintext.length <= INLINE_LIMIT) return Promise.resolve(encodeBlob(this.key, plaintext, compress));
    return this.post(plaintext, { kind: 'encode', compress }).then((r) => ({
      id: r.id,
      sealed: Buffer.from(r.sealed, r.offset, r.length),
      uncompressedLength: r.uncompressedLength,
    }));
  }

  decode(sealed: Buffer, uncompressedLength: number | undefined, expectedId: string): Promise<Buffer> {
    if (sealed.length <= INLINE_DECODE_LIMIT) return Promise.resolve(decodeBlobBytes(this.key, sealed, uncompressedLength, expectedId));
    return this.post(sealed, { kind: 'decode', uncompressedLength, expectedId }).then((r) => Buffer.from(r.sealed, r.offset, r.length));
  }

  private post(payload: Buffer, job: Pick<WorkerJob, 'kind' | 'compress' | 'uncompressedLength' | 'expectedId'>): Promise<Extract<WorkerResult, { error?: undefined }>> {
    if (this.failure) return Promise.reject(this.failure);
    let target = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i] < this.load[target]) target = i;
    const seq = this.seq++;
    const shared = payload.buffer instanceof SharedArrayBuffer;
    const own = shared || ownsWholeBuffer(payload) ? payload : Buffer.from(payload);
    const message: WorkerJob = { seq, data: own.buffer, offset: own.byteOffset, length: own.length, ...job };
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (r: WorkerResult) => void, reject, worker: target });
      this.load[target]++;
      this.workers[target].postMessage(message, !shared && ownsWholeBuffer(own) ? [own.buffer as ArrayBuffer] : []);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
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
