import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { throwIfAborted } from '../base/abort';
import { LockstepError } from '../base/errors';
import { goTimeSeconds } from '../repo/format/gotime';
import { Id } from '../repo/format/ids';
import { Repository, SnapshotEntry } from '../repo/repository';
import { BlobSpanLoader } from '../repo/engine/blobspans';
import { FileMetadata, setLinkMetadata, setMetadata } from '../repo/engine/writefile';
import { decodeBlobBytes } from '../repo/format/blobcodec';
import { RestoredFileWriter } from '../repo/engine/filewriter';
import { DecodedBlobs } from '../repo/engine/restorefile';
import { zstdReady } from '../repo/format/zstd';
import { posixPermFromGoMode, TreeNode } from '../repo/format/tree';
import { describeFsError, isFsError } from './backup';
import { RestoredFolder } from './restorefolder';
import { LargeFileRestorer } from './restorelarge';
import { Semaphore } from '../base/semaphore';
import { checkNodeName, loadTree } from './walk';
import { countedSize, hardLinkKey, planRestore, RestoreFilters, RestoreSelection } from './restoreselect';
import { splitSnapshotRef, subfolderTree } from './snapshotpath';
import { verifyRestoredFiles } from './restoreverify';
import { trace } from '../base/trace';
import { Turns } from '../base/yielding';

export interface RestoreOptions extends RestoreFilters {
  /** "latest", an ID or a prefix, optionally `:PATH` (only that folder, its content put into the target). */
  snapshot: string;
  target: string;
  /** Decide what would be restored (listed in the summary), write nothing. */
  dryRun?: boolean;
  /** Read the written files back and compare them with the snapshot. */
  verify?: boolean;
  /** Told of the snapshot once it is found. */
  onSnapshot?: (entry: SnapshotEntry) => void;
  /** Told when verifying begins. */
  onVerifying?: () => void;
  signal?: AbortSignal;
  onProgress?: (p: { filesDone: number; bytesDone: number }) => void;
  onWarning?: (path: string, message: string) => void;
}

export interface RestoreSummary {
  snapshotId: Id;
  /** The snapshot's path as `SNAPSHOT:PATH` named it ("" for all of it). */
  subpath: string;
  filesRestored: number;
  dirsRestored: number;
  bytesRestored: number;
  /** restic's total_files and total_bytes: entries the filters chose (folders on the way to them not counted). */
  entriesSelected: number;
  bytesSelected: number;
  /** restic's files_restored: every file, folder and link written (with folders on the way). */
  entriesRestored: number;
  warnings: string[];
  /** A dry run's entries, each folder after its content. */
  wouldRestore?: { path: string; type: string; size: number }[];
  /** With verify: the files read back and found as the snapshot has them. */
  filesVerified?: number;
  /** With verify: files whose content or size differ, one message each. */
  verifyErrors?: string[];
  verifyMs?: number;
  /** From the snapshot found to the last file written (restic's seconds_elapsed). */
  elapsedMs: number;
}

/** Files being restored at once: enough to fill the batches of the writer thread. */
const FILES_IN_FLIGHT = 64;
const SMALL_FILE = 512 * 1024;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Restores a snapshot below `target`, never writing outside it: every folder is opened without following links and
 * written through (restorefolder.ts), files are created with O_EXCL | O_NOFOLLOW and get their metadata through their
 * descriptors. Folders are walked in order while their files are written (small ones opened here and written, with
 * their metadata, in batches by this thread and a writer thread); a folder gets its own metadata once everything in
 * it is written.
 */
export async function restore(repo: Repository, options: RestoreOptions): Promise<RestoreSummary> {
  // Data blobs are decompressed here: with zstd's WebAssembly, which then reads index and trees too.
  if (repo.version >= 2) await zstdReady();
  await repo.loadIndex(options.signal);
  trace('index loaded');
  const { ref, subpath } = splitSnapshotRef(options.snapshot);
  const entry = await repo.findSnapshot(ref, options.signal);
  trace('snapshot found');
  options.onSnapshot?.(entry);
  const started = Date.now();
  const tree = await subfolderTree(repo, entry, subpath, options.signal);
  const selection = new RestoreSelection(options);
  if (options.dryRun) return { ...(await dryRun(repo, tree, selection, { snapshotId: entry.id, subpath, signal: options.signal })), elapsedMs: Date.now() - started };
  // With include patterns, the folders on the way to what they match are found first.
  let foldersOnTheWay: Set<string> | undefined;
  if (selection.narrows) {
    foldersOnTheWay = new Set();
    const found = foldersOnTheWay;
    await planRestore(repo, tree, selection, (e) => (e.selected ? undefined : found.add(e.path)), options.signal);
  }
  const target = path.resolve(options.target);
  const targetIsNew = (await fs.lstat(target).catch(() => undefined)) === undefined;
  await fs.mkdir(target, { recursive: true, mode: 0o700 });
  const run = new Restore(repo, options, entry.id, subpath, selection, foldersOnTheWay);
  try {
    await run.writeEntries(tree, RestoredFolder.openTarget(target, targetIsNew));
    trace('files written');
  } finally {
    await run.close();
  }
  run.summary.elapsedMs = Date.now() - started;
  if (options.verify) {
    options.onVerifying?.();
    const verifyStarted = Date.now();
    const verified = await verifyRestoredFiles(repo, run.written, options.signal);
    run.summary.filesVerified = verified.files;
    run.summary.verifyErrors = verified.errors;
    run.summary.verifyMs = Date.now() - verifyStarted;
  }
  return run.summary;
}

