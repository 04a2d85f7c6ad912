// What an open repository remembers between operations of one session (service/reposession.ts): its index, the
// trees it read and the snapshot files' texts. All are keyed by content IDs, so what they hold never becomes false;
// it only stops being part of the repository, which each operation checks under its lock (Repository.loadIndex,
// listSnapshots) before it uses any of it.
import { MasterIndex } from './format/masterindex';
import { Id } from './format/ids';

/**
 * Trees kept for parents and restores, by default: a workspace of 5,000 files has about 2 MiB of trees. The backend
 * empties the cache once it is idle (RepositorySession.releaseIdle): a backup of a few changed files reads again only
 * the trees of their folders and those folders' ancestors.
 */
export const DEFAULT_TREE_CACHE_BYTES = 8 * 1024 * 1024;

/** Blobs by ID, least recently used dropped first once their bytes pass the bound. */
export class ByteBoundedCache {
  private readonly entries = new Map<Id, Buffer>();
  private bytes = 0;

  constructor(readonly maxBytes: number) {}

  get(id: Id): Buffer | undefined {
    const value = this.entries.get(id);
    if (value === undefined) return undefined;
    this.entries.delete(id);
    this.entries.set(id, value);
    return value;
  }

  set(id: Id, value: Buffer): void {
    if (value.length > this.maxBytes / 4) return;
    this.delete(id);
    // A copy of its own: a view into a larger buffer (a pack, Buffer's pool) would keep all of it alive, and a
    // buffer being written may be handed to a worker thread (and emptied here).
    const own = Buffer.allocUnsafeSlow(value.length);
    value.copy(own);
    this.entries.set(id, own);
    this.bytes += own.length;
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= old.length;
    }
  }

  delete(id: Id): void {
    const old = this.entries.get(id);
    if (old === undefined) return;
    this.entries.delete(id);
    this.bytes -= old.length;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  /** Drops every entry `keep` refuses. */
  retain(keep: (id: Id) => boolean): void {
    for (const id of [...this.entries.keys()]) if (!keep(id)) this.delete(id);
  }

  get size(): number {
    return this.bytes;
  }
}

export class RepositoryCaches {
  readonly index = new MasterIndex();
  readonly trees: ByteBoundedCache;
  /** Decrypted snapshot files by ID (a snapshot file never changes; one gone is dropped at the next listing). */
  readonly snapshotTexts = new Map<Id, string>();
  /** The index read started while the lock is acquired, met by the next loadIndex. */
  indexPrefetch: Promise<void> | undefined;
  /** The index is read by one operation at a time; the next waits for this. */
  indexReading: Promise<void> = Promise.resolve();

  /**
   * @param keepsWrittenTrees whether trees this repository writes are kept too, as the next backup's parent: for a
   *   session that lives on (the backend). A command's process ends with its backup; there they would only hold
   *   memory (8 MiB at the peak of a first backup of 50,000 files).
   */
  constructor(
    treeCacheBytes = DEFAULT_TREE_CACHE_BYTES,
    readonly keepsWrittenTrees = false,
  ) {
    this.trees = new ByteBoundedCache(treeCacheBytes);
  }
}
