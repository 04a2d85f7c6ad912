import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { BlobDecodeError, BlobProblem, EncodedBlob, encodeBlob } from '../format/blobcodec';
import { MasterKey } from '../format/crypto';
import { DataPackStore, DataStoreSetup, FileStoreResult, PreparedBlob, StoreOutcome } from './datastore';
import { Id } from '../format/ids';
import { FinishedPack } from './packfile';
import { QueuedFile, SmallFileBatch, SmallFileBatches } from './smallbatch';
import { zstdReady } from '../format/zstd';
import { trace } from '../../base/trace';
import { bundledScript } from '../../base/bundle';
import { FsErrorInfo, rebuildFsError } from '../../base/fserror';

export interface WorkerSetup {
  encrypt: Uint8Array;
  macK: Uint8Array;
  macR: Uint8Array;
  /** Where and how this worker stores data blobs (workers for backups only). */
  store?: DataStoreSetup;
}

export type WorkerJob =
  /** Store one chunk as a data blob (a view of the caller's memory, shared or moved). */
  | ({ seq: number; kind: 'storeChunk'; data: ArrayBuffer | SharedArrayBuffer; offset: number; length: number; force?: boolean } & IndexedUpdate)
  /** Store each of a batch's small files as one data blob (smallbatch.ts); the memory is moved, and moved back. */
  | ({ seq: number; kind: 'storeFiles' } & SmallFileBatch & IndexedUpdate)
  /** Finish the open pack (flush), or drop it (discard). */
  | { seq: number; kind: 'flush' | 'discard' }
  /** Hash, compress (if asked) and seal one blob, and send it back. */
  | { seq: number; kind: 'encode'; data: ArrayBuffer | SharedArrayBuffer; offset: number; length: number; compress: boolean };

/** The first store job a worker gets carries the repository's data blobs (buildIndexedIds), if it has any. */
interface IndexedUpdate {
  indexed?: { table: SharedArrayBuffer | undefined };
}

/** Every reply that stores data carries the packs its worker finished meanwhile. */
export type WorkerResult =
  | { seq: number; kind: 'storedChunk'; outcome: StoreOutcome; id: Id; packs: FinishedPack[] }
  | { seq: number; kind: 'storedFiles'; results: { outcome: StoreOutcome; id: Id }[]; data: ArrayBuffer; packs: FinishedPack[] }
  | { seq: number; kind: 'flushed'; packs: FinishedPack[] }
  | { seq: number; kind: 'blob'; id: string; sealed: ArrayBuffer; offset: number; length: number; uncompressedLength?: number }
  | { seq: number; kind: 'error'; error: string; problem?: BlobProblem; fsError?: FsErrorInfo };

/** How a codec stores data blobs: each thread's setup (`n` numbers the threads), and where finished packs go. */
export interface StoreOptions {
  setup(n: number): DataStoreSetup;
  /** buildIndexedIds of the repository's index, asked for once, with the first blob to store (the index is read by then). */
  indexed(): SharedArrayBuffer | undefined;
  /** Called with every pack a thread finishes, before the call that finished it resolves. */
  onPacks(packs: FinishedPack[]): void;
  /** Whether the repository has, or will have, this data blob (the full ID, where `indexed` only says probably). */
  known(id: Id): boolean;
}

/** Stores and seals blobs, on worker threads where the bundle has them. */
export interface BlobCodec {
  /** Loads what storing and encoding on the calling thread need (zstd, when compressing). */
  ready(compress: boolean): Promise<void>;
  /**
   * Reads a file smaller than `limit` bytes (`knownSize` bytes when it was looked at) and stores it as one data blob
   * in the codec's own packs, on the calling thread (see DataPackStore for the outcomes); needs ready() first.
   * Throws the file system's error.
   */
  storeFile(path: Buffer, limit: number, force?: boolean, knownSize?: number): FileStoreResult;
  /**
   * Reads a file smaller than `limit` bytes on the calling thread and has it stored as one data blob, by a worker
   * where one runs (smallbatch.ts); an `indexed` blob the repository turns out not to have is stored after all.
   * Throws the file system's error.
   */
  queueFile(path: Buffer, limit: number, knownSize?: number): QueuedFile;
  /** Stores a small file's content made into a blob already, on the calling thread; its payload is only read. */
  storePrepared(blob: PreparedBlob): QueuedFile;
  /** Stores one chunk as a data blob; the caller must not change `plaintext` until this settles. */
  storeChunk(plaintext: Buffer, force?: boolean): Promise<{ kind: StoreOutcome; id: Id }>;
  /** Finishes every open data pack; their packs reach onPacks first. */
  flushStore(): Promise<void>;
  /** Seals one blob (a tree, or data to repack) and returns it. Takes ownership of `plaintext`. */
  encode(plaintext: Buffer, compress: boolean): Promise<EncodedBlob>;
  /** Drops open data packs and stops the threads. */
  close(): Promise<void>;
}

