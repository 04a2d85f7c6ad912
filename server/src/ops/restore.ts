import { rmSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { throwIfAborted } from '../abort';
import { LockstepError } from '../errors';
import { goTimeSeconds } from '../repo/gotime';
import { Id } from '../repo/ids';
import { Repository } from '../repo/repository';
import { BlobSpanLoader } from '../repo/blobspans';
import { applyMetadata, FileMetadata } from '../repo/writefile';
import { decodeBlobBytes } from '../repo/blobcodec';
import { RestoredFileWriter } from '../repo/filewriter';
import { DecodedBlobs } from '../repo/restorefile';
import { zstdReady } from '../repo/zstd';
import { posixPermFromGoMode, TreeNode } from '../repo/tree';
import { describeFsError, isFsError } from './backup';
import { LargeFileRestorer } from './restorelarge';
import { Semaphore } from '../semaphore';
import { checkNodeName, loadTree } from './walk';
import { trace } from '../trace';
import { Turns } from '../yielding';

export interface RestoreOptions {
  snapshot: string;
  target: string;
  signal?: AbortSignal;
  onProgress?: (p: { filesDone: number; bytesDone: number }) => void;
  onWarning?: (path: string, message: string) => void;
}

export interface RestoreSummary {
  snapshotId: Id;
  filesRestored: number;
  dirsRestored: number;
  bytesRestored: number;
  warnings: string[];
}

/** Files being restored at once: enough to fill the batches of the writer thread. */
const FILES_IN_FLIGHT = 64;
const SMALL_FILE = 512 * 1024;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Restores a snapshot below `target`, never writing outside it. Folders are walked in order while their files are
 * written (small ones opened here and written, with their metadata, in batches by this thread and a writer thread); the folders' own metadata is set
 * last, children first, once nothing more is written into them.
 */
export async function restore(repo: Repository, options: RestoreOptions): Promise<RestoreSummary> {
  // Data blobs are decompressed here: with zstd's WebAssembly, which then reads index and trees too.
  if (repo.version >= 2) await zstdReady();
  await repo.loadIndex(options.signal);
  trace('index loaded');
  const entry = await repo.findSnapshot(options.snapshot, options.signal);
  trace('snapshot found');
  const target = path.resolve(options.target);
  const targetIsNew = (await fs.lstat(target).catch(() => undefined)) === undefined;
  await fs.mkdir(target, { recursive: true, mode: 0o700 });
  const run = new Restore(repo, options, entry.id);
  try {
    await run.writeEntries(entry.snapshot.tree, Buffer.from(target), targetIsNew);
    trace('files written');
    run.setFolderMetadata();
  } finally {
    await run.close();
  }
  return run.summary;
}

/**
 * One restore's phases: writeEntries walks the folders and writes their entries (many at once), setFolderMetadata
 * sets the folders' own metadata once nothing more is written into them, close stops the writer thread.
 */
class Restore {
  readonly summary: RestoreSummary;
  private readonly signal: AbortSignal | undefined;
  private readonly writer = new RestoredFileWriter();
  private readonly large: LargeFileRestorer;
  private readonly blobs: BlobSpanLoader;
  private readonly decoded = new DecodedBlobs();
  private readonly turns = new Turns();
  private readonly fileSlots = new Semaphore(FILES_IN_FLIGHT);
  /** Entries being written. */
  private readonly writing = new Set<Promise<void>>();
  /** The first of each set of hard links: its path once it is written (undefined if it could not be). */
  private readonly hardLinks = new Map<string, Promise<Buffer | undefined>>();
  /** Folders whose entries are all started, children before their parents. */
  private readonly finishedDirs: [Buffer, TreeNode][] = [];
  /** The first failure of an entry being written: it stops the restore. */
  private failure: unknown;
  private lastProgress = 0;

  constructor(
    private readonly repo: Repository,
    private readonly options: RestoreOptions,
    snapshotId: Id,
  ) {
    this.signal = options.signal;
    this.summary = { snapshotId, filesRestored: 0, dirsRestored: 0, bytesRestored: 0, warnings: [] };
    this.blobs = new BlobSpanLoader(repo, this.signal);
    this.large = new LargeFileRestorer(repo, this.writer, this.signal, (length) => (this.summary.bytesRestored += length));
  }

  /** Phase one: the tree `treeId` into the folder `dir`, and every entry started is written (or the first failure thrown). */
  async writeEntries(treeId: Id, dir: Buffer, fresh: boolean): Promise<void> {
    try {
      await this.restoreDir(treeId, dir, fresh);
    } finally {
      while (this.writing.size > 0) await Promise.all([...this.writing]);
    }
    if (this.failure !== undefined) throw this.failure;
  }

  /** Phase two: each folder's owner, mode and times; children before their parents (a folder without search permission would hide them from a non-root user). */
  setFolderMetadata(): void {
    for (const [dest, node] of this.finishedDirs) {
      try {
        applyMetadata(dest, metadataOf(node), false);
      } catch (err) {
        this.warn(dest, describeFsError(err));
      }
    }
  }

  /** Last, whatever happened: the writer thread stops. */
  close(): Promise<void> {
    return this.writer.close();
  }

  private async restoreDir(treeId: Id, dir: Buffer, fresh: boolean): Promise<void> {
    const nodes = await loadTree(this.repo, treeId, this.signal);
    for (const node of nodes) checkNodeName(node.name, `tree ${treeId}`);
    this.blobs.plan(nodes.filter(isSmallFile).map((node) => (node.content ?? [])[0]));
    const folder: FolderContext = { fresh };
    const dirs: [Buffer, TreeNode][] = [];
    for (const node of nodes) {
      const turn = this.turns.maybeYield();
      if (turn) await turn;
      const dest = Buffer.concat([dir, Buffer.from('/'), node.name]);
      if (node.type === 'dir') dirs.push([dest, node]);
      else await this.startEntry(dest, node, folder);
    }
    for (const [dest, node] of dirs) {
      throwIfAborted(this.signal);
      if (this.failure !== undefined) throw this.failure;
      const created = await ensureDir(dest, fresh);
      if (!node.subtree) throw new LockstepError(`folder ${dest.toString()} has no subtree in the snapshot`);
      await this.restoreDir(node.subtree, dest, created);
      this.summary.dirsRestored++;
      this.finishedDirs.push([dest, node]);
    }
  }

  /** Starts restoring an entry once a slot is free; its failure stops the restore. */
  private async startEntry(dest: Buffer, node: TreeNode, folder: FolderContext): Promise<void> {
    const release = await this.fileSlots.acquire();
    if (this.failure !== undefined) {
      release();
      throw this.failure;
    }
    const task: Promise<void> = this.restoreEntry(dest, node, folder)
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => {
        this.writing.delete(task);
        release();
      });
    this.writing.add(task);
  }

  private async restoreEntry(dest: Buffer, node: TreeNode, folder: FolderContext): Promise<void> {
    try {
      throwIfAborted(this.signal);
      if (node.type === 'file') {
        if (await this.restoreFile(dest, node, folder)) return;
      } else if (node.type === 'symlink') {
        if (!folder.fresh) await fs.rm(dest, { recursive: true, force: true });
        await fs.symlink(node.linktarget ?? Buffer.alloc(0), dest);
      } else {
        this.warn(dest, `${node.type} entries are not restored`);
        return;
      }
      applyMetadata(dest, metadataOf(node), node.type === 'symlink');
    } catch (err) {
      if (err instanceof LockstepError || !isFsError(err)) throw err;
      this.warn(dest, describeFsError(err));
    }
  }

  /** Restores a file; resolves to whether its metadata is set already. */
  private async restoreFile(dest: Buffer, node: TreeNode, folder: FolderContext): Promise<boolean> {
    const linkKey = node.links !== undefined && node.links > 1n && node.inode !== undefined ? `${node.deviceId}:${node.inode}` : undefined;
    // The first of a set of hard links is written; the others link to it once it is (if it could be).
    const first = linkKey ? this.hardLinks.get(linkKey) : undefined;
    const existing = await first;
    if (existing) {
      // A fresh entry each time: an existing one might be a link that leads out of the target.
      if (!folder.fresh) rmSync(dest, { recursive: true, force: true });
      await fs.link(existing, dest);
      return false;
    }
    let written: ((path: Buffer | undefined) => void) | undefined;
    if (linkKey && !first) this.hardLinks.set(linkKey, new Promise((resolve) => (written = resolve)));
    try {
      const metadataSet = await this.writeFile(dest, node, folder);
      written?.(dest);
      return metadataSet;
    } finally {
      written?.(undefined);
    }
  }

  /** Writes a file's data; resolves to whether its metadata is set already. */
  private async writeFile(dest: Buffer, node: TreeNode, folder: FolderContext): Promise<boolean> {
    const ids = node.content ?? [];
    if (isSmallFile(node)) {
      const data = await this.smallFileData(ids[0]);
      await this.writer.write(dest, data, metadataOf(node), !folder.fresh);
      this.summary.bytesRestored += data.length;
      this.fileDone();
      return true;
    }
    await this.large.write(dest, ids, !folder.fresh);
    this.fileDone();
    return false;
  }

  /** A small file's one blob, opened here (or kept from an earlier file that has it too). */
  private async smallFileData(id: Id): Promise<Buffer> {
    const kept = this.decoded.get(id);
    if (kept) return kept;
    const location = this.repo.index.lookup('data', id);
    if (!location) throw new LockstepError(`data blob ${id} is not in the index (the repository is missing data)`);
    const sealed = (await this.blobs.load(id)).sealed;
    let data: Buffer;
    try {
      data = decodeBlobBytes(this.repo.key, sealed, location.blob.uncompressedLength, id);
    } catch (err) {
      throw this.repo.blobFailure('data', id, location.packId, err);
    }
    this.decoded.keep(id, data);
    return data;
  }

  private fileDone(): void {
    const { summary, options } = this;
    summary.filesRestored++;
    const now = Date.now();
    if (options.onProgress && now - this.lastProgress > 200) {
      this.lastProgress = now;
      options.onProgress({ filesDone: summary.filesRestored, bytesDone: summary.bytesRestored });
    }
  }

  private warn(where: Buffer, message: string): void {
    const shown = where.toString();
    this.summary.warnings.push(`${shown}: ${message}`);
    this.options.onWarning?.(shown, message);
  }
}

