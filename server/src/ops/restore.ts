import { chmodSync, closeSync, constants as C, lchownSync, lutimesSync, openSync, rmSync, promises as fs, utimesSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { throwIfAborted } from '../abort';
import { LockstepError } from '../errors';
import { parseGoTime } from '../repo/gotime';
import { Id } from '../repo/ids';
import { Repository } from '../repo/repository';
import { createBlobCodec } from '../repo/workerpool';
import { posixPermFromGoMode, TreeNode } from '../repo/tree';
import { describeFsError, isFsError } from './backup';
import { checkNodeName, loadTree } from './walk';

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

const FILE_CONCURRENCY = 4;
const PREFETCH_BLOBS = 4;
const SMALL_FILE = 512 * 1024;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Restores a snapshot below `target`, never writing outside it. */
export async function restore(repo: Repository, options: RestoreOptions): Promise<RestoreSummary> {
  const { signal } = options;
  await repo.loadIndex(signal);
  const entry = await repo.findSnapshot(options.snapshot, signal);
  const target = path.resolve(options.target);
  await fs.mkdir(target, { recursive: true, mode: 0o700 });
  const summary: RestoreSummary = { snapshotId: entry.id, filesRestored: 0, dirsRestored: 0, bytesRestored: 0, warnings: [] };
  const hardLinks = new Map<string, Buffer>();
  const codec = createBlobCodec(repo.key);
  let lastProgress = 0;

  const warn = (where: Buffer, message: string): void => {
    const shown = where.toString();
    summary.warnings.push(`${shown}: ${message}`);
    options.onWarning?.(shown, message);
  };

  const restoreFile = async (dest: Buffer, node: TreeNode): Promise<void> => {
    const linkKey = node.links !== undefined && node.links > 1n && node.inode !== undefined ? `${node.deviceId}:${node.inode}` : undefined;
    const existing = linkKey ? hardLinks.get(linkKey) : undefined;
    // A fresh file each time: an existing one might be a link that leads out of the target.
    rmSync(dest, { recursive: true, force: true });
    if (existing) {
      await fs.link(existing, dest);
      return;
    }
    const ids = node.content ?? [];
    if (ids.length === 1 && node.size !== undefined && node.size <= BigInt(SMALL_FILE)) {
      // One small blob: load it, then write the file in a few synchronous calls, which for many
      // small files costs far less than a round trip to libuv's thread pool per call.
      const data = await repo.loadBlobWith(codec, 'data', ids[0], signal);
      const fd = openSync(dest, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600);
      try {
        writeSync(fd, data);
      } finally {
        closeSync(fd);
      }
      summary.bytesRestored += data.length;
      summary.filesRestored++;
      return;
    }
    const file = await fs.open(dest, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600);
    try {
      // Reads and decryption (on worker threads) run a few blobs ahead of the writes.
      const ahead: Promise<Buffer>[] = [];
      let next = 0;
      const fill = (): void => {
        while (ahead.length < PREFETCH_BLOBS && next < ids.length) {
          const blob = repo.loadBlobWith(codec, 'data', ids[next++], signal);
          blob.catch(() => undefined); // awaited below, in order
          ahead.push(blob);
        }
      };
      fill();
      while (ahead.length > 0) {
        throwIfAborted(signal);
        const data = await ahead.shift()!;
        fill();
        await file.write(data);
        summary.bytesRestored += data.length;
      }
    } finally {
      await file.close();
    }
    if (linkKey) hardLinks.set(linkKey, dest);
    summary.filesRestored++;
    const now = Date.now();
    if (options.onProgress && now - lastProgress > 200) {
      lastProgress = now;
      options.onProgress({ filesDone: summary.filesRestored, bytesDone: summary.bytesRestored });
    }
  };

  const restoreDir = async (treeId: Id, dir: Buffer): Promise<void> => {
    const nodes = await loadTree(repo, treeId, signal);
    const files: [Buffer, TreeNode][] = [];
    const dirs: [Buffer, TreeNode][] = [];
    for (const node of nodes) {
      checkNodeName(node.name, `tree ${treeId}`);
      const dest = Buffer.concat([dir, Buffer.from('/'), node.name]);
      if (node.type === 'dir') dirs.push([dest, node]);
      else files.push([dest, node]);
    }
    await runLimited(files, FILE_CONCURRENCY, async ([dest, node]) => {
      throwIfAborted(signal);
      try {
        if (node.type === 'file') await restoreFile(dest, node);
        else if (node.type === 'symlink') {
          await fs.rm(dest, { recursive: true, force: true });
          await fs.symlink(node.linktarget ?? Buffer.alloc(0), dest);
        } else {
          warn(dest, `${node.type} entries are not restored`);
          return;
        }
        await applyMetadata(dest, node);
      } catch (err) {
        if (err instanceof LockstepError || !isFsError(err)) throw err;
        warn(dest, describeFsError(err));
      }
    });
    for (const [dest, node] of dirs) {
      throwIfAborted(signal);
      await ensureDir(dest);
      if (!node.subtree) throw new LockstepError(`folder ${dest.toString()} has no subtree in the snapshot`);
      await restoreDir(node.subtree, dest);
      summary.dirsRestored++;
      await applyMetadata(dest, node).catch((err: unknown) => warn(dest, describeFsError(err)));
    }
  };

  try {
    await restoreDir(entry.snapshot.tree, Buffer.from(target));
  } finally {
    await codec.close();
  }
  return summary;
}

async function ensureDir(dest: Buffer): Promise<void> {
  const st = await fs.lstat(dest).catch(() => undefined);
  if (st?.isDirectory()) return;
  if (st) await fs.rm(dest, { recursive: true, force: true });
  await fs.mkdir(dest, { mode: 0o700 });
}

/** Owner, mode and times: quick local system calls, made synchronously (see restoreFile). */
async function applyMetadata(dest: Buffer, node: TreeNode): Promise<void> {
  const isLink = node.type === 'symlink';
  if (isRoot) {
    try {
      lchownSync(dest, node.uid, node.gid);
    } catch {
      // An owner that does not exist here is not worth failing the restore for.
    }
  }
  if (!isLink && node.mode !== undefined) chmodSync(dest, posixPermFromGoMode(node.mode));
  const atime = nsToSeconds(parseGoTime(node.atime));
  const mtime = nsToSeconds(parseGoTime(node.mtime));
  if (isLink) lutimesSync(dest, atime, mtime);
  else utimesSync(dest, atime, mtime);
}

function nsToSeconds(ns: bigint): number {
  return Number(ns / 1000n) / 1e6;
}

async function runLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(lanes);
}
