import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { throwIfAborted } from '../../base/abort';
import { saveLocalFile } from '../../backend/backend';
import { EncodedBlob } from '../format/blobcodec';
import { DataStoreSetup, PreparedBlob, StoreOutcome } from './datastore';
import { Id, sha256Hex } from '../format/ids';
import { encodeIndex, IndexPack, indexFileBatches } from '../format/indexfile';
import { buildIndexedIdsFrom } from './indexedids';
import { BlobType, PackedBlob } from '../format/pack';
import { FinishedPack, PackFileWriter } from './packfile';
import { Repository } from '../repository';
import { Semaphore } from '../../base/semaphore';
import { BlobCodec, createBlobCodec } from './workerpool';
import type { QueuedFile } from './smallbatch';

/** What became of a small file handed to `storeFile`. */
export type StoredFileOutcome =
  /** Read and stored on this thread. */
  | { kind: 'stored'; id: Id; length: number }
  /** Read, and being stored (on a worker where one runs): `id` resolves once its blob is in a pack. */
  | { kind: 'queued'; id: Promise<Id>; length: number }
  | { kind: 'empty' }
  /** Too large by the time it was opened, or grew while read: the caller reads it piecewise. */
  | { kind: 'unread' }
  /** Reading failed; `error` is what the file system (or the worker) threw. */
  | { kind: 'failed'; error: unknown };

/** restic 0.14's default minimum pack size. */
export const DEFAULT_PACK_SIZE = 16 * 1024 * 1024;
const MAX_UPLOADS = 2;
/** Finished data packs waiting to be stored: past this, no more data is handed out (a slow remote holds it back). */
const MAX_WAITING_PACKS = 4;
/** Blobs (up to 8 MiB each) being encoded at once. */
const MAX_ENCODING_BLOBS = 6;

/**
 * The numbers in the staged names of the packs this writer fills itself (blobs given to `save`): codec threads
 * are numbered from 0 (storeSetup), so these stay apart from theirs.
 */
const SAVED_PACKS_STORE: Record<BlobType, number> = { tree: 1000, data: 1001 };

export interface BlobWriterStats {
  dataBlobs: number;
  treeBlobs: number;
  /** Bytes added to the repository (sealed, after compression). */
  addedBytes: number;
  addedPlainBytes: number;
}

/**
 * Stores new blobs, deduplicated against the index and the blobs in flight. Data from files and chunks goes to the
 * codec's threads, which hash, compress, seal and write it into pack files of their own, prepared where the
 * backend can store them by renaming (else in the system's temporary folder); blobs given with `save` (trees,
 * repacked data) are encoded here and written into pack files prepared the same way. Finished packs are stored as
 * they come, and `commitIndex` writes the index that makes them part of the repository: nothing is referenced before.
 */
export class BlobWriter {
  private readonly encoder: BlobCodec;
  private readonly inFlight = new Set<string>();
  /** Packs of the blobs given to `save`, one open pack file per type (restic keeps trees and data apart). */
  private readonly savedPacks = new Map<BlobType, PackFileWriter>();
  private readonly uploads = new Set<Promise<void>>();
  private readonly work = new Set<Promise<void>>();
  private readonly places = new Semaphore(MAX_ENCODING_BLOBS);
  private readonly uploadSlots = new Semaphore(MAX_UPLOADS);
  private readonly newPacks: IndexPack[] = [];
  /** Data packs the threads finished that are not stored yet, and what waits for their number to drop. */
  private waitingPacks = 0;
  private packWaiters: (() => void)[] = [];
  /** Temporary pack files are named with this prefix (plus the thread's number and a count). */
  private readonly stagingPrefix: string;
  private failure: unknown;
  readonly stats: BlobWriterStats = { dataBlobs: 0, treeBlobs: 0, addedBytes: 0, addedPlainBytes: 0 };

  constructor(
    private readonly repo: Repository,
    private readonly options: { compress: boolean; packSize?: number; signal?: AbortSignal; threads?: number },
  ) {
    const dir = repo.backend.stagingDir?.() ?? tmpdir();
    this.stagingPrefix = path.join(dir, stagedPackPrefix(hostname(), process.pid, randomBytes(4).toString('hex')));
    this.encoder = createBlobCodec(repo.key, options.threads, {
      setup: (n) => this.storeSetup(n),
      indexed: () => {
        return this.repo.index.dataBlobCount > 0 ? buildIndexedIdsFrom(this.repo.index) : undefined;
      },
      onPacks: (packs) => {
        for (const pack of packs) this.storePack(pack);
      },
      known: (id) => this.has('data', id),
    });
  }

  /** Whether data blobs are compressed (where that helps): asked for, and the repository's version has it. */
  get compress(): boolean {
    return this.options.compress && this.repo.version >= 2;
  }

  private get packSize(): number {
    return this.options.packSize ?? DEFAULT_PACK_SIZE;
  }

  private storeSetup(n: number): DataStoreSetup {
    return { compress: this.compress, packSize: this.packSize, pathPrefix: `${this.stagingPrefix}${n}-tmp-` };
  }

