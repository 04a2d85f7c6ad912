// Which snapshots a command means, as restic 0.18 decides it for snapshots, forget and every command that takes
// `--host`, `--tag`, `--path` or snapshot IDs: one filter, one way of resolving IDs and "latest", one way of
// keeping the newest N per host and paths. Checked against restic 0.18 in test/interop/snapshot-filters.test.ts.
import { CorruptFileError, LockstepError } from '../base/errors';
import { Repository, SnapshotEntry } from '../repo/repository';
import { Snapshot } from '../repo/format/snapshot';
import { GroupBy, groupSnapshots, parseKeepTag, SnapshotGroup } from './retention';

/** restic's --host, --tag and --path. */
export interface SnapshotFilter {
  /** Any one of these hosts. */
  hosts?: string[];
  /** Any one of these lists, each wholly (`--tag a,b --tag c`: [[a, b], [c]]); [""] is "no tags at all". */
  tags?: string[][];
  /** Every one of these paths. */
  paths?: string[];
}

/** `--tag` values as restic reads them: each flag one list, its tags separated by commas. */
export function parseTagFilter(values: readonly string[]): string[][] {
  return values.map(parseKeepTag);
}

export function isEmptyFilter(filter: SnapshotFilter): boolean {
  return !filter.hosts?.length && !filter.tags?.length && !filter.paths?.length;
}

function hasTags(s: Snapshot, tags: readonly string[]): boolean {
  return tags.every((tag) => (tag === '' ? (s.tags ?? []).length === 0 : (s.tags ?? []).includes(tag)));
}

export function matchesFilter(s: Snapshot, filter: SnapshotFilter): boolean {
  if (filter.hosts?.length && !filter.hosts.includes(s.hostname ?? '')) return false;
  if (filter.tags?.length && !filter.tags.some((list) => hasTags(s, list))) return false;
  if (filter.paths?.length && !filter.paths.every((p) => s.paths.includes(p))) return false;
  return true;
}

export interface SelectedSnapshots {
  /** Oldest first. */
  entries: SnapshotEntry[];
  /** What was left out and why, one line each, as restic warns ("Ignoring "abc": …"). */
  ignored: string[];
  /** Snapshot files left out because they cannot be read (restic 0.18 lists the rest and warns). */
  damaged: CorruptFileError[];
}

/**
 * The snapshots `refs` name (IDs, unique prefixes, "latest": the newest one the filter lets through), or every
 * snapshot the filter lets through when there are none. As in restic, named IDs are not filtered (a filter given
 * with IDs only is ignored, with a warning) and a ref that names nothing is ignored with a warning.
 */
export async function selectSnapshots(repo: Repository, refs: readonly string[], filter: SnapshotFilter, signal?: AbortSignal): Promise<SelectedSnapshots> {
  const damaged: CorruptFileError[] = [];
  const all = await repo.listSnapshots(signal, (damage) => damaged.push(damage));
  const matching = all.filter((e) => matchesFilter(e.snapshot, filter));
  if (refs.length === 0) return { entries: matching, ignored: [], damaged };
  const chosen = new Set<string>();
  const ignored: string[] = [];
  let usedFilter = false;
  for (const ref of refs) {
    if (ref === 'latest') {
      usedFilter = true;
      const latest = matching.at(-1);
      if (latest) chosen.add(latest.id);
      else ignored.push(`Ignoring "latest": no snapshot matched the filter`);
      continue;
    }
    try {
      chosen.add((await repo.findSnapshot(ref, signal)).id);
    } catch (err) {
      if (!(err instanceof LockstepError)) throw err;
      ignored.push(`Ignoring "${ref}": ${err.message}`);
    }
  }
  if (!usedFilter && !isEmptyFilter(filter)) ignored.push('Ignoring "filters": explicit snapshot ids are given');
  return { entries: all.filter((e) => chosen.has(e.id)), ignored, damaged };
}

const hostAndPaths = (s: Snapshot): string => JSON.stringify([s.hostname ?? '', [...s.paths].sort()]);

/** restic's `--latest N`: the newest N snapshots of each host and set of paths, oldest first. */
export function latestPerHostAndPaths(entries: readonly SnapshotEntry[], n: number): SnapshotEntry[] {
  const seen = new Map<string, number>();
  const kept = new Set<SnapshotEntry>();
  for (const entry of [...entries].reverse()) {
    const key = hostAndPaths(entry.snapshot);
    const count = seen.get(key) ?? 0;
    if (count < n) {
      seen.set(key, count + 1);
      kept.add(entry);
    }
  }
  return entries.filter((e) => kept.has(e));
}

/** The snapshots in restic's --group-by groups (one group with an empty key when grouping by nothing), `--latest N` applied in each. */
export function groupForListing(entries: readonly SnapshotEntry[], by: GroupBy, latest: number): SnapshotGroup[] {
  return groupSnapshots(entries, by).map(({ key, entries: members }) => ({ key, entries: latest > 0 ? latestPerHostAndPaths(members, latest) : members }));
}
