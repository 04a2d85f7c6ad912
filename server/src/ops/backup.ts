import { promises as fs, type BigIntStats } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import * as path from 'node:path';
import { throwIfAborted } from '../base/abort';
import { LockstepError } from '../base/errors';
import { CHUNK_MIN_SIZE, Chunker } from '../repo/format/chunker';
import { formatGoTime, GoTime } from '../repo/format/gotime';
import { Id } from '../repo/format/ids';
import { BlobWriter } from '../repo/engine/packer';
import { failedOnDamage, Repository, SnapshotEntry } from '../repo/repository';
import { Snapshot } from '../repo/format/snapshot';
import { encodeTree, readTree, sameNode, TreeNode } from '../repo/format/tree';
import { PROGRAM_VERSION } from '../version';
import { ProgressReport } from './progress';
import { scanTargets, ScanTotals } from './scan';
import { BackupFilter, BackupFilterOptions, filterOptionsOf } from './backupfilter';
import { DryRunBackend } from '../backend/dryrun';
import { ReadBufferPool } from './readbuffers';
import { Semaphore } from '../base/semaphore';
import { nodeFromStat, nodeTypeOf } from './fsnode';
import { processTuning } from '../base/processTuning';
import { trace } from '../base/trace';
import { Turns } from '../base/yielding';
import type { UnwatchedPaths } from './watchglob';
import { directSource, type ReadAheadOffer, type TreeSource, type WalkedEntry } from './readahead/source';
import type { ReadStep } from './readahead/walk';

export type Compression = 'auto' | 'off' | 'max';

export interface BackupOptions extends BackupFilterOptions {
  /** Files and folders to back up; ignored with `stdin`. */
  paths: string[];
  stdin?: { input: AsyncIterable<Uint8Array>; filename: string };
  tags?: string[];
  host?: string;
  /** Read everything and count what would be added, but write nothing (restic's --dry-run). */
  dryRun?: boolean;
  /** Save no snapshot when the tree is the parent's (restic 0.18's --skip-if-unchanged). */
  skipIfUnchanged?: boolean;
  /** A snapshot ID to use as parent; when left out, the latest snapshot of the same host and paths. */
  parent?: string;
  /** Read every file even if the parent snapshot says it is unchanged. */
  force?: boolean;
  compression?: Compression;
  signal?: AbortSignal;
  onProgress?: (progress: BackupProgress) => void;
  onWarning?: (path: string, message: string) => void;
  /** Each file and folder as it is finished: new, modified or unchanged against the parent (restic's -vv lines). */
  onItem?: (change: ItemChange, path: string, isDir: boolean) => void;
  /** A target that does not exist: restic skips it with this message and carries on. */
  onNotice?: (text: string) => void;
  now?: () => Date;
  /** Worker threads for compression and encryption (default: the machine's cores). */
  threads?: number;
  /** A change-driven backup: only these folders are looked at again; every other folder's tree is the parent's. */
  changes?: ChangeScope;
  /** Where a walk that reads every file gets its read-ahead thread (readahead/source.ts); its giver closes it. */
  readAhead?: Pick<ReadAheadOffer, 'forReading'>;
  /** Entries the editor's file watcher does not report are collected here (the next change-driven backup walks them). */
  unwatched?: { paths: UnwatchedPaths; found: string[] };
}

/**
 * Which folders a change-driven backup looks at, by absolute path. A folder in neither set whose tree the parent
 * snapshot holds (same inode and device) keeps that tree: nothing under it was reported changed.
 */
export interface ChangeScope {
  /** Folders on the way to a reported path: listed again, each entry looked at again. */
  reexamine: ReadonlySet<string>;
  /** Reported paths and unwatched folders: walked whole, as a full backup walks them. */
  walkWhole: ReadonlySet<string>;
}

/** How a folder is backed up: walked whole, listed again with only some subfolders walked, or its tree reused. */
type FolderScope = 'walk' | 'reexamine' | 'reuse';

export type BackupProgress = ProgressReport;
export type ItemChange = 'new' | 'modified' | 'unchanged';