/** Everything on the calling thread; `storeNumber` numbers its data store among the codec's threads. */
class InlineCodec implements BlobCodec {
  private dataStore: DataPackStore | undefined;
  constructor(
    private readonly key: MasterKey,
    private readonly storeOptions: StoreOptions | undefined,
    private readonly storeNumber = 0,
  ) {}

  private get store(): DataPackStore {
    if (!this.storeOptions) throw new Error('this codec was made without a data store');
    if (!this.dataStore) {
      this.dataStore = new DataPackStore(this.key, this.storeOptions.setup(this.storeNumber));
      this.dataStore.setIndexed(this.storeOptions.indexed());
    }
    return this.dataStore;
  }

  private delivered<T>(result: T): T {
    const packs = this.dataStore?.takeFinished() ?? [];
    if (packs.length > 0) this.storeOptions?.onPacks(packs);
    return result;
  }

  async ready(compress: boolean): Promise<void> {
    if (compress) await zstdReady();
  }
  storeFile(path: Buffer, limit: number, force?: boolean, knownSize?: number): FileStoreResult {
    return this.delivered(this.store.storeFile(path, limit, force, knownSize));
  }
  queueFile(path: Buffer, limit: number, knownSize?: number): QueuedFile {
    const read = this.unlessKnown((force) => this.storeFile(path, limit, force, knownSize));
    if (read.kind === 'empty' || read.kind === 'unread') return read;
    return { kind: 'done', length: read.length, outcome: read.kind, id: read.id };
  }
  storePrepared(blob: PreparedBlob): QueuedFile {
    if (blob.plainLength === 0) return { kind: 'empty' };
    const stored = this.unlessKnown((force) => this.delivered(this.store.storePrepared(blob, force)));
    return { kind: 'done', length: blob.plainLength, outcome: stored.kind, id: stored.id };
  }
  /**
   * `store(false)`; where that finds the index very probably has the blob and the full ID says it does not,
   * `store(true)`, which stores it after all.
   */
  private unlessKnown<T extends FileStoreResult | { kind: StoreOutcome; id: Id }>(store: (force: boolean) => T): T {
    const first = store(false);
    return first.kind === 'indexed' && 'id' in first && !this.storeOptions?.known(first.id) ? store(true) : first;
  }
  /** Stores bytes already read (a small file's, from a batch) on this thread. */
  storeHere(data: Uint8Array, force: boolean): { kind: StoreOutcome; id: Id } {
    return this.delivered(this.store.store(data, force));
  }
  async storeChunk(plaintext: Buffer, force?: boolean): Promise<{ kind: StoreOutcome; id: Id }> {
    await zstdReady();
    return this.delivered(this.store.store(plaintext, force));
  }
  async flushStore(): Promise<void> {
    this.dataStore?.flush();
    this.delivered(undefined);
  }
  async encode(plaintext: Buffer, compress: boolean): Promise<EncodedBlob> {
    if (compress) await zstdReady();
    return encodeBlob(this.key, plaintext, compress);
  }
  async close(): Promise<void> {
    this.dataStore?.discard();
  }
}

interface Pending {
  resolve(result: WorkerResult): void;
  reject(err: Error): void;
}

/** Blobs larger than this are encoded by a worker when one runs. */
const LARGE_BLOB = 1024 * 1024;