async function dryRun(repo: Repository, tree: Id, selection: RestoreSelection, run: { snapshotId: Id; subpath: string; signal?: AbortSignal }): Promise<RestoreSummary> {
  const sizedLinks = new Set<string>();
  const summary: RestoreSummary = { elapsedMs: 0, snapshotId: run.snapshotId, subpath: run.subpath, filesRestored: 0, dirsRestored: 0, bytesRestored: 0, entriesSelected: 0, bytesSelected: 0, entriesRestored: 0, warnings: [], wouldRestore: [] };
  await planRestore(
    repo,
    tree,
    selection,
    ({ path: p, node, selected }) => {
      const size = countedSize(node, sizedLinks);
      summary.wouldRestore?.push({ path: p, type: node.type, size });
      summary.entriesRestored++;
      summary.bytesRestored += size;
      if (node.type === 'file') summary.filesRestored++;
      if (node.type === 'dir') summary.dirsRestored++;
      if (selected) {
        summary.entriesSelected++;
        summary.bytesSelected += size;
      }
    },
    run.signal,
  );
  return summary;
}

/**
 * One restore's phases: writeEntries walks the folders and writes their entries (many at once; each folder's metadata
 * is set as it completes), close closes what a failure left open and stops the writer thread.
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
  /** The first of each set of hard links: its real path once it is written (undefined if it could not be). */
  private readonly hardLinks = new Map<string, Promise<Buffer | undefined>>();
  /** Folders not yet complete. */
  private readonly openFolders = new Set<RestoredFolder>();
  /** The first failure of an entry being written: it stops the restore. */
  private failure: unknown;
  private lastProgress = 0;
  /** Sets of hard links whose size is counted already. */
  private readonly sizedLinks = new Set<string>();
  /** The files written (their real paths), for --verify. */
  readonly written: { path: Buffer; node: TreeNode }[] = [];

  constructor(
    private readonly repo: Repository,
    private readonly options: RestoreOptions,
    snapshotId: Id,
    subpath: string,
    private readonly selection: RestoreSelection,
    /** With include patterns: the folders restored only because something below them is. */
    private readonly foldersOnTheWay: Set<string> | undefined,
  ) {
    this.signal = options.signal;
    this.summary = { elapsedMs: 0, snapshotId, subpath, filesRestored: 0, dirsRestored: 0, bytesRestored: 0, entriesSelected: 0, bytesSelected: 0, entriesRestored: 0, warnings: [] };
    this.blobs = new BlobSpanLoader(repo, this.signal);
    this.large = new LargeFileRestorer(repo, this.writer, this.signal, (length) => (this.summary.bytesRestored += length));
  }

  /** The tree `treeId` into the open folder `root`, and every entry started is written (or the first failure thrown). */
  async writeEntries(treeId: Id, root: RestoredFolder): Promise<void> {
    this.openFolders.add(root);
    try {
      await this.restoreDir(treeId, root);
    } finally {
      while (this.writing.size > 0) await Promise.all([...this.writing]);
    }
    if (this.failure !== undefined) throw this.failure;
    this.releaseFolder(root);
  }

  /** Last, whatever happened: folders a failure left open are closed (without their metadata), the writer thread stops. */
  close(): Promise<void> {
    for (const folder of this.openFolders) folder.close();
    this.openFolders.clear();
    return this.writer.close();
  }

  private async restoreDir(treeId: Id, folder: RestoredFolder, prefix = ''): Promise<void> {
    const nodes = await loadTree(this.repo, treeId, this.signal);
    for (const node of nodes) checkNodeName(node.name, `tree ${treeId}`);
    this.blobs.plan(nodes.filter(isSmallFile).map((node) => (node.content ?? [])[0]));
    const names = new Set<string>();
    const dirs: TreeNode[] = [];
    const links: Promise<void>[] = [];
    for (const node of nodes) {
      const turn = this.turns.maybeYield();
      if (turn) await turn;
      // A second entry of one name would replace the first, or what was written through it (restic 0.18 fails to
      // replace a folder by a link, and says so).
      const key = node.name.toString('latin1');
      if (names.has(key)) {
        this.warn(folder.shown(node.name), 'the snapshot names this entry twice: only the first is restored');
        continue;
      }
      names.add(key);
      let selected = true;
      if (!this.selection.isEverything) {
        const entryPath = `${prefix}/${node.name.toString()}`;
        const decided = this.selection.decide(entryPath, node.type === 'dir');
        selected = decided.selected;
        if (!selected && !(decided.descend && this.foldersOnTheWay?.has(entryPath))) continue;
      }
      if (selected) {
        this.summary.entriesSelected++;
        this.summary.bytesSelected += countedSize(node, this.sizedLinks);
      }
      if (node.type === 'dir') dirs.push(node);
      else {
        const started = await this.startEntry(folder, node);
        if (node.type === 'symlink') links.push(started.done);
      }
    }
    // The folder's links exist before a subfolder is opened: none can take an opened subfolder's place, even where
    // the file system takes two names for one (case-insensitive ones).
    await Promise.all(links);
    for (const node of dirs) {
      throwIfAborted(this.signal);
      if (this.failure !== undefined) throw this.failure;
      if (!node.subtree) throw new LockstepError(`folder ${folder.shown(node.name).toString()} has no subtree in the snapshot`);
      const child = folder.openChild(node.name, node);
      this.openFolders.add(child);
      await this.restoreDir(node.subtree, child, this.selection.isEverything ? '' : `${prefix}/${node.name.toString()}`);
      this.summary.dirsRestored++;
      this.summary.entriesRestored++;
      this.releaseFolder(child);
    }
  }

  /** Gives up a use of `folder`; each folder that is complete then gets its metadata and is closed. */
  private releaseFolder(folder: RestoredFolder): void {
    for (let done: RestoredFolder | undefined = folder; done?.release(); done = done.parent) {
      try {
        if (done.node) setMetadata(done.fd, metadataOf(done.node));
      } catch (err) {
        this.warn(done.path, describeFsError(err));
      } finally {
        done.close();
        this.openFolders.delete(done);
      }
    }
  }

  /** Starts restoring an entry once a slot is free; its failure stops the restore. */
  private async startEntry(folder: RestoredFolder, node: TreeNode): Promise<{ done: Promise<void> }> {
    const release = await this.fileSlots.acquire();
    if (this.failure !== undefined) {
      release();
      throw this.failure;
    }
    folder.retain();
    const task: Promise<void> = this.restoreEntry(folder, node)
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => {
        this.writing.delete(task);
        release();
        this.releaseFolder(folder);
      });
    this.writing.add(task);
    return { done: task };
  }

  private async restoreEntry(folder: RestoredFolder, node: TreeNode): Promise<void> {
    const dest = folder.entry(node.name);
    try {
      throwIfAborted(this.signal);
      if (node.type === 'file') {
        await this.restoreFile(folder, node, dest);
      } else if (node.type === 'symlink') {
        if (!folder.fresh) await fs.rm(dest, { recursive: true, force: true });
        await fs.symlink(node.linktarget ?? Buffer.alloc(0), dest);
        setLinkMetadata(dest, metadataOf(node));
        this.summary.entriesRestored++;
      } else {
        this.warn(folder.shown(node.name), `${node.type} entries are not restored`);
      }
    } catch (err) {
      if (err instanceof LockstepError || !isFsError(err)) throw err;
      this.warn(folder.shown(node.name), describeFsError(err));
    }
  }

  private async restoreFile(folder: RestoredFolder, node: TreeNode, dest: Buffer): Promise<void> {
    const linkKey = hardLinkKey(node);
    // The first of a set of hard links is written; the others link to it once it is (if it could be).
    const first = linkKey ? this.hardLinks.get(linkKey) : undefined;
    const existing = await first;
    if (existing && (await linkTo(existing, dest, folder.fresh))) {
      this.fileDone();
      return;
    }
    let written: ((path: Buffer | undefined) => void) | undefined;
    if (linkKey && !first) this.hardLinks.set(linkKey, new Promise((resolve) => (written = resolve)));
    try {
      await this.writeFile(dest, node, folder);
      if (this.options.verify) this.written.push({ path: folder.shown(node.name), node });
      written?.(folder.shown(node.name));
    } finally {
      written?.(undefined);
    }
  }

  /** Writes a file's data and metadata. */
  private async writeFile(dest: Buffer, node: TreeNode, folder: RestoredFolder): Promise<void> {
    const ids = node.content ?? [];
    if (isSmallFile(node)) {
      const data = await this.smallFileData(ids[0]);
      await this.writer.write(dest, data, metadataOf(node), !folder.fresh);
      this.summary.bytesRestored += data.length;
    } else {
      await this.large.write(dest, ids, metadataOf(node), !folder.fresh);
    }
    this.fileDone();
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
    summary.entriesRestored++;
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

/**
 * Links `dest` to `existing`, the first file of its set (whose inode has its metadata already), if that is still a
 * file; resolves to whether it linked (if not, the caller writes the file's own copy). `existing` is a real path: its
 * folders stay where they were opened, as restorefolder.ts says.
 */
async function linkTo(existing: Buffer, dest: Buffer, fresh: boolean): Promise<boolean> {
  try {
    if (!(await fs.lstat(existing)).isFile()) return false;
    // A fresh entry each time: an existing one might be a link that leads out of the target.
    if (!fresh) await fs.rm(dest, { recursive: true, force: true });
    await fs.link(existing, dest);
    return true;
  } catch (err) {
    if (!isFsError(err)) throw err;
    return false;
  }
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
