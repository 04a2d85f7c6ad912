import { throwIfAborted } from '../abort';
import { EncodedBlob, looksRandom, sealedLength } from './blobcodec';
import { Id, sha256Hex } from './ids';
import { encodeIndex, IndexPack } from './indexfile';
import { BlobType, encodePackHeader, PackedBlob } from './pack';
import { Repository } from './repository';
import { Semaphore } from '../semaphore';
import { SealArena } from './sealarena';
import { BlobCodec, createBlobCodec } from './workerpool';

/** What became of a small file handed to `enqueueFile`. */
export type QueuedFileOutcome =
  | { kind: 'stored'; id: Id; length: number }
  | { kind: 'empty' }
  /** Too large by the time it was opened, or grew while read: the caller reads it piecewise. */
  | { kind: 'unread' }
  /** Reading failed; `error` is what the file system (or the worker) threw. */
  | { kind: 'failed'; error: unknown };

/** restic 0.14's default minimum pack size. */
export const DEFAULT_PACK_SIZE = 16 * 1024 * 1024;
const MAX_UPLOADS = 2;
/** Shared memory slabs for sealed blobs: a chunk (at most 8 MiB) and its crypto overhead always fit. */
const SEAL_SLAB_SIZE = 16 * 1024 * 1024;
/** Blobs (up to 8 MiB each) being encoded at once. */
const MAX_ENCODING_BLOBS = 6;
/** Small files (under 512 KiB each) being read and encoded at once: enough to batch them to the workers. */
const MAX_QUEUED_FILES = 64;

/** Work is limited per class: a queue full of small files does not hold back the folders' trees. */
type WorkClass = 'blob' | 'file';

interface OpenPack {
  parts: Buffer[];
  blobs: PackedBlob[];
  size: number;
}

export interface BlobWriterStats {
  dataBlobs: number;
  treeBlobs: number;
  /** Bytes added to the repository (sealed, after compression). */
  addedBytes: number;
  addedPlainBytes: number;
}

/**
 * Stores new blobs: deduplicates against the index and the blobs in flight, encodes them (on worker
 * threads), gathers them into packs per type, uploads full packs and finally writes the index.
 * Nothing it writes is referenced until `commitIndex` writes the index.
 */
export class BlobWriter {
  private readonly encoder: BlobCodec;
  private readonly inFlight = new Set<string>();
  private readonly open = new Map<BlobType, OpenPack>();
  private readonly uploads = new Set<Promise<void>>();
  private readonly work = new Set<Promise<void>>();
  private readonly arena = new SealArena(SEAL_SLAB_SIZE);
  private readonly places: Record<WorkClass, Semaphore> = { blob: new Semaphore(MAX_ENCODING_BLOBS), file: new Semaphore(MAX_QUEUED_FILES) };
  private readonly newPacks: IndexPack[] = [];
  private failure: unknown;
  readonly stats: BlobWriterStats = { dataBlobs: 0, treeBlobs: 0, addedBytes: 0, addedPlainBytes: 0 };

  constructor(
    private readonly repo: Repository,
    private readonly options: { compress: boolean; packSize?: number; signal?: AbortSignal; threads?: number },
  ) {
    this.encoder = createBlobCodec(repo.key, options.threads);
  }

  private get compress(): boolean {
    return this.options.compress && this.repo.version >= 2;
  }

  /** Whether the repository has (or will have, once flushed) this blob. */
  has(type: BlobType, id: Id): boolean {
    return this.repo.index.has(type, id) || this.inFlight.has(type + id);
  }

  /**
   * Queues a blob; returns its ID once the blob is accepted (it may still be encoding). Takes
   * ownership of `plaintext`. Errors from the background surface here or from `commitIndex`.
   */
  async save(type: BlobType, plaintext: Buffer, knownId?: Id): Promise<{ id: Id; added: boolean }> {
    this.throwIfFailed();
    const id = knownId ?? sha256Hex(plaintext);
    if (this.has(type, id)) return { id, added: false };
    this.inFlight.add(type + id);
    const release = await this.takePlace('blob');
    const plainLength = plaintext.length;
    const { compress, into } = this.sealTarget(plaintext);
    this.track(release, this.encoder.encode(plaintext, compress, into).then((encoded) => this.addToPack(type, id, encoded, plainLength)));
    return { id, added: true };
  }

  /**
   * How a blob is to be encoded: one stored as it is (no compression, or data that looks random, which would not
   * shrink) has a known sealed size and is sealed into the arena's reused shared memory.
   */
  private sealTarget(plaintext: Buffer): { compress: boolean; into?: Buffer } {
    if (this.compress && !looksRandom(plaintext)) return { compress: true };
    return { compress: false, into: this.arena.reserve(sealedLength(plaintext.length)) };
  }