export interface BackupSummary {
  /** Undefined for a dry run, and when --skip-if-unchanged found nothing changed and saved no snapshot. */
  snapshotId?: Id;
  parent?: Id;
  filesNew: number;
  filesChanged: number;
  filesUnmodified: number;
  dirsNew: number;
  dirsChanged: number;
  dirsUnmodified: number;
  dataBlobs: number;
  treeBlobs: number;
  /** Bytes of the new blobs before compression and encryption (restic's data_added). */
  dataAdded: number;
  /** What they take in the repository (restic's data_added_packed). */
  dataAddedPacked: number;
  backupStart: GoTime;
  backupEnd: GoTime;
  totalFilesProcessed: number;
  totalBytesProcessed: number;
  /** Paths that could not be read; the snapshot leaves them out. */
  unreadable: string[];
}

/** A folder's tree in the parent snapshot: its nodes by name (latin1 of the raw bytes). */
interface ParentTree {
  id: Id;
  byName: Map<string, TreeNode>;
  /** The blob holds only these nodes, sorted and unique, as encodeTree writes them: it can stand for an equal tree. */
  reusable: boolean;
}
type ParentNodes = ParentTree | undefined;

/** Work that is under way: `done` settles when it is complete (an object, as a promise cannot resolve to a promise). */
interface Started<T> {
  done: Promise<T>;
}

const DONE: Started<void> = { done: Promise.resolve() };

const FILE_CONCURRENCY = 4;
/** How often progress is reported while files are read. */
const PROGRESS_INTERVAL_MS = 200;
const READ_SIZE = 8 * 1024 * 1024;

/** One snapshot of files and folders (or of standard input), written packs → index → snapshot. */
export async function backup(repo: Repository, options: BackupOptions): Promise<BackupSummary> {
  const run = new BackupRun(options.dryRun ? repo.withBackend(new DryRunBackend(repo.backend)) : repo, options);
  try {
    return await run.execute();
  } finally {
    await run.close();
  }
}

interface VirtualDir {
  kind: 'virtual';
  realPath: string;
  children: Map<string, VirtualDir | Target>;
  /** Folders whose entries sit in this one (the top, for targets such as "." and ".."). */
  contentsOf: string[];
}
interface Target {
  kind: 'target';
  realPath: string;
}

class BackupRun {
  private readonly writer: BlobWriter;
  private readonly filter: BackupFilter;
  private readonly signal?: AbortSignal;
  private readonly summary: Omit<BackupSummary, 'snapshotId' | 'dataAddedPacked' | 'backupStart' | 'backupEnd'> = {
    filesNew: 0,
    filesChanged: 0,
    filesUnmodified: 0,
    dirsNew: 0,
    dirsChanged: 0,
    dirsUnmodified: 0,
    dataBlobs: 0,
    treeBlobs: 0,
    dataAdded: 0,
    totalFilesProcessed: 0,
    totalBytesProcessed: 0,
    unreadable: [],
  };
  private readonly fileSlots = new Semaphore(FILE_CONCURRENCY);
  private readonly turns = new Turns();
  private readonly readBuffers = new ReadBufferPool(READ_SIZE);
  private lastProgress = 0;
  /** What the file system says, as the walk asks (readahead/source.ts). */
  private files: TreeSource = directSource;

  constructor(
    private readonly repo: Repository,
    private readonly options: BackupOptions,
  ) {
    this.signal = options.signal;
    const compression = options.compression ?? 'auto';
    this.writer = new BlobWriter(repo, { compress: compression !== 'off', signal: options.signal, threads: options.threads });
    this.filter = new BackupFilter(options);
  }

  async close(): Promise<void> {
    this.scanStop.abort();
    await this.files.close();
    await this.writer.close();
  }

  private readonly scan: ScanTotals = { files: 0, bytes: 0, done: false };
  /** Ends the count for progress with the backup: a backup of a few changed files is over long before it. */
  private readonly scanStop = new AbortController();

