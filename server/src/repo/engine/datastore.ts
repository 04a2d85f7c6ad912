// Data blobs stored by the thread that reads or receives them: hashed first, then (unless this thread stored the
// same blob before, or the index very probably has it) compressed, sealed into reused memory and appended to the
// thread's own pack file. Worker threads run one each; without workers, the writer runs one on the main thread.
import { blobPayload } from '../format/blobcodec';
import { CRYPTO_OVERHEAD, MasterKey, seal } from '../format/crypto';
import { Id, sha256 } from '../format/ids';
import { IndexedIds } from './indexedids';
import { FinishedPack, PackFileWriter } from './packfile';
import { readSmallFile } from './smallfile';

export interface DataStoreSetup {
  compress: boolean;
  packSize: number;
  /** Temporary pack files are `<pathPrefix><n>`. */
  pathPrefix: string;
}

/**
 * stored: appended to this thread's pack now; seen: this thread stored it before in this run; indexed: the index
 * very probably has it (the caller must check, and store it with `force` if not).
 */
export type StoreOutcome = 'stored' | 'seen' | 'indexed';

export type FileStoreResult = { kind: StoreOutcome; id: Id; length: number } | { kind: 'empty' } | { kind: 'unread' };

/**
 * A small file's content read and hashed by another thread (the backup's read-ahead), which may have made its
 * payload too: then it is only sealed and packed.
 */
export interface PreparedBlob {
  /** SHA-256 of the content: the blob's ID. */
  digest: Uint8Array;
  /** The content, or its zstd frame when `compressed`. */
  payload: Uint8Array;
  /** The content's length. */
  plainLength: number;
  compressed: boolean;
  /** The payload is the blob's (compressed where that helps, or found not to); else it is the content, to compress. */
  final: boolean;
}

/**
 * IDs this thread has stored in this run. Held to `limit` IDs: past that it starts again, which costs only
 * storage (a blob stored twice, which restic accepts), never correctness.
 */
class StoredIds {
  private ids = new Set<string>();
  constructor(private readonly limit = 1 << 18) {}
  has(id: string): boolean {
    return this.ids.has(id);
  }
  add(id: string): void {
    if (this.ids.size >= this.limit) this.ids = new Set();
    this.ids.add(id);
  }
}

export class DataPackStore {
  private readonly stored = new StoredIds();
  private readonly packs: PackFileWriter;
  private indexed: IndexedIds | undefined;
  private finished: FinishedPack[] = [];
  /** Small files are read into this, one at a time. */
  private readBuffer = Buffer.alloc(0);

  constructor(
    private readonly key: MasterKey,
    private readonly setup: DataStoreSetup,
  ) {
    this.packs = new PackFileWriter(key, setup.pathPrefix, setup.packSize);
  }

  /** The repository's data blobs (buildIndexedIds), once its index is read. */
  setIndexed(table: SharedArrayBuffer | undefined): void {
    this.indexed = table ? new IndexedIds(table) : undefined;
  }

  /**
   * Reads a file smaller than `limit` bytes whole and stores it as one blob; `unread` when it has `limit` bytes
   * or more by the time it is opened (the caller then reads it in chunks). Throws the file system's errors.
   */
  storeFile(path: Uint8Array, limit: number, force = false, knownSize?: number): FileStoreResult {
    if (this.readBuffer.length < limit + 1) this.readBuffer = Buffer.allocUnsafeSlow(limit + 1);
    const data = readSmallFile(path, limit, this.readBuffer, knownSize);
    if (data === undefined) return { kind: 'unread' };
    if (data.length === 0) return { kind: 'empty' };
    const { kind, id } = this.store(data, force);
    return { kind, id, length: data.length };
  }

  /** Stores one chunk; `plaintext` is only read. */
  store(plaintext: Uint8Array, force = false): { kind: StoreOutcome; id: Id } {
    const digest = sha256(plaintext);
    const id = digest.toString('hex');
    if (this.stored.has(id)) return { kind: 'seen', id };
    if (!force && this.indexed?.mayHave(digest)) return { kind: 'indexed', id };
    const { payload, uncompressedLength } = blobPayload(plaintext, this.setup.compress);
    this.append(id, payload, uncompressedLength);
    return { kind: 'stored', id };
  }

  /** Stores a small file's content read and hashed already (its payload made, or not yet); its payload is only read. */
  storePrepared(blob: PreparedBlob, force = false): { kind: StoreOutcome; id: Id } {
    const digest = blob.digest;
    const id = Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString('hex');
    if (this.stored.has(id)) return { kind: 'seen', id };
    if (!force && this.indexed?.mayHave(digest)) return { kind: 'indexed', id };
    if (blob.final) this.append(id, blob.payload, blob.compressed ? blob.plainLength : undefined);
    else {
      const { payload, uncompressedLength } = blobPayload(blob.payload, this.setup.compress);
      this.append(id, payload, uncompressedLength);
    }
    return { kind: 'stored', id };
  }

  /** Seals a blob's payload into this thread's pack. */
  private append(id: Id, payload: Uint8Array, uncompressedLength: number | undefined): void {
    const sealedLength = payload.length + CRYPTO_OVERHEAD;
    const done = this.packs.addWritten('data', id, sealedLength, (into) => seal(this.key, payload, into), uncompressedLength);
    if (done) this.finished.push(done);
    this.stored.add(id);
  }

  /** Finishes the open pack, if any. */
  flush(): void {
    const done = this.packs.finish();
    if (done) this.finished.push(done);
  }

  /** Packs finished since the last call. */
  takeFinished(): FinishedPack[] {
    const done = this.finished;
    this.finished = [];
    return done;
  }

  /** Drops the open pack's file. */
  discard(): void {
    this.packs.discard();
  }
}