/**
 * Worker threads for large files' chunks and large blobs, started on first use, at most `workerCount`; each worker
 * that stores data has its own pack files. Small files are stored and restored on the calling thread: on this
 * project's 2-core machine a worker doing that was measured no faster (two busy threads each run a third slower:
 * the cores share more than they gain) and 20 MB heavier.
 */
class WorkerPoolCodec implements BlobCodec {
  /** The calling thread's share: small files. Its data store is numbered after the workers'. */
  private readonly here: InlineCodec;
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<number, Pending & { worker: number; weight: number }>();
  private seq = 0;
  private failure: Error | undefined;
  /** Workers that have been given the index's data blobs. */
  private readonly knowIndex = new Set<number>();
  private indexedTable: { table: SharedArrayBuffer | undefined } | undefined;
  private readonly smallFiles: SmallFileBatches;

  constructor(
    private readonly script: string,
    private readonly key: MasterKey,
    private readonly workerCount: number,
    private readonly storeOptions: StoreOptions | undefined,
  ) {
    this.here = new InlineCodec(key, storeOptions, workerCount);
    this.smallFiles = new SmallFileBatches({
      send: (batch) => this.sendFiles(batch),
      storeHere: (data, force) => this.here.storeHere(data, force),
      known: (id) => this.storeOptions?.known(id) ?? false,
      workerRunning: () => this.workers.length > 0,
    });
  }

  private startWorker(): number {
    const n = this.workers.length;
    const setup: WorkerSetup = { encrypt: this.key.encrypt, macK: this.key.macK, macR: this.key.macR, store: this.storeOptions?.setup(n) };
    // node:worker_threads is loaded with the first worker: commands that start none do not pay for it.
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    const worker = new Worker(this.script, { workerData: setup });
    worker.on('message', (result: WorkerResult) => this.settle(result));
    worker.on('error', (err) => this.fail(err));
    this.workers.push(worker);
    this.load.push(0);
    return n;
  }

  /** What a store job for worker `n` carries: the index's data blobs, the first time. */
  private indexedFor(n: number): IndexedUpdate {
    if (this.knowIndex.has(n) || !this.storeOptions) return {};
    this.knowIndex.add(n);
    this.indexedTable ??= { table: this.storeOptions.indexed() };
    return { indexed: this.indexedTable };
  }

  /** The least loaded worker, or a new one when every worker is busy and the count allows. */
  private pickWorker(): number {
    let target = -1;
    for (let i = 0; i < this.load.length; i++) if (target < 0 || this.load[i] < this.load[target]) target = i;
    if (target < 0 || (this.load[target] > 0 && this.workers.length < this.workerCount)) return this.startWorker();
    return target;
  }