  async execute(): Promise<BackupSummary> {
    throwIfAborted(this.signal);
    const now = (): GoTime => formatGoTime(BigInt((this.options.now?.() ?? new Date()).getTime()) * 1_000_000n);
    const backupStart = now();
    processTuning.expectLargeBuffers(8 * 1024 * 1024);
    await this.repo.loadIndex(this.signal);
    trace('index loaded');
    await this.writer.ready();
    const host = this.options.host ?? hostname();
    let paths: string[];
    let rootTree: Id;
    let parent: SnapshotEntry | undefined;
    if (this.options.stdin) {
      const name = this.options.stdin.filename;
      if (name.length === 0 || name.includes('/') || name === '.' || name === '..') {
        throw new LockstepError(`invalid --stdin-filename "${name}": it must be a plain file name`);
      }
      paths = [`/${name}`];
      rootTree = await this.saveStdin(name, this.options.stdin.input);
    } else {
      if (this.options.paths.length === 0) throw new LockstepError('nothing to back up: give at least one file or folder');
      const { root, absolute } = await this.planTargets(this.options.paths);
      this.filter.walkFileSystemsOf(absolute);
      paths = absolute;
      if (this.options.onProgress) {
        const scanSignal = this.signal ? AbortSignal.any([this.signal, this.scanStop.signal]) : this.scanStop.signal;
        void scanTargets(absolute, (entry) => this.filter.excludesPath(entry), this.scan, scanSignal);
      }
      parent = await this.findParent(host, paths);
      // Read ahead only where every file is read (no parent, or --force; and not a change-driven backup, which looks at
      // a few folders): a walk that only looks at most files gains little for a thread's start.
      const readsEveryFile = (parent === undefined || this.options.force === true) && !this.changeDriven;
      const thread = readsEveryFile ? this.options.readAhead?.forReading() : undefined;
      const plan = { steps: readSteps(root), paths, filter: filterOptionsOf(this.options), smallFileLimit: CHUNK_MIN_SIZE, compress: this.writer.compress };
      if (thread) this.files = thread.start(plan, this.signal);
      const parentNodes = parent ? await this.loadTreeNodes(parent.snapshot.tree) : undefined;
      trace('parent loaded');
      rootTree = await this.saveVirtual(root, parentNodes);
      await this.files.close();
    }
    trace('trees saved');
    await this.writer.commitIndex();
    trace('index written');
    throwIfAborted(this.signal);
    const stats = this.writer.stats;
    const counted = {
      ...this.summary,
      dataBlobs: stats.dataBlobs,
      treeBlobs: stats.treeBlobs,
      dataAdded: stats.addedPlainBytes,
      dataAddedPacked: stats.addedBytes,
      backupStart,
      backupEnd: now(),
    };
    const noSnapshot = this.options.dryRun || (this.options.skipIfUnchanged && parent?.snapshot.tree === rootTree);
    if (noSnapshot) {
      this.reportProgress(Buffer.alloc(0), 0, true);
      return { ...counted, parent: parent?.id };
    }
    const user = userInfo();
    const snapshot: Snapshot = {
      time: backupStart,
      parent: parent?.id,
      tree: rootTree,
      paths,
      hostname: host,
      username: user.username,
      uid: user.uid >= 0 ? user.uid : undefined,
      gid: user.gid >= 0 ? user.gid : undefined,
      excludes: this.options.excludes?.length ? this.options.excludes : undefined,
      tags: this.options.tags?.length ? this.options.tags : undefined,
      programVersion: PROGRAM_VERSION,
      summary: snapshotSummary(counted),
    };
    const snapshotId = await this.repo.saveSnapshot(snapshot, this.signal);
    trace('snapshot written');
    this.reportProgress(Buffer.alloc(0), 0, true);
    return { ...counted, snapshotId, parent: parent?.id };
  }

  /** Resolves the targets and arranges them in folders the way restic nests them (see snapshotComponents). */
  private async planTargets(given: string[]): Promise<{ root: VirtualDir; absolute: string[] }> {
    const root: VirtualDir = { kind: 'virtual', realPath: '/', children: new Map(), contentsOf: [] };
    const absolute: string[] = [];
    for (const target of given) {
      const abs = path.resolve(target);
      try {
        await fs.lstat(abs);
      } catch (err) {
        if (isFsError(err) && err.code === 'ENOENT') this.options.onNotice?.(`${abs} does not exist, skipping`);
        else this.warn(abs, `cannot back up: ${describeFsError(err)}`);
        continue;
      }
      if (!absolute.includes(abs)) absolute.push(abs);
      const components = snapshotComponents(target, abs);
      if (components.length === 0) {
        if (path.isAbsolute(target)) throw new LockstepError('backing up the file system root "/" as a whole is not supported; name its folders instead');
        if (!root.contentsOf.includes(abs)) root.contentsOf.push(abs);
        continue;
      }
      let dir = root;
      // The folder that holds the first component: `/` for absolute targets.
      let real = path.isAbsolute(target) ? '' : path.resolve(abs, ...components.map(() => '..'));
      for (let i = 0; i < components.length; i++) {
        const name = components[i];
        real = real === '/' ? `/${name}` : `${real}/${name}`;
        if (i === components.length - 1) {
          dir.children.set(name, { kind: 'target', realPath: abs });
          break;
        }
        const next = dir.children.get(name);
        if (next?.kind === 'target') break; // an enclosing folder is already a target
        if (!next) {
          const created: VirtualDir = { kind: 'virtual', realPath: real, children: new Map(), contentsOf: [] };
          dir.children.set(name, created);
          dir = created;
        } else dir = next;
      }
    }
    if (absolute.length === 0) throw new LockstepError('all source paths do not exist; nothing was backed up');
    absolute.sort();
    return { root, absolute };
  }

