// check: the repository's structure (index vs packs, snapshots, reachable trees and blobs), and with readData
// every pack read and every blob verified. Problems are collected, never thrown, so one run lists them all.
import { ProgressReport } from './progress';
import { throwIfAborted } from '../base/abort';
import { formatGoDuration } from '../lock/lockfile';
import { CRYPTO_OVERHEAD } from '../repo/format/crypto';
import { Id, isId, sha256Hex } from '../repo/format/ids';
import { parseIndex } from '../repo/format/indexfile';
import { PackedBlob, parsePackHeader } from '../repo/format/pack';
import { Repository } from '../repo/repository';
import { parseSnapshot } from '../repo/format/snapshot';
import { zstdReady } from '../repo/format/zstd';
import { defaultLeftoverRule, findLeftovers, Leftover, LeftoverRule } from './leftovers';
import { reachableBlobs } from './reachable';

export interface CheckOptions {
  readData?: boolean;
  signal?: AbortSignal;
  onStep?(step: string): void;
  /** With readData: the packs read so far (filesDone counts packs) of all there are to read. */
  onProgress?(progress: ProgressReport): void;
  /** Which temporary files prune would remove (ops/leftovers.ts); restic's 30 min stale timeout by default. */
  leftovers?: LeftoverRule;
}

