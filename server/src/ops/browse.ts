// Reading one folder or one file of a snapshot, for a front end that browses it (the extension's Snapshots view and
// its read-only `lockstep-snapshot:` editors): only the trees on the way to the path are loaded.
import { LockstepError } from '../base/errors';
import { Id } from '../repo/format/ids';
import { posixPermFromGoMode, TreeNode } from '../repo/format/tree';
import { Repository } from '../repo/repository';
import { checkNodeName, loadTree } from './walk';

/** One entry of a folder, as a browser shows it. */
export interface BrowsedNode {
  name: string;
  type: TreeNode['type'];
  /** "/a/b" inside the snapshot. */
  path: string;
  size?: number;
  mtime: string;
  permissions?: number;
}

/** The largest file one read returns: a browser's editor reads it whole. */
export const MAX_BROWSE_FILE_BYTES = 64 * 1024 * 1024;

function components(path: string): string[] {
  if (!path.startsWith('/')) throw new LockstepError(`path "${path}" must start with "/"`);
  return path.split('/').filter((c) => c !== '');
}

function browsed(parent: string, node: TreeNode): BrowsedNode {
  const name = node.name.toString();
  return {
    name,
    type: node.type,
    path: `${parent === '/' ? '' : parent}/${name}`,
    size: node.size === undefined ? undefined : Number(node.size),
    mtime: node.mtime,
    permissions: node.mode === undefined ? undefined : posixPermFromGoMode(node.mode),
  };
}

/** The node at `path` of the tree `root` ("/" is the root itself, returned as undefined). */
async function nodeAt(repo: Repository, root: Id, path: string, signal?: AbortSignal): Promise<TreeNode | undefined> {
  let tree = root;
  let found: TreeNode | undefined;
  let walked = '';
  for (const name of components(path)) {
    if (found && found.type !== 'dir') throw new LockstepError(`${walked} is not a folder`);
    if (found) tree = found.subtree ?? failNoSubtree(walked);
    const nodes = await loadTree(repo, tree, signal);
    found = nodes.find((n) => n.name.toString() === name);
    walked += `/${name}`;
    if (!found) throw new LockstepError(`path not found: ${walked}`);
    checkNodeName(found.name, `tree ${tree}`);
  }
  return found;
}

function failNoSubtree(path: string): never {
  throw new LockstepError(`folder ${path} has no subtree`);
}

/** The entries of one folder of a snapshot, folders first, then by name; a file's path lists the file alone. */
export async function browseFolder(repo: Repository, root: Id, path: string, signal?: AbortSignal): Promise<BrowsedNode[]> {
  const node = await nodeAt(repo, root, path, signal);
  const parent = path.replace(/\/+$/, '') || '/';
  if (node && node.type !== 'dir') return [browsed(parent.slice(0, parent.lastIndexOf('/')) || '/', node)];
  const tree = node ? (node.subtree ?? failNoSubtree(parent)) : root;
  const entries = (await loadTree(repo, tree, signal)).map((n) => {
    checkNodeName(n.name, `tree ${tree}`);
    return browsed(parent, n);
  });
  return entries.sort((a, b) => (a.type === 'dir') !== (b.type === 'dir') ? (a.type === 'dir' ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** One file's bytes; refuses folders and files larger than `maxBytes`. */
export async function browseFile(repo: Repository, root: Id, path: string, maxBytes: number, signal?: AbortSignal): Promise<Buffer> {
  const node = await nodeAt(repo, root, path, signal);
  if (!node || node.type === 'dir') throw new LockstepError(`${path} is a folder`);
  if (node.type === 'symlink') return Buffer.from(node.linktarget ?? Buffer.alloc(0));
  if (node.type !== 'file') throw new LockstepError(`${path} is a ${node.type}, not a file`);
  const size = Number(node.size ?? 0n);
  if (size > maxBytes) throw new LockstepError(`${path} is ${size} bytes, more than ${maxBytes}`);
  const parts: Buffer[] = [];
  for (const id of node.content ?? []) parts.push(await repo.loadBlob('data', id, signal));
  return Buffer.concat(parts);
}