  private async findParent(host: string, paths: string[]): Promise<SnapshotEntry | undefined> {
    if (this.options.force) return undefined;
    if (this.options.parent) return this.repo.findSnapshot(this.options.parent, this.signal);
    return latestSnapshotOf(this.repo, host, paths, this.signal);
  }

  /** Starts loading the parent snapshot's trees of a folder's subfolders, all at once, before the folder is walked. */
  private loadSubtrees(previousNodes: ParentNodes): Map<string, Promise<ParentNodes>> {
    const subtrees = new Map<string, Promise<ParentNodes>>();
    for (const [key, node] of previousNodes?.byName ?? []) {
      if (node.type !== 'dir') continue;
      const loading = this.loadTreeNodes(node.subtree);
      loading.catch(() => undefined); // awaited (and its error met) where the subfolder is walked
      subtrees.set(key, loading);
    }
    return subtrees;
  }

  private async loadTreeNodes(treeId: Id | undefined): Promise<ParentNodes> {
    if (!treeId || !this.repo.index.has('tree', treeId)) return undefined;
    const { nodes, onlyKnownFields } = readTree(await this.repo.loadBlob('tree', treeId, this.signal), treeId);
    const byName = new Map<string, TreeNode>();
    let sorted = true;
    let last = '';
    for (const node of nodes) {
      const key = node.name.toString('latin1');
      if (byName.size > 0 && !(last < key)) sorted = false;
      byName.set(key, node);
      last = key;
    }
    return { id: treeId, byName, reusable: onlyKnownFields && sorted };
  }

  /**
   * Stores a folder's tree. Where every node is the same as in the parent's tree of that folder (an unchanged
   * folder), that tree is the one this folder's would be: its ID is used without encoding and hashing it again.
   */
  private async saveTree(nodes: TreeNode[], parent?: ParentTree): Promise<Id> {
    if (parent?.reusable && nodes.length === parent.byName.size && nodes.every((n) => sameAsParent(n, parent))) return parent.id;
    const { id } = await this.writer.save('tree', encodeTree(nodes));
    return id;
  }

  private async saveVirtual(dir: VirtualDir, parentNodes: ParentNodes): Promise<Id> {
    const entries: Promise<TreeNode | undefined>[] = [];
    for (const [name, child] of dir.children) {
      throwIfAborted(this.signal);
      const nameBuf = Buffer.from(name);
      const previous = parentNodes?.byName.get(nameBuf.toString('latin1'));
      if (child.kind === 'target') {
        entries.push(this.watched(await this.saveEntry(Buffer.from(child.realPath), nameBuf, previous, undefined, this.changeDriven)));
        continue;
      }
      let st: BigIntStats;
      try {
        st = await fs.lstat(child.realPath, { bigint: true });
      } catch (err) {
        this.warn(child.realPath, describeFsError(err));
        continue;
      }
      const node = nodeFromStat(nameBuf, 'dir', st);
      node.subtree = await this.saveVirtual(child, previous?.type === 'dir' ? await this.loadTreeNodes(previous.subtree) : undefined);
      entries.push(Promise.resolve(node));
    }
    // The entries of "." or ".." sit at the top, beside the other targets (which win where names meet).
    const taken = new Set(dir.children.keys());
    for (const folder of dir.contentsOf) {
      let names: Buffer[];
      try {
        names = this.filter.keptEntries(folder, await this.files.list(Buffer.from(folder)), this.tagWarning).filter((name) => !taken.has(name.toString()));
      } catch (err) {
        this.warn(folder, describeFsError(err));
        continue;
      }
      for (const name of names) taken.add(name.toString());
      entries.push(...(await this.startEntries(Buffer.from(folder), names, parentNodes, this.changeDriven)));
    }
    return this.saveTree(await this.settled(entries), parentNodes);
  }

  /** The nodes of a folder's entries once each is complete, leaving out those that turned out unreadable. */
  private async settled(entries: Promise<TreeNode | undefined>[]): Promise<TreeNode[]> {
    return (await Promise.all(entries)).filter((n): n is TreeNode => n !== undefined);
  }

