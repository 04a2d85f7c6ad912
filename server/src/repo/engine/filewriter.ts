// Restored small files are written in batches, each by this thread or by a writer thread, whichever is free: file
// creation is the kernel's work, and two threads creating files here finished in two thirds of the time of one.
// Large files' blobs, opened here, are checked against their IDs and written by the writer thread, so that hashing
// and writing them runs beside the reading and opening of the next ones.
import { createHash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { bundledScript } from '../../base/bundle';
import type { Worker } from 'node:worker_threads';
import { FileMetadata, writeRestoredFile } from './writefile';

/** Files, and bytes of them, that make a batch. */
const BATCH_FILES = 16;
const BATCH_BYTES = 512 * 1024;
/** A batch's memory: a batch is closed once past BATCH_BYTES, by a small file (at most 512 KiB) at most. */
const BATCH_MEMORY = BATCH_BYTES + 512 * 1024;
/** Batches the writer thread may have at once; more go to this thread. */
const WORKER_BATCHES = 2;

interface FileToWrite {
  /** Through its folder's descriptor (/proc/<pid>/fd/<fd>/<name>, restorefolder.ts), so no link can redirect it. */
  path: Uint8Array;
  offset: number;
  length: number;
  meta: FileMetadata;
  replace: boolean;
}

/** The error `fs` threw on the writer thread, as it crosses to this one. */
export interface WriteFailure {
  code: string;
  syscall: string;
  message: string;
}

/** One message to the writer thread: its files' data side by side in `data`. */
export interface WriteBatch {
  kind: 'files';
  seq: number;
  files: FileToWrite[];
  data: ArrayBuffer;
}

/** One blob of a large file, to be checked against its ID and written at `position` of the open file `fd`. */
export interface WriteChunk {
  kind: 'chunk';
  seq: number;
  fd: number;
  position: number;
  expectedId: string;
  data: ArrayBuffer | SharedArrayBuffer;
  offset: number;
  length: number;
}

/** The answer to a WriteChunk: whether the data had the expected hash (nothing is written if not). */
export interface ChunkResult {
  seq: number;
  hashMismatch: boolean;
  failure?: WriteFailure;
  /** The blob's memory, moved back unless it is shared. */
  data: ArrayBuffer | SharedArrayBuffer;
}

/** The error a blob whose plaintext does not hash to its ID is rejected with. */
export class ChunkHashMismatch extends Error {
  constructor() {
    super('hash mismatch');
  }
}

interface PendingChunk {
  resolve(): void;
  reject(err: Error): void;
}

/** The writer thread's answer: per file, nothing, or the error `fs` threw; and the batch's memory, given back. */
export interface WriteResults {
  seq: number;
  failures: (WriteFailure | undefined)[];
  data?: ArrayBuffer;
}

interface Pending {
  path: Uint8Array;
  data: Uint8Array;
  meta: FileMetadata;
  replace: boolean;
  resolve(): void;
  reject(err: Error): void;
}

export class RestoredFileWriter {
  private worker: Worker | undefined;
  private failure: Error | undefined;
  private batch: Pending[] = [];
  private batchBytes = 0;
  private seq = 0;
  private readonly sent = new Map<number, Pending[]>();
  private readonly chunks = new Map<number, PendingChunk>();
  private flushQueued = false;
  /** Batch memory the writer thread gave back. */
  private readonly spare: ArrayBuffer[] = [];

  /** `script`: the writer thread's bundle; without one (running from source) every file is written here. */
  constructor(private readonly script: string | undefined = bundledScript('writer.js')) {}

  /** Writes `data` as a fresh file with its metadata (writeRestoredFile); resolves once it is written. */
  write(dest: Uint8Array, data: Uint8Array, meta: FileMetadata, replace: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.batch.push({ path: dest, data, meta, replace, resolve, reject });
      this.batchBytes += data.length;
      if (this.batch.length >= BATCH_FILES || this.batchBytes >= BATCH_BYTES) this.flush();
      else if (!this.flushQueued) {
        this.flushQueued = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Checks `data` (a view of `memory`: shared, or moved to the writer thread) against `expectedId` and writes it at
   * `position` of the open file `fd`; rejects with ChunkHashMismatch (nothing written) or the error `fs` threw. On the
   * writer thread where there is one.
   */
  writeChunk(fd: number, position: number, data: Uint8Array, memory: ArrayBuffer | SharedArrayBuffer, expectedId: string): Promise<void> {
    if (!this.script || this.failure) {
      try {
        writeChunkHere(fd, position, data, expectedId);
        return Promise.resolve();
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    return new Promise<void>((resolve, reject) => {
      const seq = this.seq++;
      this.chunks.set(seq, { resolve, reject });
      const job: WriteChunk = { kind: 'chunk', seq, fd, position, expectedId, data: memory, offset: data.byteOffset, length: data.length };
      this.start().postMessage(job, memory instanceof SharedArrayBuffer ? [] : [memory]);
    });
  }

  private flush(): void {
    this.flushQueued = false;
    const files = this.batch;
    if (files.length === 0) return;
    this.batch = [];
    this.batchBytes = 0;
    if (this.script && this.sent.size < WORKER_BATCHES && !this.failure) this.send(files);
    else writeHere(files);
  }

  private send(files: Pending[]): void {
    const size = files.reduce((n, f) => n + f.data.length, 0);
    const reused = this.spare.findIndex((b) => b.byteLength >= size);
    const data = Buffer.from(reused >= 0 ? this.spare.splice(reused, 1)[0] : new ArrayBuffer(Math.max(size, BATCH_MEMORY)));
    let at = 0;
    const items = files.map((f): FileToWrite => {
      data.set(f.data, at);
      at += f.data.length;
      return { path: f.path, offset: at - f.data.length, length: f.data.length, meta: f.meta, replace: f.replace };
    });
    const seq = this.seq++;
    this.sent.set(seq, files);
    this.start().postMessage({ kind: 'files', seq, files: items, data: data.buffer } satisfies WriteBatch, [data.buffer as ArrayBuffer]);
  }

  private start(): Worker {
    if (!this.worker) {
      // node:worker_threads is loaded with the first batch (a restore of a few files starts no thread).
      const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
      this.worker = new Worker(this.script as string);
      this.worker.on('message', (results: WriteResults | ChunkResult) => ('hashMismatch' in results ? this.settleChunk(results) : this.settle(results)));
      this.worker.on('error', (err) => this.fail(err));
    }
    return this.worker;
  }

  private settleChunk({ seq, hashMismatch, failure }: ChunkResult): void {
    const chunk = this.chunks.get(seq);
    this.chunks.delete(seq);
    if (hashMismatch) chunk?.reject(new ChunkHashMismatch());
    else if (failure) chunk?.reject(fsErrorOf(failure));
    else chunk?.resolve();
  }

  private settle({ seq, failures, data }: WriteResults): void {
    if (data && this.spare.length <= WORKER_BATCHES) this.spare.push(data);
    const files = this.sent.get(seq) ?? [];
    this.sent.delete(seq);
    files.forEach((file, i) => {
      const failure = failures[i];
      if (!failure) file.resolve();
      else file.reject(fsErrorOf(failure));
    });
  }

  /** The thread died: what it had is written here instead (over what it may have written of it). */
  private fail(err: Error): void {
    this.failure = err;
    for (const files of this.sent.values()) writeHere(files.map((file) => ({ ...file, replace: true })));
    this.sent.clear();
    // A blob's memory went with it: the large file cannot be finished here.
    for (const chunk of this.chunks.values()) chunk.reject(err);
    this.chunks.clear();
  }

  /** Stops the writer thread; every file given to write() must have settled. */
  async close(): Promise<void> {
    this.flush();
    if (this.sent.size > 0 || this.chunks.size > 0) throw new Error('the restore writer was closed with files still being written');
    await this.worker?.terminate();
  }
}

function writeHere(files: Pending[]): void {
  for (const file of files) {
    try {
      writeRestoredFile(file.path, file.data, file.meta, file.replace);
      file.resolve();
    } catch (err) {
      file.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }
}

/** The writer thread's failure as the error `fs` would have thrown here. */
function fsErrorOf(failure: WriteFailure): Error {
  return Object.assign(new Error(failure.message), { code: failure.code, syscall: failure.syscall });
}

/** WriteChunk's work: nothing is written unless the data hashes to `expectedId`. */
export function writeChunkHere(fd: number, position: number, data: Uint8Array, expectedId: string): void {
  if (createHash('sha256').update(data).digest('hex') !== expectedId) throw new ChunkHashMismatch();
  for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done, position + done);
}

