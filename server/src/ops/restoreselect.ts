// Which entries of a snapshot a partial restore writes, as restic 0.18 decides it: an entry an exclude pattern
// matches is left out with everything below it; with include patterns, an entry is restored if one matches it (a
// matched folder brings what is inside), and a folder is looked into if something below it could match. Folders on
// the way to a restored entry are restored too (with their metadata) but do not count as selected.
import { throwIfAborted } from '../base/abort';
import { Id } from '../repo/format/ids';
import { TreeNode } from '../repo/format/tree';
import { Repository } from '../repo/repository';
import { CaselessMatcher, ExcludeMatcher } from './exclude';
import { checkNodeName, loadTree } from './walk';

export interface RestoreFilters {
  includes?: string[];
  excludes?: string[];
  iincludes?: string[];
  iexcludes?: string[];
}

interface Matcher {
  isEmpty: boolean;
  excludes(path: string): boolean;
  mayMatchBelow(path: string): boolean;
}

export class RestoreSelection {
  private readonly includes: Matcher[];
  private readonly excludes: Matcher[];

  constructor(filters: RestoreFilters) {
    this.includes = [new ExcludeMatcher(filters.includes ?? []), new CaselessMatcher(filters.iincludes ?? [])].filter((m) => !m.isEmpty);
    this.excludes = [new ExcludeMatcher(filters.excludes ?? []), new CaselessMatcher(filters.iexcludes ?? [])].filter((m) => !m.isEmpty);
  }

  /** Whether include patterns were given (then folders on the way to what they match must be found first). */
  get narrows(): boolean {
    return this.includes.length > 0;
  }

  get isEverything(): boolean {
    return this.includes.length === 0 && this.excludes.length === 0;
  }

  /** `path` is the entry's path below the restored folder ("/a/b"). */
  decide(path: string, isDir: boolean): { selected: boolean; descend: boolean } {
    if (this.excludes.some((m) => m.excludes(path))) return { selected: false, descend: false };
    if (this.includes.length === 0) return { selected: true, descend: isDir };
    const selected = this.includes.some((m) => m.excludes(path));
    return { selected, descend: isDir && (selected || this.includes.some((m) => m.mayMatchBelow(path))) };
  }
}

/** One entry a restore writes, in the order a dry run reports them (a folder after what is inside it). */
export interface PlannedEntry {
  path: string;
  node: TreeNode;
  /** False for a folder restored only because something below it is. */
  selected: boolean;
}

/**
 * Every entry the selection restores from the tree `treeId` (whose path is `prefix`), each folder after its content;
 * `visit` sees each. Resolves to whether anything below was restored.
 */
export async function planRestore(
  repo: Repository,
  treeId: Id,
  selection: RestoreSelection,
  visit: (entry: PlannedEntry) => void,
  signal?: AbortSignal,
  prefix = '',
): Promise<boolean> {
  let any = false;
  const seen = new Set<string>();
  for (const node of await loadTree(repo, treeId, signal)) {
    throwIfAborted(signal);
    checkNodeName(node.name, `tree ${treeId}`);
    const key = node.name.toString('latin1');
    if (seen.has(key)) continue;
    seen.add(key);
    const path = `${prefix}/${node.name.toString()}`;
    const { selected, descend } = selection.decide(path, node.type === 'dir');
    const below = descend && node.subtree ? await planRestore(repo, node.subtree, selection, visit, signal, path) : false;
    if (selected || below) {
      visit({ path, node, selected });
      any = true;
    }
  }
  return any;
}

/** What the files of one set of hard links share (undefined for a file with one name): their size counts once. */
export function hardLinkKey(node: TreeNode): string | undefined {
  return node.links !== undefined && node.links > 1n && node.inode !== undefined ? `${node.deviceId}:${node.inode}` : undefined;
}

/** A file's size as restic counts it in totals: its set of hard links counts once. */
export function countedSize(node: TreeNode, seenLinks: Set<string>): number {
  if (node.type !== 'file') return 0;
  const key = hardLinkKey(node);
  if (key !== undefined) {
    if (seenLinks.has(key)) return 0;
    seenLinks.add(key);
  }
  return Number(node.size ?? 0n);
}