  /** The first failure of work under way: it stops the walk (and is thrown where the work is awaited). */
  private failure: { error: unknown } | undefined;

  private watched<T>(work: Started<T>): Promise<T> {
    work.done.catch((error: unknown) => {
      this.failure ??= { error };
    });
    return work.done;
  }

  /**
   * Starts backing up one file system entry; resolves once it is under way (a file accepted by the writer, a
   * folder's entries all started) to its finished node: undefined if it is excluded or unreadable. Folders are
   * walked in order while the writer's threads store what was started before.
   */
  private async saveEntry(fullPath: Buffer, name: Buffer, previous: TreeNode | undefined, previousSubtree?: Promise<ParentNodes>, reexamining = false): Promise<Started<TreeNode | undefined>> {
    throwIfAborted(this.signal);
    if (this.failure) throw this.failure.error;
    const display = fullPath.toString();
    const skipped = { done: Promise.resolve(undefined) };
    if (this.filter.excludesPath(display)) return skipped;
    this.noteUnwatched(display);
    const walked = await this.files.entry(fullPath);
    const st = walked.stat;
    if (!st) {
      this.warn(display, describeFsError(walked.error));
      return skipped;
    }
    const type = nodeTypeOf(st);
    if (type === 'file' && this.filter.excludesSize(st.size)) return skipped;
    if (!type) {
      this.warn(display, 'unsupported file type, skipped');
      return skipped;
    }
    const node = nodeFromStat(name, type, st);
    const unreadable = (err: unknown): undefined => {
      if (!isFsError(err)) throw err;
      this.warn(display, describeFsError(err));
      return undefined;
    };
    try {
      if (type === 'dir') {
        const scope = reexamining ? this.scopeOf(display, previous, node) : 'walk';
        if (scope === 'reuse') {
          node.subtree = previous?.subtree;
          this.summary.dirsUnmodified++;
          return { done: Promise.resolve(node) };
        }
        const previousNodes = previous?.type === 'dir' ? await (previousSubtree ?? this.loadTreeNodes(previous.subtree)) : undefined;
        const subtree = await this.saveDir(fullPath, previousNodes, scope === 'reexamine');
        return {
          done: subtree.done.then((id) => {
            node.subtree = id;
            if (!previous) this.summary.dirsNew++;
            else if (previous.subtree === id) this.summary.dirsUnmodified++;
            else this.summary.dirsChanged++;
            this.options.onItem?.(!previous ? 'new' : previous.subtree === id ? 'unchanged' : 'modified', display, true);
            return node;
          }, unreadable),
        };
      } else if (type === 'symlink') {
        if (walked.readError) throw walked.readError;
        node.linktarget = walked.linkTarget ?? (await fs.readlink(fullPath, { encoding: 'buffer' }));
      } else if (type === 'file') {
        const content = await this.saveFile(fullPath, node, previous, walked);
        return { done: content.done.then(() => node, unreadable) };
      }
    } catch (err) {
      return { done: Promise.resolve(unreadable(err)) };
    }
    return { done: Promise.resolve(node) };
  }

  /** Starts every entry of a folder in turn; resolves once they are all under way, to the folder's tree ID. */
  private async saveDir(dirPath: Buffer, previousNodes: ParentNodes, reexamining: boolean): Promise<Started<Id>> {
    const names = this.filter.keptEntries(dirPath.toString(), await this.files.list(dirPath), this.tagWarning);
    const entries = await this.startEntries(dirPath, names, previousNodes, reexamining);
    return { done: this.settled(entries).then((nodes) => this.saveTree(nodes, previousNodes)) };
  }

  /** Starts the entries `names` of the folder `dirPath` in turn; resolves once they are all under way. */
  private async startEntries(dirPath: Buffer, names: Buffer[], previousNodes: ParentNodes, reexamining: boolean): Promise<Promise<TreeNode | undefined>[]> {
    const prefix = Buffer.concat([dirPath, Buffer.from(dirPath.length === 1 && dirPath[0] === 0x2f ? '' : '/')]);
    // Looking again at a folder reuses most subfolders' trees as they are: their nodes are loaded only where needed.
    const subtrees = reexamining ? new Map<string, Promise<ParentNodes>>() : this.loadSubtrees(previousNodes);
    const entries: Promise<TreeNode | undefined>[] = [];
    for (const name of names) {
      const turn = this.turns.maybeYield();
      if (turn) await turn;
      const key = name.toString('latin1');
      entries.push(this.watched(await this.saveEntry(Buffer.concat([prefix, name]), name, previousNodes?.byName.get(key), subtrees.get(key), reexamining)));
    }
    return entries;
  }

