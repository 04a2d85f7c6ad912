import { throwIfAborted } from '../base/abort';
import { LockstepError } from '../base/errors';
import { Id } from '../repo/format/ids';
import { Repository } from '../repo/repository';
import { decodeTree, TreeNode } from '../repo/format/tree';

export interface WalkEntry {
  /** Path inside the snapshot, components as raw bytes. */
  components: Buffer[];
  node: TreeNode;
}

/** Refuses names that could step out of the folder they are restored into. */
export function checkNodeName(name: Buffer, where: string): void {
  if (name.length === 0 || name.includes(0x2f) || name.includes(0) || name.equals(Buffer.from('.')) || name.equals(Buffer.from('..'))) {
    throw new LockstepError(`invalid file name ${JSON.stringify(name.toString())} in ${where}: refusing to use it`);
  }
}

export async function loadTree(repo: Repository, id: Id, signal?: AbortSignal): Promise<TreeNode[]> {
  return decodeTree(await repo.loadBlob('tree', id, signal), id);
}

/** Depth-first walk of a snapshot's tree; `visit` sees each node before its children. */
export async function walkTree(
  repo: Repository,
  treeId: Id,
  visit: (entry: WalkEntry) => Promise<boolean | void> | boolean | void,
  signal?: AbortSignal,
  prefix: Buffer[] = [],
): Promise<void> {
  for (const node of await loadTree(repo, treeId, signal)) {
    throwIfAborted(signal);
    checkNodeName(node.name, `tree ${treeId}`);
    const components = [...prefix, node.name];
    const descend = await visit({ components, node });
    if (node.type === 'dir' && node.subtree && descend !== false) await walkTree(repo, node.subtree, visit, signal, components);
  }
}

export function displayPath(components: readonly Buffer[]): string {
  return '/' + components.map((c) => c.toString()).join('/');
}
