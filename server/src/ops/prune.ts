// prune (research/restic-format.md; restic's documented behaviour): under the exclusive lock, find the blobs the
// snapshots use, repack partly used packs, write a complete new index, and only then delete the old index files
// and the packs nothing needs. Every step leaves a repository that `restic check` accepts.
import { ProgressReport } from './progress';
import { throwIfAborted } from '../base/abort';
import { LockstepError } from '../base/errors';
import { Id, isId } from '../repo/format/ids';
import { IndexPack, indexFileBatches } from '../repo/format/indexfile';
import { PackedBlob } from '../repo/format/pack';
import { BlobWriter } from '../repo/engine/packer';
import { failedOnDamage, Repository } from '../repo/repository';
import { zstdReady } from '../repo/format/zstd';
import { defaultLeftoverRule, findLeftovers, LeftoverRule, removeLeftovers } from './leftovers';
import { BlobKey, blobKey, reachableBlobs } from './reachable';

export type MaxUnused = { kind: 'percent'; value: number } | { kind: 'bytes'; value: number } | { kind: 'unlimited' };

const SIZE_SUFFIX: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** restic's --max-unused: "5%", a size such as "500M", or "unlimited". */
export function parseMaxUnused(text: string): MaxUnused {
  const t = text.trim().toLowerCase();
  if (t === 'unlimited') return { kind: 'unlimited' };
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(t);
  if (percent) {
    const value = Number(percent[1]);
    if (value >= 100) throw new LockstepError(`invalid --max-unused "${text}": a percentage must be below 100%`);
    return { kind: 'percent', value };
  }
  const size = /^(\d+)([kmgt]?)$/.exec(t);
  if (size) return { kind: 'bytes', value: Number(size[1]) * SIZE_SUFFIX[size[2]] };
  throw new LockstepError(`invalid --max-unused "${text}": use a percentage (5%), a size (500M) or "unlimited"`);
}

export interface PruneOptions {
  maxUnused?: MaxUnused;
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Progress lines ("repacking packs", …). */
  onStep?(step: string): void;
  /** Packs repacked, then packs deleted, of all there are (each phase ends with a final report). */
  onProgress?(progress: ProgressReport): void;
  /** Which temporary files killed writers left may go (ops/leftovers.ts); restic's 30 min stale timeout by default. */
  leftovers?: LeftoverRule;
}

interface Tally {
  blobs: number;
  bytes: number;
}

export interface PruneSummary {
  used: Tally;
  unused: Tally;
  /** Blobs copied into new packs, and the bytes those packs held before. */
  repack: Tally & { packs: number };
  /** Blobs and bytes that go away: unused blobs in deleted and repacked packs. */
  remove: Tally;
  deletePacks: number;
  unreferencedPacks: number;
  /** What stays: blobs and bytes, and how much of that is unused. */
  remaining: Tally & { packs: number; unusedBytes: number };
  /** Temporary files killed writers left: those removed (or, in a dry run, to remove), and those still too young. */
  leftovers: { files: number; bytes: number; kept: number };
  dryRun: boolean;
}

interface PackPlan {
  id: Id;
  blobs: PackedBlob[];
  /** The blobs this pack provides to the snapshots (a blob stored twice is claimed by one pack only). */
  claimed: PackedBlob[];
  usedBytes: number;
  unusedBytes: number;
}

const add = (t: Tally, blobs: number, bytes: number): void => {
  t.blobs += blobs;
  t.bytes += bytes;
};
const sumLength = (blobs: readonly PackedBlob[]): number => blobs.reduce((n, b) => n + b.length, 0);