  /** Whether the repository has (or will have, once flushed) this blob. */
  has(type: BlobType, id: Id): boolean {
    return this.repo.index.has(type, id) || this.inFlight.has(type + id);
  }

  /**
   * Queues a blob that is encoded and packed here (trees; data being repacked); returns its ID once the blob is
   * accepted (it may still be encoding). Takes ownership of `plaintext`. Errors from the background surface here
   * or from `commitIndex`.
   */
  async save(type: BlobType, plaintext: Buffer, knownId?: Id): Promise<{ id: Id; added: boolean }> {
    this.throwIfFailed();
    const id = knownId ?? sha256Hex(plaintext);
    if (this.has(type, id)) return { id, added: false };
    // The next backup's parent trees are this one's: kept (found only once the index lists them).
    if (type === 'tree' && this.repo.caches.keepsWrittenTrees) this.repo.caches.trees.set(id, plaintext);
    this.inFlight.add(type + id);
    const release = await this.takePlace();
    const plainLength = plaintext.length;
    this.track(release, this.encoder.encode(plaintext, this.compress).then((encoded) => this.addToPack(type, id, encoded, plainLength)));
    return { id, added: true };
  }

  /**
   * Queues a chunk of a file, to be stored by a storing thread. Resolves once the chunk is accepted, to a promise
   * of its ID (wrapped, as a promise cannot resolve to a promise); `plaintext` must stay as it is until then.
   */
  async enqueueData(plaintext: Buffer): Promise<{ id: Promise<Id> }> {
    const release = await this.takePlace();
    const id = this.encoder.storeChunk(plaintext).then(async (first) => {
      const { kind, id: blobId } = first;
      if (kind === 'indexed' && !this.has('data', blobId)) this.stored((await this.encoder.storeChunk(plaintext, true)).kind, blobId, plaintext.length);
      else this.stored(kind, blobId, plaintext.length);
      return blobId;
    });
    this.track(release, id);
    return { id };
  }

  /**
   * Reads a file smaller than `limit` bytes (`knownSize` when it was looked at) on this thread and has it stored as
   * one data blob (by a worker where one runs); call ready() before the first, and wait for waitForRoom() before each.
   */
  storeFile(path: Buffer, limit: number, knownSize?: number): StoredFileOutcome {
    return this.storeSmall(() => this.encoder.queueFile(path, limit, knownSize));
  }

  /** Stores a small file's content made into a blob already (PreparedBlob); its payload is free once this returns. */
  storePrepared(blob: PreparedBlob): StoredFileOutcome {
    return this.storeSmall(() => this.encoder.storePrepared(blob));
  }

  private storeSmall(queue: () => QueuedFile): StoredFileOutcome {
    try {
      this.throwIfFailed();
      const read = queue();
      if (read.kind === 'empty' || read.kind === 'unread') return read;
      if (read.kind === 'done') {
        this.stored(read.outcome, read.id, read.length);
        return { kind: 'stored', id: read.id, length: read.length };
      }
      const id = read.stored.then(({ kind, id: blobId }) => {
        this.stored(kind, blobId, read.length);
        return blobId;
      });
      this.track(() => undefined, id);
      return { kind: 'queued', id, length: read.length };
    } catch (error) {
      return { kind: 'failed', error };
    }
  }

  /**
   * Undefined when there is room for more data now, else a promise that resolves once there is (few enough finished
   * packs wait to be stored; a slow remote holds the backup back). Rejects once the writer has failed.
   */
  waitForRoom(): Promise<void> | undefined {
    if (this.waitingPacks < MAX_WAITING_PACKS && this.failure === undefined) return undefined;
    return (async () => {
      while (this.waitingPacks >= MAX_WAITING_PACKS && this.failure === undefined) await new Promise<void>((resolve) => this.packWaiters.push(resolve));
      this.throwIfFailed();
    })();
  }

  /** Loads what storing needs (zstd, when compressing); before the first storeFile. */
  ready(): Promise<void> {
    return this.encoder.ready(this.compress);
  }

  /** Notes a data blob a thread stored (it is in flight until its pack is stored). */
  private stored(kind: StoreOutcome, id: Id, plainLength: number): void {
    if (kind !== 'stored') return;
    this.inFlight.add('data' + id);
    this.stats.addedPlainBytes += plainLength;
  }

  /** Counts `task` as work in flight until it settles, then gives its place back; its failure fails the writer. */
  private track(release: () => void, task: Promise<unknown>): void {
    const tracked: Promise<void> = task
      .then(
        () => undefined,
        (err: unknown) => {
          this.failure ??= err;
        },
      )
      .finally(() => {
        this.work.delete(tracked);
        release();
      });
    this.work.add(tracked);
  }

