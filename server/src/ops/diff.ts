// restic's diff: two snapshots (or folders of them) walked side by side, each difference reported as restic words it
// ("+" added, "-" removed, "M" content, "T" type, "U" metadata with --metadata; folders end in "/"), and the blobs
// only one side has counted. Folders whose trees are the same blob are not looked into: nothing below differs.
import { throwIfAborted } from '../base/abort';
import { CRYPTO_OVERHEAD } from '../repo/format/crypto';
import { BlobType } from '../repo/format/pack';
import { Id } from '../repo/format/ids';
import { sameNode, TreeNode } from '../repo/format/tree';
import { Repository, SnapshotEntry } from '../repo/repository';
import { splitSnapshotRef, subfolderTree } from './snapshotpath';
import { loadTree } from './walk';

export type DiffModifier = '+' | '-' | 'M' | 'T' | 'U' | 'TU';

export interface DiffSide {
  files: number;
  dirs: number;
  others: number;
  dataBlobs: number;
  treeBlobs: number;
  bytes: number;
}

export interface DiffSummary {
  /** Every change, in the order found (each folder before what is inside it). */
  changes: { path: string; modifier: DiffModifier }[];
  /** The two snapshots as they were named (`ID[:PATH]`). */
  fromRef: string;
  toRef: string;
  from: SnapshotEntry;
  to: SnapshotEntry;
  changedFiles: number;
  added: DiffSide;
  removed: DiffSide;
}

export interface DiffOptions {
  from: string;
  to: string;
  metadata: boolean;
  /** Told once both snapshots are found, before the first change. */
  onStart?(from: SnapshotEntry, to: SnapshotEntry): void;
  onChange?(path: string, modifier: DiffModifier): void;
  signal?: AbortSignal;
}

const emptySide = (): DiffSide => ({ files: 0, dirs: 0, others: 0, dataBlobs: 0, treeBlobs: 0, bytes: 0 });

export async function diff(repo: Repository, options: DiffOptions): Promise<DiffSummary> {
  await repo.loadIndex(options.signal);
  const [from, fromTree] = await resolve(repo, options.from, options.signal);
  const [to, toTree] = await resolve(repo, options.to, options.signal);
  options.onStart?.(from, to);
  const walk = new DiffWalk(repo, options);
  await walk.compareTrees(fromTree, toTree, '');
  return { fromRef: options.from, toRef: options.to, from, to, changes: walk.changes, ...walk.totals() };
}

async function resolve(repo: Repository, text: string, signal?: AbortSignal): Promise<[SnapshotEntry, Id]> {
  const { ref, subpath } = splitSnapshotRef(text);
  const entry = await repo.findSnapshot(ref, signal);
  return [entry, await subfolderTree(repo, entry, subpath, signal)];
}

type BlobKey = `${BlobType}:${Id}`;

class DiffWalk {
  private readonly before = new Set<BlobKey>();
  private readonly after = new Set<BlobKey>();
  private readonly added = emptySide();
  private readonly removed = emptySide();
  private changedFiles = 0;
  readonly changes: { path: string; modifier: DiffModifier }[] = [];

  constructor(
    private readonly repo: Repository,
    private readonly options: DiffOptions,
  ) {}

  async compareTrees(a: Id, b: Id, prefix: string): Promise<void> {
    throwIfAborted(this.options.signal);
    if (a === b) return;
    this.before.add(`tree:${a}`);
    this.after.add(`tree:${b}`);
    const [left, right] = await Promise.all([loadTree(this.repo, a, this.options.signal), loadTree(this.repo, b, this.options.signal)]);
    const byName = (nodes: TreeNode[]): Map<string, TreeNode> => new Map(nodes.map((n) => [n.name.toString(), n]));
    const l = byName(left);
    const r = byName(right);
    const names = [...new Set([...l.keys(), ...r.keys()])].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    for (const name of names) {
      const x = l.get(name);
      const y = r.get(name);
      const path = `${prefix}/${name}`;
      if (x && y) await this.compareNodes(x, y, path);
      else if (x) await this.collect(x, path, '-', this.removed, this.before);
      else if (y) await this.collect(y, path, '+', this.added, this.after);
    }
  }

  private async compareNodes(x: TreeNode, y: TreeNode, path: string): Promise<void> {
    let modifier = '';
    if (x.type !== y.type) {
      modifier = 'T';
      await this.collect(x, path, undefined, undefined, this.before);
      await this.collect(y, path, undefined, undefined, this.after);
    } else if (x.type === 'file' && !sameContent(x.content, y.content)) {
      modifier = 'M';
      this.changedFiles++;
      for (const id of x.content ?? []) this.before.add(`data:${id}`);
      for (const id of y.content ?? []) this.after.add(`data:${id}`);
    }
    if (this.options.metadata && modifier !== 'M' && !sameNode(x, y)) modifier += 'U';
    if (modifier) this.report(y.type === 'dir' ? `${path}/` : path, modifier as DiffModifier);
    if (x.type === 'dir' && y.type === 'dir' && x.subtree && y.subtree) await this.compareTrees(x.subtree, y.subtree, path);
  }

  /** A node only one side has, and all below it: reported with `modifier` and counted in `side` (when given). */
  private report(path: string, modifier: DiffModifier): void {
    this.changes.push({ path, modifier });
    this.options.onChange?.(path, modifier);
  }

  private async collect(node: TreeNode, path: string, modifier: '+' | '-' | undefined, side: DiffSide | undefined, blobs: Set<BlobKey>): Promise<void> {
    if (modifier) this.report(node.type === 'dir' ? `${path}/` : path, modifier);
    if (side) {
      if (node.type === 'file') side.files++;
      else if (node.type === 'dir') side.dirs++;
      else side.others++;
    }
    for (const id of node.content ?? []) blobs.add(`data:${id}`);
    if (node.type !== 'dir' || !node.subtree) return;
    blobs.add(`tree:${node.subtree}`);
    for (const child of await loadTree(this.repo, node.subtree, this.options.signal)) {
      throwIfAborted(this.options.signal);
      await this.collect(child, `${path}/${child.name.toString()}`, modifier, side, blobs);
    }
  }

  totals(): { changedFiles: number; added: DiffSide; removed: DiffSide } {
    this.count(this.after, this.before, this.added);
    this.count(this.before, this.after, this.removed);
    return { changedFiles: this.changedFiles, added: this.added, removed: this.removed };
  }

  private count(these: Set<BlobKey>, others: Set<BlobKey>, side: DiffSide): void {
    for (const key of these) {
      if (others.has(key)) continue;
      const [type, id] = key.split(':') as [BlobType, Id];
      if (type === 'data') side.dataBlobs++;
      else side.treeBlobs++;
      const blob = this.repo.index.lookup(type, id)?.blob;
      // The blob's plaintext size (uncompressed, without the encryption's 32 bytes), as restic counts it.
      if (blob) side.bytes += blob.uncompressedLength ?? blob.length - CRYPTO_OVERHEAD;
    }
  }
}

function sameContent(a: Id[] | null, b: Id[] | null): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((id, i) => id === y[i]);
}