  /**
   * Starts backing up a file's content (read already where `walked` has it); resolves once the writer has accepted
   * it, to when node.content is set.
   */
  private async saveFile(filePath: Buffer, node: TreeNode, previous: TreeNode | undefined, walked: WalkedEntry): Promise<Started<void>> {
    const size = Number(node.size ?? 0n);
    if (
      !this.options.force &&
      previous?.type === 'file' &&
      previous.content &&
      previous.mtime === node.mtime &&
      previous.ctime === node.ctime &&
      (previous.size ?? 0n) === (node.size ?? 0n) &&
      previous.inode === node.inode &&
      previous.content.every((id) => this.writer.has('data', id))
    ) {
      node.content = previous.content;
      this.summary.filesUnmodified++;
      this.options.onItem?.('unchanged', filePath.toString(), false);
      this.countProcessed(filePath, size);
      return DONE;
    }
    if (size < CHUNK_MIN_SIZE) {
      // A small file is one blob, read whole and stored right here, in few system calls.
      const room = this.writer.waitForRoom();
      if (room) await room;
      if (walked.readError) return { done: Promise.reject(walked.readError) };
      const result = walked.blob ? this.writer.storePrepared(walked.blob) : this.writer.storeFile(filePath, CHUNK_MIN_SIZE, size);
      if (result.kind === 'failed') return { done: Promise.reject(result.error) };
      if (result.kind === 'empty') {
        this.finishFile(node, previous, 0, filePath);
        node.content = [];
        return DONE;
      }
      if (result.kind === 'stored') {
        this.finishFile(node, previous, result.length, filePath);
        node.content = [result.id];
        return DONE;
      }
      if (result.kind === 'queued') {
        this.finishFile(node, previous, result.length, filePath);
        return {
          done: result.id.then((id) => {
            node.content = [id];
          }),
        };
      }
      // It has grown to a chunked file since lstat: read it piecewise.
    }
    return this.startChunked(filePath, node, previous);
  }

  /** Starts reading a file in chunks once one of the reading slots is free (the walk goes on meanwhile). */
  private async startChunked(filePath: Buffer, node: TreeNode, previous: TreeNode | undefined): Promise<Started<void>> {
    // The slot bounds how many large files are being read; hashing and sealing go on after it is freed.
    const release = await this.fileSlots.acquire();
    const reading = this.readChunked(filePath, node, previous).finally(release);
    return { done: reading.then((sealing) => sealing.done) };
  }

  /**
   * Reads a file piece by piece through the chunker into the writer; resolves once it is read, to a promise
   * (wrapped, as a promise cannot resolve to a promise) that fills in node.content when its blobs are hashed.
   */
  private async readChunked(filePath: Buffer, node: TreeNode, previous: TreeNode | undefined): Promise<Started<void>> {
    const file = await fs.open(filePath, 'r');
    let total = 0;
    const ids: Promise<Id>[] = [];
    const pending: Buffer[] = [];
    try {
      const chunker = new Chunker(this.repo.config.chunkerPolynomial);
      for (;;) {
        throwIfAborted(this.signal);
        // Reads go to shared memory, so that chunks reach the worker threads without a copy.
        const buf = this.readBuffers.take();
        try {
          const { bytesRead } = await file.read(buf, 0, buf.length, null);
          if (bytesRead === 0) break;
          total += bytesRead;
          let start = 0;
          while (start < bytesRead) {
            const cut = chunker.next(buf, start, bytesRead);
            const piece = buf.subarray(start, cut < 0 ? bytesRead : cut);
            this.readBuffers.ref(piece);
            pending.push(piece);
            if (cut < 0) break;
            ids.push((await this.saveChunk(pending)).id);
            start = cut;
          }
          this.reportProgress(filePath, bytesRead);
        } finally {
          this.readBuffers.release(buf);
        }
      }
      if (pending.length > 0) ids.push((await this.saveChunk(pending)).id);
    } finally {
      for (const piece of pending.splice(0)) this.readBuffers.release(piece);
      await file.close();
    }
    this.finishFile(node, previous, total, filePath);
    return {
      done: Promise.all(ids).then((content) => {
        node.content = content;
      }),
    };
  }