  /**
   * Queues a data blob whose ID is not known yet (it is hashed on a worker thread). Resolves once the
   * blob is accepted, to a promise of its ID (wrapped, as a promise cannot resolve to a promise).
   * Duplicates are dropped when the ID is known.
   */
  async enqueueData(plaintext: Buffer): Promise<{ id: Promise<Id> }> {
    const release = await this.takePlace('blob');
    const plainLength = plaintext.length;
    const { compress, into } = this.sealTarget(plaintext);
    const id = this.encoder.encode(plaintext, compress, into).then(async (encoded) => {
      await this.addDataUnlessKnown(encoded, plainLength);
      return encoded.id;
    });
    this.track(release, id);
    return { id };
  }

  /**
   * Queues a file smaller than `limit` bytes to be read, hashed and encoded as one data blob (on a worker
   * thread where there is one). Resolves once the file is accepted, to a promise of what became of it.
   */
  async enqueueFile(path: Buffer, limit: number): Promise<{ outcome: Promise<QueuedFileOutcome> }> {
    const release = await this.takePlace('file');
    const outcome = this.encoder.encodeFile(path, this.compress, limit).then(
      async (read): Promise<QueuedFileOutcome> => {
        if (read.kind !== 'blob') return read;
        await this.addDataUnlessKnown(read.blob, read.length);
        return { kind: 'stored', id: read.blob.id, length: read.length };
      },
      (error: unknown): QueuedFileOutcome => ({ kind: 'failed', error }),
    );
    this.track(release, outcome);
    return { outcome };
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
   * Waits, in turn (thousands of files may be waiting), for a place for one more task of its class. A waiter that
   * finds the writer failed or cancelled gives its place straight back, so the next one wakes and sees it too.
   */
  private async takePlace(workClass: WorkClass): Promise<() => void> {
    this.throwIfFailed();
    const release = await this.places[workClass].acquire();
    try {
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

  /** A data blob hashed only now goes into a pack unless the repository has it (or will): then it is dropped. */
  private async addDataUnlessKnown(encoded: EncodedBlob, plainLength: number): Promise<void> {
    if (this.has('data', encoded.id)) {
      this.arena.release(encoded.sealed);
      return;
    }
    this.inFlight.add('data' + encoded.id);
    await this.addToPack('data', encoded.id, encoded, plainLength);
  }

  private async addToPack(type: BlobType, id: Id, encoded: EncodedBlob, plainLength: number): Promise<void> {
    let pack = this.open.get(type);
    if (!pack) {
      pack = { parts: [], blobs: [], size: 0 };
      this.open.set(type, pack);
    }
    pack.blobs.push({ type, id, offset: pack.size, length: encoded.sealed.length, uncompressedLength: encoded.uncompressedLength });
    pack.parts.push(encoded.sealed);
    pack.size += encoded.sealed.length;
    if (type === 'data') this.stats.dataBlobs++;
    else this.stats.treeBlobs++;
    this.stats.addedBytes += encoded.sealed.length;
    this.stats.addedPlainBytes += plainLength;
    if (pack.size >= (this.options.packSize ?? DEFAULT_PACK_SIZE)) {
      this.open.delete(type);
      await this.upload(pack);
    }
  }

  private async upload(pack: OpenPack): Promise<void> {
    while (this.uploads.size >= MAX_UPLOADS) await Promise.race(this.uploads);
    throwIfAborted(this.options.signal);
    const header = encodePackHeader(this.repo.key, pack.blobs);
    const parts = [...pack.parts, header];
    const packId = sha256Hex(...parts);
    const task = this.repo.backend.save({ type: 'data', name: packId }, parts, this.options.signal).then(() => {
      this.newPacks.push({ id: packId, blobs: pack.blobs });
      this.repo.index.addPack(packId, pack.blobs);
      for (const blob of pack.blobs) this.inFlight.delete(blob.type + blob.id);
      // Only after a save that succeeded: one that failed might still be reading its parts.
      for (const part of pack.parts) this.arena.release(part);
    });
    const tracked = task
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => this.uploads.delete(tracked));
    this.uploads.add(tracked);
  }

  /** Waits until every queued blob is in an uploaded pack. */
  async flushPacks(): Promise<void> {
    while (this.work.size > 0) await Promise.all([...this.work]);
    this.throwIfFailed();
    for (const [type, pack] of [...this.open]) {
      this.open.delete(type);
      await this.upload(pack);
    }
    while (this.uploads.size > 0) await Promise.all([...this.uploads]);
    this.throwIfFailed();
  }

  /**
   * Flushes the packs, then writes one index file for them: the commit point that makes the new
   * blobs part of the repository. Checks the signal (the lock) right before writing.
   */
  async commitIndex(): Promise<Id | undefined> {
    await this.flushPacks();
    if (this.newPacks.length === 0) return undefined;
    throwIfAborted(this.options.signal);
    const packs = this.newPacks.splice(0);
    const id = await this.repo.saveUnpacked('index', encodeIndexOf(packs), this.options.signal);
    this.repo.index.indexFiles.add(id);
    return id;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.work, ...this.uploads]);
    await this.encoder.close();
  }
}

function encodeIndexOf(packs: IndexPack[]): string {
  return encodeIndex({ supersedes: [], packs });
}
