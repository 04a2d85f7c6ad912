// Paths inside a snapshot: restic's `SNAPSHOT:PATH` form, and finding the node a path names by loading only the
// trees on the way to it.
import { LockstepError } from '../base/errors';
import { Id } from '../repo/format/ids';
import { TreeNode } from '../repo/format/tree';
import { Repository, SnapshotEntry } from '../repo/repository';
import { loadTree } from './walk';

/** `abc123:/home/me` → the snapshot reference and the folder inside it ("" when none is given). */
export function splitSnapshotRef(text: string): { ref: string; subpath: string } {
  const colon = text.indexOf(':');
  if (colon < 0) return { ref: text, subpath: '' };
  return { ref: text.slice(0, colon), subpath: text.slice(colon + 1) };
}

/** The path's components, as restic cleans it ("/a//b/" and "a/b" are both [a, b]; ".." is refused). */
export function pathComponents(text: string): string[] {
  const parts = text.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new LockstepError(`path ${text}: ".." is not allowed inside a snapshot`);
  return parts;
}

/** What a path inside a snapshot names: its node (none for the root folder) and, for folders, their tree. */
export interface FoundNode {
  /** "/a/b", or "/" for the root. */
  path: string;
  node?: TreeNode;
  /** The folder's tree (the snapshot's tree for the root); undefined for anything else. */
  tree?: Id;
}

/** Finds the node at `text` below the tree `root`; "path a/b: not found" as restic words it otherwise. */
export async function findNode(repo: Repository, root: Id, text: string, signal?: AbortSignal): Promise<FoundNode> {
  const parts = pathComponents(text);
  let tree: Id | undefined = root;
  let node: TreeNode | undefined;
  for (const [i, part] of parts.entries()) {
    if (!tree) throw new LockstepError(`path ${parts.slice(0, i).join('/')}: not a directory`);
    const nodes: TreeNode[] = await loadTree(repo, tree, signal);
    node = nodes.find((n) => n.name.toString() === part);
    if (!node) throw new LockstepError(`path ${parts.slice(0, i + 1).join('/')}: not found`);
    tree = node.type === 'dir' ? node.subtree : undefined;
  }
  return { path: '/' + parts.join('/'), node, tree };
}

/** The folder `SNAPSHOT:PATH` names: its tree (restic refuses a path that is not a folder). */
export async function subfolderTree(repo: Repository, entry: SnapshotEntry, subpath: string, signal?: AbortSignal): Promise<Id> {
  if (pathComponents(subpath).length === 0) return entry.snapshot.tree;
  const found = await findNode(repo, entry.snapshot.tree, subpath, signal);
  if (!found.tree) throw new LockstepError(`path ${found.path.slice(1)}: not a directory`);
  return found.tree;
}