  private finishFile(node: TreeNode, previous: TreeNode | undefined, total: number, filePath: Buffer): void {
    // The file may have grown or shrunk while it was read: record what was stored.
    node.size = total > 0 ? BigInt(total) : undefined;
    if (previous?.type === 'file') this.summary.filesChanged++;
    else this.summary.filesNew++;
    this.options.onItem?.(previous?.type === 'file' ? 'modified' : 'new', filePath.toString(), false);
    this.summary.totalFilesProcessed++;
    this.summary.totalBytesProcessed += total;
    if (total > 0 && total < CHUNK_MIN_SIZE) this.reportProgress(filePath, total);
  }

  /**
   * Hands one chunk (made of `parts`, which is emptied) to the writer; returns the promise of its ID. Parts
   * from the read buffer pool are given back once the chunk no longer needs them.
   */
  private async saveChunk(parts: Buffer[]): Promise<{ id: Promise<Id> }> {
    const pieces = parts.splice(0);
    if (pieces.length === 1) {
      const { id } = await this.writer.enqueueData(pieces[0]).catch((err: unknown) => {
        this.readBuffers.release(pieces[0]);
        throw err;
      });
      // The worker reads the view until the blob is encoded.
      void id.then(
        () => this.readBuffers.release(pieces[0]),
        () => this.readBuffers.release(pieces[0]),
      );
      return { id };
    }
    const chunk = Buffer.concat(pieces);
    for (const piece of pieces) this.readBuffers.release(piece);
    return this.writer.enqueueData(chunk);
  }

  private async saveStdin(filename: string, input: AsyncIterable<Uint8Array>): Promise<Id> {
    const chunker = new Chunker(this.repo.config.chunkerPolynomial);
    const ids: Promise<Id>[] = [];
    const pending: Buffer[] = [];
    let total = 0;
    for await (const piece of input) {
      throwIfAborted(this.signal);
      const buf = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      total += buf.length;
      let start = 0;
      while (start < buf.length) {
        const cut = chunker.next(buf, start, buf.length);
        if (cut < 0) {
          pending.push(Buffer.from(buf.subarray(start)));
          break;
        }
        pending.push(Buffer.from(buf.subarray(start, cut)));
        ids.push((await this.saveChunk(pending)).id);
        start = cut;
      }
      this.reportProgress(Buffer.from(filename), buf.length);
    }
    if (pending.length > 0) ids.push((await this.saveChunk(pending)).id);
    const content = await Promise.all(ids);
    const now = formatGoTime(BigInt((this.options.now?.() ?? new Date()).getTime()) * 1_000_000n);
    const user = userInfo();
    const node: TreeNode = {
      name: Buffer.from(filename),
      type: 'file',
      mode: 0o644,
      mtime: now,
      atime: now,
      ctime: now,
      uid: Math.max(0, user.uid),
      gid: Math.max(0, user.gid),
      size: total > 0 ? BigInt(total) : undefined,
      content,
    };
    this.summary.filesNew++;
    this.summary.totalFilesProcessed++;
    this.summary.totalBytesProcessed += total;
    return this.saveTree([node]);
  }

  private countProcessed(filePath: Buffer, size: number): void {
    this.summary.totalFilesProcessed++;
    this.summary.totalBytesProcessed += size;
    this.reportProgress(filePath, 0);
  }

  private progressBytes = 0;
  private reportProgress(filePath: Buffer, bytes: number, final = false): void {
    this.progressBytes += bytes;
    const now = Date.now();
    if (!this.options.onProgress || (!final && now - this.lastProgress < PROGRESS_INTERVAL_MS)) return;
    this.lastProgress = now;
    // The totals counted so far (as restic's scanner reports them), at least what is done.
    const totalFiles = Math.max(this.scan.files, this.summary.totalFilesProcessed);
    const totalBytes = Math.max(this.scan.bytes, this.progressBytes);
    this.options.onProgress({
      filesDone: this.summary.totalFilesProcessed,
      bytesDone: this.progressBytes,
      currentFile: final ? undefined : filePath.toString(),
      totalFiles,
      totalBytes,
      errorCount: this.summary.unreadable.length,
      final,
    });
  }

  private get changeDriven(): boolean {
    return this.options.changes !== undefined;
  }

