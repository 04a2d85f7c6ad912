import { throwIfAborted } from '../base/abort';
import { Id } from '../repo/format/ids';
import { BlobType } from '../repo/format/pack';
import { Repository } from '../repo/repository';
import { decodeTree } from '../repo/format/tree';

/** A blob as a set member: its type and ID together (a data and a tree blob may share an ID). */
export type BlobKey = `${'t' | 'd'}${Id}`;

export function blobKey(type: BlobType, id: Id): BlobKey {
  return `${type === 'tree' ? 't' : 'd'}${id}`;
}

export interface ReachableBlobs {
  blobs: Set<BlobKey>;
  /** Problems found on the way: a tree that is missing or cannot be read, a data blob the index lacks. */
  problems: string[];
}

/**
 * Every blob the given snapshot trees reference, each tree read once. With `collectProblems`, a tree that cannot
 * be loaded is reported and skipped; otherwise the error is thrown.
 */
export async function reachableBlobs(repo: Repository, roots: readonly { tree: Id; snapshotId: Id }[], options: { signal?: AbortSignal; collectProblems?: boolean } = {}): Promise<ReachableBlobs> {
  const blobs = new Set<BlobKey>();
  const problems: string[] = [];
  const pending: { tree: Id; where: string }[] = roots.map((r) => ({ tree: r.tree, where: `snapshot ${r.snapshotId.slice(0, 8)}` }));
  while (pending.length > 0) {
    throwIfAborted(options.signal);
    const { tree, where } = pending.pop()!;
    const key = blobKey('tree', tree);
    if (blobs.has(key)) continue;
    blobs.add(key);
    let nodes;
    try {
      nodes = decodeTree(await repo.loadBlob('tree', tree, options.signal), tree);
    } catch (err) {
      if (!options.collectProblems || options.signal?.aborted) throw err;
      problems.push(`tree ${tree} (in ${where}) cannot be loaded: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    for (const node of nodes) {
      if (node.type === 'dir' && node.subtree) pending.push({ tree: node.subtree, where: `${where}, tree ${tree.slice(0, 8)}` });
      for (const id of node.content ?? []) {
        blobs.add(blobKey('data', id));
        if (options.collectProblems && !repo.index.has('data', id)) problems.push(`data blob ${id} (in ${where}, tree ${tree.slice(0, 8)}) is not in the index`);
      }
    }
  }
  return { blobs, problems };
}