export async function prune(repo: Repository, options: PruneOptions = {}): Promise<PruneSummary> {
  const { signal } = options;
  const step = (s: string): void => options.onStep?.(s);
  step('loading indexes...');
  await repo.loadIndex(signal);
  step('loading all snapshots...');
  const snapshots = await repo.listSnapshots(signal).catch(failedOnDamage('cannot tell which data is still in use', '; prune removes nothing while a snapshot cannot be read'));
  step('finding data that is still in use for ' + snapshots.length + ' snapshots');
  const { blobs: used } = await reachableBlobs(
    repo,
    snapshots.map((s) => ({ tree: s.snapshot.tree, snapshotId: s.id })),
    { signal },
  ).catch((err: unknown) => {
    if (signal?.aborted) throw err;
    throw new LockstepError(`prune cannot go on, the repository is missing data: ${err instanceof Error ? err.message : String(err)}; run "lockstep check"`);
  });
  for (const key of used) {
    if (!repo.index.has(key[0] === 't' ? 'tree' : 'data', key.slice(1))) {
      throw new LockstepError(`prune cannot go on: ${key[0] === 't' ? 'tree' : 'data'} blob ${key.slice(1)} is used by a snapshot but is in no index; run "lockstep check"`);
    }
  }

  step('searching used packs...');
  const onDisk = new Map((await repo.backend.list('data', signal)).filter((f) => isId(f.name)).map((f) => [f.name, f.size]));
  const indexed = repo.index.packTable();
  const plans = planPacks(indexed, used, onDisk);
  const unreferenced = [...onDisk.keys()].filter((id) => !indexed.has(id));
  // Before this prune stages packs of its own.
  const leftovers = await findLeftovers(repo.backend, options.leftovers ?? defaultLeftoverRule(), signal);
  const removable = leftovers.filter((f) => f.removable);

  const summary: PruneSummary = {
    used: { blobs: 0, bytes: 0 },
    unused: { blobs: 0, bytes: 0 },
    repack: { blobs: 0, bytes: 0, packs: 0 },
    remove: { blobs: 0, bytes: 0 },
    deletePacks: 0,
    unreferencedPacks: unreferenced.length,
    remaining: { blobs: 0, bytes: 0, packs: 0, unusedBytes: 0 },
    leftovers: { files: removable.length, bytes: removable.reduce((n, f) => n + f.size, 0), kept: leftovers.length - removable.length },
    dryRun: options.dryRun ?? false,
  };
  const toDelete: PackPlan[] = [];
  const partlyUsed: PackPlan[] = [];
  const keep: PackPlan[] = [];
  for (const plan of plans) {
    add(summary.used, plan.claimed.length, plan.usedBytes);
    add(summary.unused, plan.blobs.length - plan.claimed.length, plan.unusedBytes);
    if (plan.claimed.length === 0) toDelete.push(plan);
    else if (plan.claimed.length === plan.blobs.length) keep.push(plan);
    else partlyUsed.push(plan);
  }
  const toRepack = chooseRepacks(partlyUsed, summary.used.bytes, options.maxUnused ?? { kind: 'percent', value: 5 });
  for (const plan of partlyUsed) if (!toRepack.includes(plan)) keep.push(plan);
  for (const plan of toDelete) add(summary.remove, plan.blobs.length, plan.unusedBytes);
  for (const plan of toRepack) {
    add(summary.repack, plan.claimed.length, plan.usedBytes);
    add(summary.remove, plan.blobs.length - plan.claimed.length, plan.unusedBytes);
  }
  summary.repack.packs = toRepack.length;
  summary.deletePacks = toDelete.length;
  for (const plan of keep) {
    add(summary.remaining, plan.blobs.length, plan.usedBytes + plan.unusedBytes);
    summary.remaining.unusedBytes += plan.unusedBytes;
  }
  add(summary.remaining, summary.repack.blobs, summary.repack.bytes);
  summary.remaining.packs = keep.length;
  if (options.dryRun) return summary;

  const newPacks = await repack(repo, toRepack, signal, step, options.onProgress);
  summary.remaining.packs += newPacks.length;

  step('rebuilding index');
  throwIfAborted(signal);
  const oldIndexFiles = await repo.listIds('index', signal);
  const written = await writeIndex(repo, [...keep.map((p) => ({ id: p.id, blobs: p.blobs })), ...newPacks], signal);
  step('deleting obsolete index files');
  const removed: Id[] = [];
  for (const id of oldIndexFiles) {
    if (written.has(id)) continue;
    throwIfAborted(signal);
    await repo.backend.remove({ type: 'index', name: id }, signal);
    removed.push(id);
  }
  // The index kept in memory (a backend's session) holds the new files' blobs: forget the old files'.
  repo.forgetIndexFiles(removed);
  const obsolete = [...toDelete, ...toRepack].map((p) => p.id).concat(unreferenced);
  step(`removing ${obsolete.length} old packs`);
  const removing = packCounter(obsolete.length, options.onProgress);
  for (const id of obsolete) {
    throwIfAborted(signal);
    await repo.backend.remove({ type: 'data', name: id }, signal);
    removing.done();
  }
  removing.end();
  if (removable.length > 0) {
    step(`removing ${removable.length} temporary files left by interrupted writers`);
    await removeLeftovers(repo.backend, removable, signal);
  }
  step('done');
  return summary;
}