  /** How a subfolder of a folder being looked at again is backed up (see ChangeScope). */
  private scopeOf(display: string, previous: TreeNode | undefined, node: TreeNode): FolderScope {
    const changes = this.options.changes;
    if (!changes || previous?.type !== 'dir' || !previous.subtree || changes.walkWhole.has(display)) return 'walk';
    // Another folder under the same name (moved here, or replaced) is walked: its content was reported elsewhere.
    if (previous.inode !== node.inode || previous.deviceId !== node.deviceId) return 'walk';
    if (changes.reexamine.has(display)) return 'reexamine';
    return this.repo.index.has('tree', previous.subtree) ? 'reuse' : 'walk';
  }

  /** Records the topmost entries the file watcher does not report: the next change-driven backup walks them. */
  private noteUnwatched(display: string): void {
    const unwatched = this.options.unwatched;
    if (unwatched?.paths.hides(display) && !unwatched.paths.hides(path.dirname(display))) unwatched.found.push(display);
  }

  /** A tag file without the header asked for: said, as restic says it, but nothing was left unread. */
  private readonly tagWarning = (where: string, message: string): void => this.options.onWarning?.(where, message);

  private warn(where: string, message: string): void {
    this.summary.unreadable.push(where);
    this.options.onWarning?.(where, message);
  }
}

/** The order in which saveVirtual meets the file system, for the read-ahead to follow (readahead/walk.ts). */
function readSteps(dir: VirtualDir): ReadStep[] {
  const steps: ReadStep[] = [];
  for (const child of dir.children.values()) {
    if (child.kind === 'target') steps.push({ kind: 'target', path: child.realPath });
    else steps.push(...readSteps(child));
  }
  if (dir.contentsOf.length > 0) steps.push({ kind: 'contents', folders: dir.contentsOf, taken: [...dir.children.keys()] });
  return steps;
}

/** The newest snapshot of exactly these paths from this host: a backup's parent when none is named. */
export async function latestSnapshotOf(repo: Repository, host: string, paths: readonly string[], signal?: AbortSignal): Promise<SnapshotEntry | undefined> {
  const key = JSON.stringify([...paths].sort());
  const all = await repo.listSnapshots(signal).catch(failedOnDamage('cannot choose a parent snapshot', '; name one with --parent, or back up without one with --force'));
  return all.filter((e) => e.snapshot.hostname === host && JSON.stringify([...e.snapshot.paths].sort()) === key).at(-1);
}

/** The summary restic 0.17+ writes into the snapshot file (its keys in snake case; see encodeSnapshot). */
function snapshotSummary(s: Omit<BackupSummary, 'snapshotId' | 'parent' | 'unreadable'> & { unreadable?: unknown; parent?: unknown }): Record<string, unknown> {
  const { backupStart, backupEnd, filesNew, filesChanged, filesUnmodified, dirsNew, dirsChanged, dirsUnmodified, dataBlobs, treeBlobs, dataAdded, dataAddedPacked, totalFilesProcessed, totalBytesProcessed } = s;
  return { backupStart, backupEnd, filesNew, filesChanged, filesUnmodified, dirsNew, dirsChanged, dirsUnmodified, dataBlobs, treeBlobs, dataAdded, dataAddedPacked, totalFilesProcessed, totalBytesProcessed };
}

function sameAsParent(node: TreeNode, parent: ParentTree): boolean {
  const previous = parent.byName.get(node.name.toString('latin1'));
  return previous !== undefined && sameNode(node, previous);
}

/**
 * Where a target sits in the snapshot, as restic puts it: an absolute path at its whole path; a relative one at its
 * cleaned path without leading ".." ("a/b" and "./a/b" at /a/b, "../x/y" at /x/y), and "." or ".." (no components
 * left) as the top itself, holding the folder's entries.
 */
export function snapshotComponents(target: string, absolute: string): string[] {
  if (path.isAbsolute(target)) return absolute.split('/').filter(Boolean);
  const parts = path.normalize(target).split('/').filter((part) => part !== '' && part !== '.');
  while (parts[0] === '..') parts.shift();
  return parts;
}

export function isFsError(err: unknown): err is NodeJS.ErrnoException {
  return typeof err === 'object' && err !== null && typeof (err as NodeJS.ErrnoException).code === 'string' && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}

export function describeFsError(err: unknown): string {
  if (isFsError(err)) {
    switch (err.code) {
      case 'ENOENT':
        return 'no such file or directory';
      case 'EACCES':
      case 'EPERM':
        return 'permission denied';
      case 'ENOTDIR':
        return 'not a directory';
      case 'ELOOP':
        return 'too many levels of symbolic links';
      default:
        return `${err.code} (${err.syscall})`;
    }
  }
  return err instanceof Error ? err.message : String(err);
}