/** Makes sure `dest` is a folder; resolves to whether it was made now (and so is empty). */
async function ensureDir(dest: Buffer, parentIsNew: boolean): Promise<boolean> {
  if (parentIsNew) {
    try {
      await fs.mkdir(dest, { mode: 0o700 });
      return true;
    } catch (err) {
      // Something has the name already (a tree that names it twice): handle it as in any folder.
      if (!isFsError(err) || err.code !== 'EEXIST') throw err;
    }
  }
  const st = await fs.lstat(dest).catch(() => undefined);
  if (st?.isDirectory()) return false;
  if (st) await fs.rm(dest, { recursive: true, force: true });
  await fs.mkdir(dest, { mode: 0o700 });
  return true;
}

/** A folder being restored: whether this restore made it (nothing to replace in it). */
interface FolderContext {
  fresh: boolean;
}

/** A file of one blob small enough to be written in one go (by a worker thread). */
function isSmallFile(node: TreeNode): boolean {
  return node.type === 'file' && node.content?.length === 1 && node.size !== undefined && node.size <= BigInt(SMALL_FILE);
}

/** The owner (as root only), mode and times a restored entry gets. */
function metadataOf(node: TreeNode): FileMetadata {
  return {
    owner: isRoot ? { uid: node.uid, gid: node.gid } : undefined,
    perm: node.type !== 'symlink' && node.mode !== undefined ? posixPermFromGoMode(node.mode) : undefined,
    atime: goTimeSeconds(node.atime),
    mtime: goTimeSeconds(node.mtime),
  };
}