  /**
   * Waits, in turn (thousands of chunks may be waiting), for a place for one more blob to encode, and until
   * few enough finished packs wait to be stored. A waiter that finds the writer failed or cancelled gives its
   * place straight back, so the next one wakes and sees it too.
   */
  private async takePlace(): Promise<() => void> {
    this.throwIfFailed();
    const release = await this.places.acquire();
    try {
      const room = this.waitForRoom();
      if (room) await room;
      this.throwIfFailed();
    } catch (err) {
      release();
      throw err;
    }
    return release;
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
    throwIfAborted(this.options.signal);
  }

  /**
   * Stores a finished pack, then lists it in the index to come. A thread's packs are counted in the stats here;
   * the writer's own (`countBlobs` false) blob by blob as they were added.
   */
  private storePack(pack: FinishedPack, countBlobs = true): void {
    this.waitingPacks++;
    const task = (async (): Promise<void> => {
      const release = await this.uploadSlots.acquire();
      try {
        this.throwIfFailed();
        await saveLocalFile(this.repo.backend, { type: 'data', name: pack.id }, pack.path, this.options.signal);
      } catch (err) {
        await rm(pack.path, { force: true });
        throw err;
      } finally {
        release();
      }
      this.packStored(pack.id, pack.blobs);
      if (!countBlobs) return;
      this.stats.dataBlobs += pack.blobs.length;
      this.stats.addedBytes += pack.size;
    })().finally(() => {
      this.waitingPacks--;
      for (const wake of this.packWaiters.splice(0)) wake();
    });
    this.trackUpload(task);
  }

  private packStored(packId: Id, blobs: PackedBlob[]): void {
    // Its blobs stay in flight (known to this writer only) until an index file lists them: the repository's index,
    // which other operations of a backend's session share, has them only then.
    this.newPacks.push({ id: packId, blobs });
  }

  private trackUpload(task: Promise<void>): void {
    const tracked = task
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => this.uploads.delete(tracked));
    this.uploads.add(tracked);
  }

  private addToPack(type: BlobType, id: Id, encoded: EncodedBlob, plainLength: number): void {
    let packs = this.savedPacks.get(type);
    if (!packs) {
      packs = new PackFileWriter(this.repo.key, `${this.stagingPrefix}${SAVED_PACKS_STORE[type]}-tmp-`, this.packSize);
      this.savedPacks.set(type, packs);
    }
    const finished = packs.add(type, id, encoded.sealed, encoded.uncompressedLength);
    if (type === 'data') this.stats.dataBlobs++;
    else this.stats.treeBlobs++;
    this.stats.addedBytes += encoded.sealed.length;
    this.stats.addedPlainBytes += plainLength;
    if (finished) this.storePack(finished, false);
  }

  /** Waits until every queued blob is in a stored pack. */
  async flushPacks(): Promise<void> {
    while (this.work.size > 0) await Promise.all([...this.work]);
    this.throwIfFailed();
    await this.encoder.flushStore();
    for (const packs of this.savedPacks.values()) {
      const finished = packs.finish();
      if (finished) this.storePack(finished, false);
    }
    while (this.uploads.size > 0) await Promise.all([...this.uploads]);
    this.throwIfFailed();
  }

  /**
   * Flushes the packs, then writes the index files for them (indexFileBatches): the commit point that makes the new
   * blobs part of the repository. Checks the signal (the lock) right before writing each. Returns their IDs.
   */
  async commitIndex(): Promise<Id[]> {
    await this.flushPacks();
    const written: Id[] = [];
    for (const packs of indexFileBatches(this.newPacks.splice(0))) {
      throwIfAborted(this.options.signal);
      const id = await this.repo.saveUnpacked('index', encodeIndex({ supersedes: [], packs }), this.options.signal);
      this.repo.index.add({ supersedes: [], packs }, id);
      for (const pack of packs) for (const blob of pack.blobs) this.inFlight.delete(blob.type + blob.id);
      written.push(id);
    }
    return written;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.work, ...this.uploads]);
    for (const packs of this.savedPacks.values()) packs.discard();
    await this.encoder.close();
    await removeStagedPacks(this.stagingPrefix);
  }
}

/**
 * The name a staged pack file of this process starts with: host and PID, so that prune can tell whose a leftover
 * is (ops/leftovers.ts); stagedPackWriter reads them back.
 */
export function stagedPackPrefix(host: string, pid: number, random: string): string {
  return `lockstep-${safeHostName(host)}-${pid}-${random}-`;
}

/** The host and PID that staged a pack file, from its name; undefined for any other name. */
export function stagedPackWriter(name: string): { host: string; pid: number } | undefined {
  const match = /^lockstep-(.+)-(\d+)-[0-9a-f]{8}-\d+-tmp-\d+$/.exec(name);
  return match ? { host: match[1], pid: Number(match[2]) } : undefined;
}

/** A host name as it appears in a staged pack's name. */
export function safeHostName(host: string): string {
  return host.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Removes temporary pack files left under `prefix` (by threads that stopped, or packs never stored). */
async function removeStagedPacks(prefix: string): Promise<void> {
  const dir = path.dirname(prefix);
  const start = path.basename(prefix);
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((name) => name.startsWith(start)).map((name) => rm(path.join(dir, name), { force: true })));
}
