// What the views and the status bar say, computed without VS Code: the snapshots' grouping, plurals, ages, how a
// lock and its holder are described, and which path of a snapshot a workspace file is. Tested in test/unit/client/.
import type { LockHolder, LockListEntry, SnapshotInfo } from '../../shared/src/protocol';

/** "1 lock", "3 locks". */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** "45 s", "3 min", "2 h 5 min", "4 days": how long ago, as a person says it. */
export function ageText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
  return plural(Math.floor(h / 24), 'day');
}

/** "PID 4242 on nas (alice)". */
export function holderName(h: LockHolder): string {
  return `PID ${h.pid} on ${h.hostname}${h.username ? ` (${h.username})` : ''}`;
}

/** "PID 4242 on nas (alice) holds the repository, exclusive, 3 min": the status bar's words for a foreign lock. */
export function holdsText(h: LockHolder, nowMs: number): string {
  return `${holderName(h)} holds the repository, ${h.exclusive ? 'exclusive' : 'shared'}, ${ageText(nowMs - h.time)}`;
}

/** While an operation waits: "waiting for the exclusive lock of PID 4242 on nas (alice), held since 14:03 (3 min)". */
export function waitingText(h: LockHolder, nowMs: number, clockText: (ms: number) => string): string {
  return `waiting for the ${h.exclusive ? 'exclusive' : 'shared'} lock of ${holderName(h)}, held since ${clockText(h.time)} (${ageText(nowMs - h.time)})`;
}

/** One line per lock, for the Locks view and the Unlock All… modal. */
export function lockLine(l: LockListEntry): { label: string; description: string; stale: boolean } {
  if (!l.holder) return { label: `unreadable lock ${l.id.slice(0, 8)}`, description: l.error ?? 'cannot be read', stale: false };
  const h = l.holder;
  return {
    label: `${h.exclusive ? 'exclusive' : 'shared'} · ${h.hostname} · PID ${h.pid}`,
    description: `${h.username}, ${ageText(l.ageMs ?? 0)}${l.stale ? ', stale' : ''}`,
    stale: l.stale,
  };
}

/**
 * The lock the status bar names, of those this window does not hold: an exclusive one before shared ones, then the
 * oldest; `warn` when it is stale or an exclusive lock older than the stale timeout.
 */
export function foreignLock(locks: readonly LockListEntry[], own: ReadonlySet<string>, staleMs: number): { entry: LockListEntry; warn: boolean } | undefined {
  const foreign = locks.filter((l) => !own.has(l.id));
  const rank = (l: LockListEntry): number => (!l.holder ? 1 : l.holder.exclusive ? 2 : 0);
  const chosen = [...foreign].sort((a, b) => rank(b) - rank(a) || (b.ageMs ?? 0) - (a.ageMs ?? 0))[0];
  if (!chosen) return undefined;
  const warn = chosen.stale || !chosen.holder || (chosen.holder.exclusive && (chosen.ageMs ?? 0) > staleMs);
  return { entry: chosen, warn };
}

export interface SnapshotGroup {
  hostname: string;
  paths: string[];
  /** Newest first. */
  snapshots: SnapshotInfo[];
}

/** Snapshots grouped by host and paths (restic's default grouping), groups by their newest snapshot, newest first. */
export function groupSnapshots(snapshots: readonly SnapshotInfo[]): SnapshotGroup[] {
  const groups = new Map<string, SnapshotGroup>();
  for (const s of snapshots) {
    const paths = [...s.paths].sort();
    const key = JSON.stringify([s.hostname ?? '', paths]);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { hostname: s.hostname ?? '', paths, snapshots: [] }));
    group.snapshots.push(s);
  }
  const newest = (g: SnapshotGroup): number => Date.parse(g.snapshots[0].time);
  for (const g of groups.values()) g.snapshots.sort((a, b) => Date.parse(b.time) - Date.parse(a.time) || (a.id < b.id ? 1 : -1));
  return [...groups.values()].sort((a, b) => newest(b) - newest(a));
}

/** "1.5 KiB", "3.2 MiB". */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** Whether a snapshot holds `file` (an absolute POSIX path): restic stores a backed-up path under its own name. */
export function snapshotCovers(s: SnapshotInfo, file: string): boolean {
  return s.paths.some((p) => file === p || file.startsWith(p.endsWith('/') ? p : `${p}/`));
}

/** The versions of one file: the snapshots (newest first) where its size or time differs from the older one's. */
export function changedVersions<T extends { snapshot: SnapshotInfo; size?: number; mtime: string }>(newestFirst: readonly T[]): T[] {
  const kept: T[] = [];
  for (let i = 0; i < newestFirst.length; i++) {
    const older = newestFirst[i + 1];
    const v = newestFirst[i];
    if (!older || older.size !== v.size || older.mtime !== v.mtime) kept.push(v);
  }
  return kept;
}