/** What each indexed pack holds for the snapshots; every indexed pack must exist. */
function planPacks(indexed: Map<Id, PackedBlob[]>, used: Set<BlobKey>, onDisk: Map<Id, number>): PackPlan[] {
  const claimedKeys = new Set<BlobKey>();
  const plans: PackPlan[] = [];
  const missing: Id[] = [];
  for (const [id, blobs] of indexed) {
    if (!onDisk.has(id)) {
      missing.push(id);
      continue;
    }
    const claimed: PackedBlob[] = [];
    for (const blob of blobs) {
      const key = blobKey(blob.type, blob.id);
      if (used.has(key) && !claimedKeys.has(key)) {
        claimedKeys.add(key);
        claimed.push(blob);
      }
    }
    const usedBytes = sumLength(claimed);
    plans.push({ id, blobs, claimed, usedBytes, unusedBytes: sumLength(blobs) - usedBytes });
  }
  if (missing.length > 0) {
    throw new LockstepError(`prune cannot go on: ${missing.length} pack(s) listed in the index do not exist (first: ${missing[0]}); run "lockstep check"`);
  }
  return plans;
}

/** Partly used packs to repack, most wasteful first, until the unused bytes left are within the limit. */
function chooseRepacks(partlyUsed: PackPlan[], usedBytes: number, maxUnused: MaxUnused): PackPlan[] {
  if (maxUnused.kind === 'unlimited') return [];
  const allowed = maxUnused.kind === 'bytes' ? maxUnused.value : (usedBytes * maxUnused.value) / (100 - maxUnused.value);
  let unused = partlyUsed.reduce((n, p) => n + p.unusedBytes, 0);
  const chosen: PackPlan[] = [];
  for (const plan of [...partlyUsed].sort((a, b) => b.unusedBytes / (a.usedBytes + a.unusedBytes) - a.unusedBytes / (b.usedBytes + b.unusedBytes) || b.unusedBytes - a.unusedBytes)) {
    if (unused <= allowed) break;
    chosen.push(plan);
    unused -= plan.unusedBytes;
  }
  return chosen;
}

/** Copies the claimed blobs of `packs` into new packs and commits an index for them; returns the new packs. */
/** Counts packs done of `total` for a progress listener. */
function packCounter(total: number, onProgress?: (p: ProgressReport) => void): { done(): void; end(): void } {
  const progress: ProgressReport = { counts: 'packs', filesDone: 0, bytesDone: 0, totalFiles: total };
  onProgress?.(progress);
  return {
    done: () => {
      progress.filesDone++;
      onProgress?.(progress);
    },
    end: () => onProgress?.({ ...progress, final: true }),
  };
}

async function repack(repo: Repository, packs: PackPlan[], signal: AbortSignal | undefined, step: (s: string) => void, onProgress?: (p: ProgressReport) => void): Promise<IndexPack[]> {
  if (packs.length === 0) return [];
  step(`repacking ${packs.length} packs`);
  await zstdReady();
  // A view with an empty index, so blobs the old packs hold are written again rather than skipped.
  const target = repo.withOwnCaches();
  const writer = new BlobWriter(target, { compress: true, signal });
  try {
    const repacking = packCounter(packs.length, onProgress);
    for (const plan of packs) {
      throwIfAborted(signal);
      const packBytes = await repo.backend.load({ type: 'data', name: plan.id }, {}, signal);
      for (const blob of plan.claimed) {
        const sealed = packBytes.subarray(blob.offset, blob.offset + blob.length);
        const plaintext = repo.decodeBlob(blob.type, blob.id, plan.id, Buffer.from(sealed), blob.uncompressedLength);
        await writer.save(blob.type, plaintext, blob.id);
      }
      repacking.done();
    }
    repacking.end();
    await writer.commitIndex();
  } finally {
    await writer.close();
  }
  return [...target.index.packTable()].map(([id, blobs]) => ({ id, blobs }));
}

/** Writes the complete index for `packs` in files of bounded size; returns their IDs. */
async function writeIndex(repo: Repository, packs: IndexPack[], signal?: AbortSignal): Promise<Set<Id>> {
  const written = new Set<Id>();
  for (const batch of indexFileBatches(packs)) written.add(await repo.saveIndex({ supersedes: [], packs: batch }, signal));
  return written;
}
