// restic's find: in each snapshot (newest first), the entries whose path a pattern matches as restic's filter
// patterns match (so a matched folder brings what is inside it); folders are looked into only where a match could be.
import { throwIfAborted } from '../base/abort';
import { Id } from '../repo/format/ids';
import { TreeNode } from '../repo/format/tree';
import { Repository, SnapshotEntry } from '../repo/repository';
import { CaselessMatcher, ExcludeMatcher } from './exclude';
import { selectSnapshots, SnapshotFilter } from './snapshots';
import { checkNodeName, loadTree } from './walk';

export interface FindOptions {
  patterns: string[];
  refs: string[];
  filter: SnapshotFilter;
  ignoreCase: boolean;
  /** Each snapshot with its matches, newest first, as it is searched. */
  onSnapshot?(entry: SnapshotEntry, hits: FindHit[]): void;
  signal?: AbortSignal;
}

export interface FindHit {
  path: string;
  node: TreeNode;
}

export interface FindOutcome {
  /** Snapshots with at least one match, newest first. */
  matches: { entry: SnapshotEntry; hits: FindHit[] }[];
  ignored: string[];
}

export async function find(repo: Repository, options: FindOptions): Promise<FindOutcome> {
  const matcher = options.ignoreCase ? new CaselessMatcher(options.patterns) : new ExcludeMatcher(options.patterns);
  await repo.loadIndex(options.signal);
  const selected = await selectSnapshots(repo, options.refs, options.filter, options.signal);
  const matches: FindOutcome['matches'] = [];
  for (const entry of [...selected.entries].reverse()) {
    const hits: FindHit[] = [];
    await search(repo, entry.snapshot.tree, '', matcher, hits, options.signal);
    if (hits.length === 0) continue;
    matches.push({ entry, hits });
    options.onSnapshot?.(entry, hits);
  }
  return { matches, ignored: [...selected.ignored, ...selected.damaged.map((d) => d.message)] };
}

async function search(repo: Repository, tree: Id, prefix: string, matcher: ExcludeMatcher | CaselessMatcher, hits: FindHit[], signal?: AbortSignal): Promise<void> {
  for (const node of await loadTree(repo, tree, signal)) {
    throwIfAborted(signal);
    checkNodeName(node.name, `tree ${tree}`);
    const path = `${prefix}/${node.name.toString()}`;
    if (matcher.excludes(path)) hits.push({ path, node });
    if (node.type === 'dir' && node.subtree && matcher.mayMatchBelow(path)) await search(repo, node.subtree, path, matcher, hits, signal);
  }
}