  private settle(result: WorkerResult): void {
    const job = this.pending.get(result.seq);
    if (!job) return;
    this.pending.delete(result.seq);
    this.load[job.worker] -= job.weight;
    if ('packs' in result && result.packs.length > 0) this.storeOptions?.onPacks(result.packs);
    if (result.kind !== 'error') job.resolve(result);
    else job.reject(rebuildError(result));
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const job of this.pending.values()) job.reject(err);
    this.pending.clear();
  }

  ready(compress: boolean): Promise<void> {
    return this.here.ready(compress);
  }

  storeFile(path: Buffer, limit: number, force = false, knownSize?: number): FileStoreResult {
    return this.here.storeFile(path, limit, force, knownSize);
  }

  queueFile(path: Buffer, limit: number, knownSize?: number): QueuedFile {
    return smallFilesOnWorker() ? this.smallFiles.read(path, limit, knownSize) : this.here.queueFile(path, limit, knownSize);
  }

  storePrepared(blob: PreparedBlob): QueuedFile {
    return this.here.storePrepared(blob);
  }

  private async sendFiles(batch: SmallFileBatch): Promise<{ results: { outcome: StoreOutcome; id: Id }[]; data: ArrayBuffer }> {
    const target = this.pickWorker();
    const result = await this.postTo(target, { kind: 'storeFiles', ...batch, ...this.indexedFor(target) }, 1, [batch.data]);
    if (result.kind !== 'storedFiles') throw new Error('a worker answered a storeFiles job with something else');
    return result;
  }

  async storeChunk(plaintext: Buffer, force = false): Promise<{ kind: StoreOutcome; id: Id }> {
    const own = ownable(plaintext);
    const target = this.pickWorker();
    const result = await this.postTo(target, { kind: 'storeChunk', data: own.buffer, offset: own.byteOffset, length: own.length, force, ...this.indexedFor(target) }, 1, transferList(own));
    if (result.kind !== 'storedChunk') throw new Error('a worker answered a storeChunk job with something else');
    return { kind: result.outcome, id: result.id };
  }

  async flushStore(): Promise<void> {
    this.smallFiles.flush();
    trace(`small-file batches: ${this.smallFiles.stats.worker} on a worker, ${this.smallFiles.stats.here} here`);
    await Promise.all([this.here.flushStore(), ...this.workers.map((_, n) => this.postTo(n, { kind: 'flush' }, 1))]);
  }

  /** Trees and single blobs are encoded here, but for large ones while a worker runs (for large files' chunks). */
  async encode(plaintext: Buffer, compress: boolean): Promise<EncodedBlob> {
    if (plaintext.length <= LARGE_BLOB || this.workers.length === 0) return this.here.encode(plaintext, compress);
    const own = ownable(plaintext);
    const r = await this.postTo(this.pickWorker(), { kind: 'encode', data: own.buffer, offset: own.byteOffset, length: own.length, compress }, 1, transferList(own));
    if (r.kind !== 'blob') throw new Error('a worker answered an encode job with something else');
    return { id: r.id, sealed: Buffer.from(r.sealed, r.offset, r.length), uncompressedLength: r.uncompressedLength };
  }

  private postTo(target: number, job: DistributiveOmit<WorkerJob, 'seq'>, weight: number, transfer: ArrayBuffer[] = []): Promise<WorkerResult> {
    if (this.failure) return Promise.reject(this.failure);
    const seq = this.seq++;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject, worker: target, weight });
      this.load[target] += weight;
      this.workers[target].postMessage({ seq, ...job }, transfer);
    });
  }

  async close(): Promise<void> {
    // Open packs' files are removed by their workers before the workers stop.
    await Promise.allSettled([this.here.close(), ...this.workers.map((_, n) => this.postTo(n, { kind: 'discard' }, 1))]);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** A worker's error rebuilt on this side: a BlobDecodeError, the error `fs` would have thrown, or a plain one. */
function rebuildError(info: { error: string; problem?: BlobProblem; fsError?: FsErrorInfo }): Error {
  if (info.problem) return new BlobDecodeError(info.problem, info.error);
  if (info.fsError) return rebuildFsError(info.fsError);
  return new Error(info.error);
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

function ownsWholeBuffer(buf: Uint8Array): boolean {
  return buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength && !(buf.buffer instanceof SharedArrayBuffer);
}

/** `data` as something a worker can get without copying it again: shared memory as it is, else a buffer of its own. */
function ownable(data: Buffer): Buffer {
  return data.buffer instanceof SharedArrayBuffer || ownsWholeBuffer(data) ? data : Buffer.from(data);
}

/** What to move rather than copy when posting `data` (shared memory is never moved). */
function transferList(data: Buffer): ArrayBuffer[] {
  return data.buffer instanceof SharedArrayBuffer ? [] : [data.buffer as ArrayBuffer];
}

/** A codec over `threads` worker threads (none: everything on this thread); `store` lets it store data blobs. */
export function createBlobCodec(key: MasterKey, threads = defaultThreads(), store?: StoreOptions): BlobCodec {
  const script = bundledScript('worker.js');
  if (!script || threads < 1) return new InlineCodec(key, store);
  return new WorkerPoolCodec(script, key, threads, store);
}

/**
 * LOCKSTEP_SMALL_FILE_WORKER=1 has small files stored through smallbatch.ts; off by default, because on this
 * project's loaded 2-core machine it measured slower than the main thread alone (see smallbatch.ts).
 */
function smallFilesOnWorker(): boolean {
  return process.env.LOCKSTEP_SMALL_FILE_WORKER === '1';
}

function defaultThreads(): number {
  const configured = Number(process.env.LOCKSTEP_WORKERS);
  if (Number.isInteger(configured) && configured >= 0) return configured;
  // The main thread walks folders, chunks large files and writes trees; the other cores store and open blobs.
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}