export interface CheckResult {
  /** Damage: the repository is not fully usable. */
  errors: string[];
  /** Worth knowing, not damage (e.g. packs no index lists, left by an interrupted backup). */
  hints: string[];
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The size a pack must have: its blobs, the sealed header (37 or 41 bytes per blob) and the 4-byte length. */
function expectedPackSize(blobs: readonly PackedBlob[]): number {
  const blobBytes = blobs.reduce((n, b) => n + b.length, 0);
  const headerBytes = blobs.reduce((n, b) => n + (b.uncompressedLength !== undefined ? 41 : 37), 0);
  return blobBytes + headerBytes + CRYPTO_OVERHEAD + 4;
}

export async function check(opened: Repository, options: CheckOptions = {}): Promise<CheckResult> {
  // check reads every index file itself, to report each one's damage: into an index of its own, not a session's.
  const repo = opened.withOwnCaches();
  const { signal } = options;
  const step = (s: string): void => options.onStep?.(s);
  const errors: string[] = [];
  const hints: string[] = [];
  const guard = async (what: string, work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (err) {
      if (signal?.aborted) throw err;
      errors.push(`${what}: ${message(err)}`);
    }
  };

  step('load indexes');
  const indexIds = await repo.listIds('index', signal);
  if (indexIds.length === 0) errors.push('the repository has no index files');
  for (const id of indexIds) {
    await guard(`index ${id}`, async () => {
      repo.index.add(parseIndex(await repo.loadUnpacked('index', id, signal), `index/${id}`), id);
    });
  }

  step('check all packs');
  const onDisk = new Map((await repo.backend.list('data', signal)).filter((f) => isId(f.name)).map((f) => [f.name, f.size]));
  const packs = repo.index.packTable();
  for (const [id, blobs] of packs) {
    const size = onDisk.get(id);
    if (size === undefined) errors.push(`pack ${id}: listed in the index but does not exist`);
    else if (size !== expectedPackSize(blobs)) errors.push(`pack ${id}: is ${size} bytes, but the index implies ${expectedPackSize(blobs)} (truncated or damaged)`);
  }
  for (const id of onDisk.keys()) if (!packs.has(id)) hints.push(`pack ${id}: not referenced in any index (prune removes it)`);
  const rule = options.leftovers ?? defaultLeftoverRule();
  const leftovers = await findLeftovers(repo.backend, rule, signal);
  if (leftovers.length > 0) hints.push(describeLeftovers(leftovers, rule.staleMs));

  step('check snapshots, trees and blobs');
  const roots: { tree: Id; snapshotId: Id }[] = [];
  for (const id of await repo.listIds('snapshots', signal)) {
    await guard(`snapshot ${id}`, async () => {
      roots.push({ tree: parseSnapshot(await repo.loadUnpacked('snapshots', id, signal), `snapshots/${id}`).tree, snapshotId: id });
    });
  }
  const reachable = await reachableBlobs(repo, roots, { signal, collectProblems: true });
  errors.push(...reachable.problems);
  const lostPerPack = new Map<Id, number>();
  for (const key of reachable.blobs) {
    const packId = repo.index.lookup(key[0] === 't' ? 'tree' : 'data', key.slice(1))?.packId;
    if (packId !== undefined && !onDisk.has(packId)) lostPerPack.set(packId, (lostPerPack.get(packId) ?? 0) + 1);
  }
  for (const [packId, n] of lostPerPack) errors.push(`pack ${packId} is missing: ${n} ${n === 1 ? 'blob used by snapshots is' : 'blobs used by snapshots are'} lost`);

  if (options.readData) {
    step(`read all data (${packs.size} packs)`);
    const toRead = [...packs.keys()].filter((id) => onDisk.has(id));
    const progress: ProgressReport = { counts: 'packs', filesDone: 0, bytesDone: 0, totalFiles: toRead.length, totalBytes: toRead.reduce((n, id) => n + (onDisk.get(id) ?? 0), 0) };
    for (const id of toRead) {
      throwIfAborted(signal);
      options.onProgress?.(progress);
      await guard(`pack ${id}`, () => verifyPack(repo, id, packs.get(id) ?? [], signal));
      progress.filesDone++;
      progress.bytesDone += onDisk.get(id) ?? 0;
    }
    options.onProgress?.({ ...progress, final: true });
  }
  return { errors, hints };
}

/**
 * One line for check's hints: temporary files are not damage (nothing refers to them; restic check ignores them),
 * but they take space until prune removes them, and a user wants to know which prune will take and which not yet.
 */
function describeLeftovers(leftovers: readonly Leftover[], staleMs: number): string {
  const mib = (files: readonly Leftover[]): string => `${(files.reduce((n, f) => n + f.size, 0) / 2 ** 20).toFixed(1)} MiB`;
  const removable = leftovers.filter((f) => f.removable);
  const young = leftovers.filter((f) => !f.removable);
  const parts = [];
  if (removable.length > 0) parts.push(`${removable.length} (${mib(removable)}) older than ${formatGoDuration(staleMs)} that prune removes`);
  if (young.length > 0) parts.push(`${young.length} (${mib(young)}) newer, or of a process still running here, that prune keeps for now`);
  return `${leftovers.length} temporary files left by interrupted writers, e.g. ${leftovers[0].path}: ${parts.join('; ')}`;
}

/** Reads a whole pack: its name must be its hash, its header must match the index, every blob must verify. */
async function verifyPack(repo: Repository, id: Id, indexed: readonly PackedBlob[], signal?: AbortSignal): Promise<void> {
  // Every blob is decompressed: with zstd's WebAssembly rather than the slower fallback for the odd tree.
  await zstdReady();
  const bytes = await repo.backend.load({ type: 'data', name: id }, {}, signal);
  if (sha256Hex(bytes) !== id) throw new Error('its content does not match its name (hash mismatch)');
  const header = parsePackHeader(repo.key, id, bytes, bytes.length);
  if (!Array.isArray(header)) throw new Error('its header is longer than the pack');
  const describe = (b: PackedBlob): string => `${b.type}:${b.id}@${b.offset}+${b.length}`;
  const inHeader = new Set(header.map(describe));
  for (const blob of indexed) if (!inHeader.has(describe(blob))) throw new Error(`the index lists ${blob.type} blob ${blob.id} at offset ${blob.offset}, the pack header does not`);
  for (const blob of header) {
    repo.decodeBlob(blob.type, blob.id, id, bytes.subarray(blob.offset, blob.offset + blob.length), blob.uncompressedLength);
  }
}
