import { constants as C, rmSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { throwIfAborted } from '../base/abort';
import { LockstepError } from '../base/errors';
import { goTimeSeconds } from '../repo/gotime';
import { Id } from '../repo/ids';
import { Repository } from '../repo/repository';
import { BlobSpanLoader } from '../repo/blobspans';
import { applyMetadata, FileMetadata } from '../repo/writefile';
import { BlobDecodeError, decodeBlobBytes, openBlob } from '../repo/blobcodec';
import { BlobSlots, SLOT_BYTES } from '../repo/blobslots';
import { ChunkHashMismatch, RestoredFileWriter } from '../repo/filewriter';
import { DecodedBlobs } from '../repo/restorefile';
import { zstdReady } from '../repo/zstd';
import { posixPermFromGoMode, TreeNode } from '../repo/tree';
import { describeFsError, isFsError } from './backup';
import { Semaphore } from '../base/semaphore';
import { checkNodeName, loadTree } from './walk';
import { trace } from '../base/trace';
import { Turns } from '../base/yielding';

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
/** Of those, large files (several blobs, read ahead): they hold memory. */
const LARGE_FILES_IN_FLIGHT = 4;
const PREFETCH_BLOBS = 2;
/** A large file's blobs given to the writer thread and not yet written, beyond the one being written. */
const WRITES_IN_FLIGHT = 1;
/** Blobs of large files in memory at once, all files together: read ahead, being opened or being written. */
const BLOB_SLOTS = PREFETCH_BLOBS + WRITES_IN_FLIGHT + 1;
const SMALL_FILE = 512 * 1024;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Restores a snapshot below `target`, never writing outside it. Folders are walked in order while their files are
 * written (small ones opened here and written, with their metadata, in batches by this thread and a writer thread); the folders' own metadata is set
 * last, children first, once nothing more is written into them.
 */
export async function restore(repo: Repository, options: RestoreOptions): Promise<RestoreSummary> {
  const { signal } = options;
  // Data blobs are decompressed here: with zstd's WebAssembly, which then reads index and trees too.
  if (repo.version >= 2) await zstdReady();
  await repo.loadIndex(signal);
  trace('index loaded');
  const entry = await repo.findSnapshot(options.snapshot, signal);
  trace('snapshot found');
  const target = path.resolve(options.target);
  const targetIsNew = (await fs.lstat(target).catch(() => undefined)) === undefined;
  await fs.mkdir(target, { recursive: true, mode: 0o700 });
  const summary: RestoreSummary = { snapshotId: entry.id, filesRestored: 0, dirsRestored: 0, bytesRestored: 0, warnings: [] };
  const hardLinks = new Map<string, Promise<Buffer | undefined>>();
  const decoded = new DecodedBlobs();
  const writer = new RestoredFileWriter();
  const slots = new BlobSlots(BLOB_SLOTS);
  const turns = new Turns();
  const blobs = new BlobSpanLoader(repo, signal);
  const fileSlots = new Semaphore(FILES_IN_FLIGHT);
  const largeFileSlots = new Semaphore(LARGE_FILES_IN_FLIGHT);
  const writing = new Set<Promise<void>>();
  const finishedDirs: [Buffer, TreeNode][] = [];
  let failure: unknown;
  let lastProgress = 0;

  const warn = (where: Buffer, message: string): void => {
    const shown = where.toString();
    summary.warnings.push(`${shown}: ${message}`);
    options.onWarning?.(shown, message);
  };

  const fileDone = (): void => {
    summary.filesRestored++;
    const now = Date.now();
    if (options.onProgress && now - lastProgress > 200) {
      lastProgress = now;
      options.onProgress({ filesDone: summary.filesRestored, bytesDone: summary.bytesRestored });
    }
  };

  /** Restores a file; resolves to whether its metadata is set already. */
  const restoreFile = async (dest: Buffer, node: TreeNode, folder: FolderContext): Promise<boolean> => {
    const linkKey = node.links !== undefined && node.links > 1n && node.inode !== undefined ? `${node.deviceId}:${node.inode}` : undefined;
    // The first of a set of hard links is written; the others link to it once it is (if it could be).
    const first = linkKey ? hardLinks.get(linkKey) : undefined;
    const existing = await first;
    if (existing) {
      // A fresh entry each time: an existing one might be a link that leads out of the target.
      if (!folder.fresh) rmSync(dest, { recursive: true, force: true });
      await fs.link(existing, dest);
      return false;
    }
    let written: ((path: Buffer | undefined) => void) | undefined;
    if (linkKey && !first) hardLinks.set(linkKey, new Promise((resolve) => (written = resolve)));
    try {
      const metadataSet = await writeFile(dest, node, folder);
      written?.(dest);
      return metadataSet;
    } finally {
      written?.(undefined);
    }
  };

  const writeFile = async (dest: Buffer, node: TreeNode, folder: FolderContext): Promise<boolean> => {
    const ids = node.content ?? [];
    if (isSmallFile(node)) {
      const id = ids[0];
      const location = repo.index.lookup('data', id);
      if (!location) throw new LockstepError(`data blob ${id} is not in the index (the repository is missing data)`);
      const { uncompressedLength } = location.blob;
      let data = decoded.get(id);
      if (!data) {
        const sealed = (await blobs.load(id)).sealed;
        try {
          data = decodeBlobBytes(repo.key, sealed, uncompressedLength, id);
        } catch (err) {
          throw repo.blobFailure('data', id, location.packId, err);
        }
        decoded.keep(id, data);
      }
      await writer.write(dest, data, metadataOf(node), !folder.fresh);
      summary.bytesRestored += data.length;
      fileDone();
      return true;
    }
    const release = await largeFileSlots.acquire();
    try {
      if (!folder.fresh) rmSync(dest, { recursive: true, force: true });
      await writeLargeFile(dest, ids);
    } finally {
      release();
    }
    fileDone();
    return false;
  };

  /**
   * A blob of a large file, read into a slot (or, too large for one, memory of its own) and opened where it lies;
   * its hash is checked as it is written.
   */
  const loadLargeBlob = async (id: Id): Promise<OpenedBlob> => {
    const location = repo.index.lookup('data', id);
    if (!location) throw new LockstepError(`data blob ${id} is not in the index (the repository is missing data)`);
    const { packId, blob } = location;
    const fits = blob.length <= SLOT_BYTES && (blob.uncompressedLength ?? 0) <= SLOT_BYTES;
    const slot = fits ? await slots.take() : undefined;
    const release = (): void => {
      if (slot !== undefined) slots.give(slot);
    };
    try {
      const into = slot !== undefined ? slots.view(slot, blob.length) : Buffer.allocUnsafeSlow(blob.length);
      const sealed = await repo.readSealed('data', id, packId, blob, signal, into);
      if (blob.uncompressedLength !== undefined) await zstdReady();
      let data: Buffer;
      try {
        data = openBlob(repo.key, sealed, blob.uncompressedLength, true);
      } catch (err) {
        throw repo.blobFailure('data', id, packId, err);
      }
      // Decompressed (or loaded by a backend into memory of its own): into the slot, where the writer thread reads.
      if (slot !== undefined && data.buffer !== slots.block) {
        const inSlot = slots.view(slot, data.length);
        inSlot.set(data);
        data = inSlot;
      }
      return { id, packId, data, release };
    } catch (err) {
      release();
      throw err;
    }
  };

  /** Has the writer thread check a blob's hash and write it at `position` of `file`; then frees its slot. */
  const writeLargeBlob = async (file: fs.FileHandle, position: number, { id, packId, data, release }: OpenedBlob): Promise<void> => {
    try {
      const sent = data.buffer instanceof SharedArrayBuffer ? data : movable(data);
      await writer.writeChunk(file.fd, position, sent, sent.buffer, id);
    } catch (err) {
      throw err instanceof ChunkHashMismatch ? repo.blobFailure('data', id, packId, new BlobDecodeError('hash', 'hash mismatch')) : err;
    } finally {
      release();
    }
  };

  const writeLargeFile = async (dest: Buffer, ids: Id[]): Promise<void> => {
    const file = await fs.open(dest, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600);
    // The file stays open until every write given to the writer thread has settled: its descriptor is in use there.
    const writes: Promise<void>[] = [];
    try {
      // Reads run a few blobs ahead of the writes.
      const ahead: Promise<OpenedBlob>[] = [];
      let next = 0;
      const fill = (): void => {
        while (ahead.length < PREFETCH_BLOBS && next < ids.length) {
          const blob = loadLargeBlob(ids[next++]);
          blob.catch(() => undefined); // awaited below, in order
          ahead.push(blob);
        }
      };
      fill();
      let position = 0;
      try {
        while (ahead.length > 0) {
          throwIfAborted(signal);
          const blob = await ahead.shift()!;
          fill();
          const length = blob.data.length; // before its memory moves to the writer thread
          const write = writeLargeBlob(file, position, blob);
          write.catch(() => undefined); // awaited below
          writes.push(write);
          position += length;
          summary.bytesRestored += length;
          while (writes.length > WRITES_IN_FLIGHT) await writes.shift();
        }
        while (writes.length > 0) await writes.shift();
      } finally {
        // Blobs read ahead of a failure give their memory back too.
        for (const blob of ahead.splice(0)) void blob.then(({ release }) => release(), () => undefined);
      }
    } finally {
      await Promise.allSettled(writes);
      await file.close();
    }
  };

  const restoreEntry = async (dest: Buffer, node: TreeNode, folder: FolderContext): Promise<void> => {
    try {
      throwIfAborted(signal);
      if (node.type === 'file') {
        if (await restoreFile(dest, node, folder)) return;
      } else if (node.type === 'symlink') {
        if (!folder.fresh) await fs.rm(dest, { recursive: true, force: true });
        await fs.symlink(node.linktarget ?? Buffer.alloc(0), dest);
      } else {
        warn(dest, `${node.type} entries are not restored`);
        return;
      }
      applyMetadata(dest, metadataOf(node), node.type === 'symlink');
    } catch (err) {
      if (err instanceof LockstepError || !isFsError(err)) throw err;
      warn(dest, describeFsError(err));
    }
  };

  /** Starts restoring an entry once a slot is free; its failure stops the restore. */
  const startEntry = async (dest: Buffer, node: TreeNode, folder: FolderContext): Promise<void> => {
    const release = await fileSlots.acquire();
    if (failure !== undefined) {
      release();
      throw failure;
    }
    const task: Promise<void> = restoreEntry(dest, node, folder)
      .catch((err: unknown) => {
        failure ??= err;
      })
      .finally(() => {
        writing.delete(task);
        release();
      });
    writing.add(task);
  };

  const restoreDir = async (treeId: Id, dir: Buffer, fresh: boolean): Promise<void> => {
    const nodes = await loadTree(repo, treeId, signal);
    for (const node of nodes) checkNodeName(node.name, `tree ${treeId}`);
    blobs.plan(nodes.filter(isSmallFile).map((node) => (node.content ?? [])[0]));
    const folder: FolderContext = { fresh };
    const dirs: [Buffer, TreeNode][] = [];
    for (const node of nodes) {
      const turn = turns.maybeYield();
      if (turn) await turn;
      const dest = Buffer.concat([dir, Buffer.from('/'), node.name]);
      if (node.type === 'dir') dirs.push([dest, node]);
      else await startEntry(dest, node, folder);
    }
    for (const [dest, node] of dirs) {
      throwIfAborted(signal);
      if (failure !== undefined) throw failure;
      const created = await ensureDir(dest, fresh);
      if (!node.subtree) throw new LockstepError(`folder ${dest.toString()} has no subtree in the snapshot`);
      await restoreDir(node.subtree, dest, created);
      summary.dirsRestored++;
      finishedDirs.push([dest, node]);
    }
  };

  try {
    try {
      await restoreDir(entry.snapshot.tree, Buffer.from(target), targetIsNew);
    } finally {
      while (writing.size > 0) await Promise.all([...writing]);
    }
    if (failure !== undefined) throw failure;
    trace('files written');
    // Children before their parents (a folder without search permission would hide them from a non-root user).
    for (const [dest, node] of finishedDirs) {
      try {
        applyMetadata(dest, metadataOf(node), false);
      } catch (err) {
        warn(dest, describeFsError(err));
      }
    }
  } finally {
    await writer.close();
  }
  return summary;
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

/** A large file's blob, opened but not yet checked against its ID (its hash is checked where it is written). */
interface OpenedBlob {
  id: Id;
  packId: Id;
  /** In a slot's memory, or (too large for one) in memory of its own. */
  data: Buffer;
  /** Gives the slot back, once the blob is written or dropped. */
  release(): void;
}

/** `data` in an ArrayBuffer of its own, exactly its size, which can be moved to another thread. */
function movable(data: Buffer): Buffer {
  if (data.byteOffset === 0 && data.length === data.buffer.byteLength) return data;
  const copy = Buffer.allocUnsafeSlow(data.length);
  copy.set(data);
  return copy;
}
