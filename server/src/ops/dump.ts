// restic's dump: a file's bytes, or everything below a folder as a tar archive (paths from the snapshot's root, as
// restic writes them), streamed to a sink; and one file's bytes in memory, bounded, for the JSON-RPC backend.
import { throwIfAborted } from '../base/abort';
import { LockstepError } from '../base/errors';
import { goTimeSeconds } from '../repo/format/gotime';
import { posixPermFromGoMode, TreeNode } from '../repo/format/tree';
import { Repository, SnapshotEntry } from '../repo/repository';
import { findNode, FoundNode, splitSnapshotRef, subfolderTree } from './snapshotpath';
import { padding, tarEnd, tarHeader } from './tar';
import { ZipWriter } from './zip';
import { walkTree } from './walk';

export interface DumpTarget {
  entry: SnapshotEntry;
  found: FoundNode;
}

/**
 * The snapshot `SNAPSHOT[:PATH]` names and the node at `file` in it; when there is none, restic's dump message with
 * `doing` in it ("cannot dump file: path … not found in snapshot").
 */
export async function dumpTarget(repo: Repository, snapshot: string, file: string, signal?: AbortSignal, doing = 'dump file'): Promise<DumpTarget> {
  await repo.loadIndex(signal);
  const { ref, subpath } = splitSnapshotRef(snapshot);
  const entry = await repo.findSnapshot(ref, signal);
  const root = await subfolderTree(repo, entry, subpath, signal);
  try {
    return { entry, found: await findNode(repo, root, file, signal) };
  } catch (err) {
    if (err instanceof LockstepError && /: not (found|a directory)$/.test(err.message)) throw new LockstepError(`cannot ${doing}: path ${JSON.stringify(file)} not found in snapshot`);
    throw err;
  }
}

export type ArchiveFormat = 'tar' | 'zip';

/** Streams a file's bytes, or the folder as tar or zip, to `write` (which may wait, to apply back pressure). */
export async function dump(repo: Repository, target: DumpTarget, write: (chunk: Buffer) => Promise<void> | void, signal?: AbortSignal, archive: ArchiveFormat = 'tar'): Promise<void> {
  const { found } = target;
  if (found.node && found.node.type !== 'dir') {
    if (found.node.type !== 'file') throw new LockstepError(`cannot dump ${found.path}: it is a ${found.node.type}, not a file`);
    for (const id of found.node.content ?? []) await write(await repo.loadBlob('data', id, signal));
    return;
  }
  if (!found.tree) throw new LockstepError(`folder ${found.path} has no subtree in the snapshot`);
  const base = found.path === '/' ? '' : found.path.slice(1) + '/';
  const zip = archive === 'zip' ? new ZipWriter(write) : undefined;
  await walkTree(
    repo,
    found.tree,
    async ({ components, node }) => {
      throwIfAborted(signal);
      const name = Buffer.concat([Buffer.from(base), ...components.flatMap((c, i) => (i === 0 ? [c] : [Buffer.from('/'), c]))]);
      if (zip) await writeZipEntry(repo, zip, name, node, signal);
      else await writeTarEntry(repo, name, node, write, signal);
    },
    signal,
  );
  if (zip) await zip.finish();
  else await write(tarEnd());
}

async function* fileData(repo: Repository, node: TreeNode, signal?: AbortSignal): AsyncIterable<Buffer> {
  for (const id of node.content ?? []) yield await repo.loadBlob('data', id, signal);
}

const UNIX_TYPE = { file: 0o100000, dir: 0o40000, symlink: 0o120000 } as const;

async function writeZipEntry(repo: Repository, zip: ZipWriter, name: Buffer, node: TreeNode, signal?: AbortSignal): Promise<void> {
  if (node.type !== 'file' && node.type !== 'dir' && node.type !== 'symlink') return;
  const perm = node.type === 'symlink' ? 0o777 : posixPermFromGoMode(node.mode ?? 0);
  const entry = { name: node.type === 'dir' ? Buffer.concat([name, Buffer.from('/')]) : name, type: node.type, unixMode: UNIX_TYPE[node.type] | perm, mtime: node.mtime, mtimeSeconds: goTimeSeconds(node.mtime) };
  const linkTarget = node.linktarget ?? Buffer.alloc(0);
  await zip.add(entry, node.type === 'symlink' ? (async function* () { yield linkTarget; })() : fileData(repo, node, signal));
}

async function writeTarEntry(repo: Repository, name: Buffer, node: TreeNode, write: (chunk: Buffer) => Promise<void> | void, signal?: AbortSignal): Promise<void> {
  if (node.type !== 'file' && node.type !== 'dir' && node.type !== 'symlink') return;
  const size = node.type === 'file' ? Number(node.size ?? 0n) : 0;
  const mode = node.type === 'symlink' ? 0o777 : posixPermFromGoMode(node.mode ?? 0);
  await write(
    tarHeader({
      name: node.type === 'dir' ? Buffer.concat([name, Buffer.from('/')]) : name,
      type: node.type,
      mode,
      uid: node.uid,
      gid: node.gid,
      user: node.user,
      group: node.group,
      size,
      mtime: goTimeSeconds(node.mtime),
      linkTarget: node.linktarget,
    }),
  );
  if (node.type !== 'file') return;
  let written = 0;
  for (const id of node.content ?? []) {
    const data = await repo.loadBlob('data', id, signal);
    await write(data);
    written += data.length;
  }
  if (written !== size) throw new LockstepError(`file ${name.toString()} has ${written} bytes of data in the snapshot, not its size ${size}`);
  await write(padding(size));
}

/** The most `readFile` returns at once. */
export const READ_FILE_LIMIT = 64 * 1024 * 1024;

/** One file's bytes, refused beyond `maxBytes`. */
export async function readSnapshotFile(repo: Repository, snapshot: string, file: string, maxBytes: number, signal?: AbortSignal): Promise<{ snapshotId: string; data: Buffer }> {
  const target = await dumpTarget(repo, snapshot, file, signal, 'read file');
  const node = target.found.node;
  if (!node || node.type !== 'file') throw new LockstepError(`${target.found.path} is ${node ? `a ${node.type}` : 'the root folder'}, not a file`);
  const size = Number(node.size ?? 0n);
  if (size > maxBytes) throw new LockstepError(`${target.found.path} is ${size} bytes, more than the ${maxBytes} that may be read at once`);
  const chunks: Buffer[] = [];
  await dump(repo, target, (chunk) => void chunks.push(chunk), signal);
  return { snapshotId: target.entry.id, data: Buffer.concat(chunks) };
}
