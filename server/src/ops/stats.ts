// restic's stats: over the chosen snapshots, what a restore would write (restore-size: every entry, file sizes
// summed), the distinct files by content (files-by-contents), or the distinct blobs they reference and what they
// take in the repository (raw-data).
import { throwIfAborted } from '../base/abort';
import { LockstepError } from '../base/errors';
import { CRYPTO_OVERHEAD } from '../repo/format/crypto';
import { Id } from '../repo/format/ids';
import { BlobType } from '../repo/format/pack';
import { TreeNode } from '../repo/format/tree';
import { Repository } from '../repo/repository';
import { selectSnapshots, SnapshotFilter } from './snapshots';
import { countedSize } from './restoreselect';
import { loadTree } from './walk';

export const STATS_MODES = ['restore-size', 'files-by-contents', 'raw-data'] as const;
export type StatsMode = (typeof STATS_MODES)[number];

export function parseStatsMode(text: string): StatsMode {
  if ((STATS_MODES as readonly string[]).includes(text)) return text as StatsMode;
  throw new LockstepError(`unknown counting mode: ${text} (use the -h flag to get a list of supported modes)`);
}

export interface StatsSummary {
  mode: StatsMode;
  snapshotsCount: number;
  totalSize: number;
  totalFileCount: number;
  totalBlobCount: number;
  /** raw-data: plaintext sizes, and those of the compressed blobs among them. */
  totalUncompressedSize: number;
  compressedBlobsUncompressedSize: number;
  /** raw-data of a repository with compressed blobs: restic's ratio, progress and saving (percent). */
  compression?: { ratio: number; progress: number; spaceSaving: number };
  ignored: string[];
}

function compressionOf(s: Omit<StatsSummary, 'snapshotsCount' | 'ignored' | 'compression'>): StatsSummary['compression'] {
  if (s.mode !== 'raw-data' || s.compressedBlobsUncompressedSize === 0 || s.totalSize === 0) return undefined;
  return {
    ratio: s.totalUncompressedSize / s.totalSize,
    progress: (100 * s.compressedBlobsUncompressedSize) / s.totalUncompressedSize,
    spaceSaving: 100 * (1 - s.totalSize / s.totalUncompressedSize),
  };
}

export async function stats(repo: Repository, options: { refs: string[]; filter: SnapshotFilter; mode: StatsMode; signal?: AbortSignal }): Promise<StatsSummary> {
  await repo.loadIndex(options.signal);
  const selected = await selectSnapshots(repo, options.refs, options.filter, options.signal);
  const tally = new Tally(repo, options.mode, options.signal);
  for (const entry of selected.entries) {
    tally.startSnapshot();
    await tally.tree(entry.snapshot.tree);
  }
  return { ...tally.summary, compression: compressionOf(tally.summary), snapshotsCount: selected.entries.length, ignored: [...selected.ignored, ...selected.damaged.map((d) => d.message)] };
}

class Tally {
  readonly summary: Omit<StatsSummary, 'snapshotsCount' | 'ignored' | 'compression'>;
  private readonly seenBlobs = new Set<string>();
  private readonly seenContents = new Set<string>();
  /** restore-size: hard links of the snapshot being counted whose size is counted already. */
  private sizedLinks = new Set<string>();

  constructor(
    private readonly repo: Repository,
    private readonly mode: StatsMode,
    private readonly signal?: AbortSignal,
  ) {
    this.summary = { mode, totalSize: 0, totalFileCount: 0, totalBlobCount: 0, totalUncompressedSize: 0, compressedBlobsUncompressedSize: 0 };
  }

  startSnapshot(): void {
    this.sizedLinks = new Set();
  }

  async tree(id: Id): Promise<void> {
    throwIfAborted(this.signal);
    if (this.mode === 'raw-data' && !this.blob('tree', id)) return;
    for (const node of await loadTree(this.repo, id, this.signal)) {
      this.node(node);
      if (node.type === 'dir' && node.subtree) await this.tree(node.subtree);
    }
  }

  private node(node: TreeNode): void {
    const size = node.type === 'file' ? Number(node.size ?? 0n) : 0;
    if (this.mode === 'restore-size') {
      this.summary.totalFileCount++;
      this.summary.totalSize += countedSize(node, this.sizedLinks);
    } else if (this.mode === 'files-by-contents') {
      if (node.type === 'dir') return;
      const key = (node.content ?? []).join(',');
      if (this.seenContents.has(key)) return;
      this.seenContents.add(key);
      this.summary.totalFileCount++;
      this.summary.totalSize += size;
    } else {
      for (const id of node.content ?? []) this.blob('data', id);
    }
  }

  /** Counts a blob once; false if it was counted already. */
  private blob(type: BlobType, id: Id): boolean {
    const key = `${type}:${id}`;
    if (this.seenBlobs.has(key)) return false;
    this.seenBlobs.add(key);
    const blob = this.repo.index.lookup(type, id)?.blob;
    if (!blob) throw new LockstepError(`${type} blob ${id} is not in the index (the repository is missing data)`);
    // What the blob would take stored uncompressed (restic's "uncompressed size" keeps the encryption's bytes).
    const plain = blob.uncompressedLength !== undefined ? blob.uncompressedLength + CRYPTO_OVERHEAD : blob.length;
    this.summary.totalBlobCount++;
    this.summary.totalSize += blob.length;
    this.summary.totalUncompressedSize += plain;
    if (blob.uncompressedLength !== undefined) this.summary.compressedBlobsUncompressedSize += plain;
    return true;
  }
}
