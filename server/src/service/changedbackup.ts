// Change-driven backups: with the paths the editor's file watcher and saves reported since the last snapshot this
// backend made of the same paths, look again only at the folders on those paths and take every other folder's tree
// from that snapshot. Everything is walked instead whenever the list cannot be trusted to be complete:
// - the request sent no list, or the client says its watcher was (re)started or overflowed, or asks for a full walk;
// - the backup names a parent or is forced;
// - this process made no snapshot of these paths yet, or made it with other excludes or watcher settings;
// - the list is relative to another snapshot than the last this process made;
// - a backup path is outside the watched folders, matched by the watcher's excludes, or reached through a symlink;
// - the last full walk is older than fullScanMinutes (default 60; 0 walks everything every time);
// - that snapshot is not the latest of these paths in the repository (checked with the lock held).
// Entries the watcher does not report (files.watcherExclude) are found by each walk and walked again by the next.
import { realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import type { BackupChanges, BackupWalk } from '../../../shared/src/protocol';
import { backup, BackupOptions, BackupSummary, ChangeScope, latestSnapshotOf } from '../ops/backup';
import { UnwatchedPaths } from '../ops/watchglob';
import { Repository } from '../repo/repository';
import { BackupMemory, RememberedBackup } from './backupmemory';

export const DEFAULT_FULL_SCAN_MINUTES = 60;

const FULL_WALK_ASKED: Record<NonNullable<BackupChanges['fullWalk']>, string> = {
  'watcher-started': 'the file watcher was (re)started',
  'watcher-overflowed': 'the file watcher overflowed',
  requested: 'a full backup was asked for',
};

export async function backupWithMemory(
  repo: Repository,
  options: BackupOptions,
  changes: BackupChanges | undefined,
  memory: BackupMemory,
): Promise<BackupSummary & { walk: BackupWalk }> {
  const host = options.host ?? hostname();
  const paths = [...new Set(options.paths.map((p) => path.resolve(p)))].sort();
  const watch = changes ? new UnwatchedPaths(changes.watchedFolders.map((f) => path.resolve(f)), changes.watcherExcludes ?? []) : undefined;
  const settings = JSON.stringify([options.excludes ?? [], [...(changes?.watchedFolders ?? [])].sort(), [...(changes?.watcherExcludes ?? [])].sort()]);
  const remembered = memory.recall(host, paths);
  const now = memory.now();
  const fullWalkReason = await whyWalkEverything();
  const found: string[] = [];
  const summary = await backup(repo, {
    ...options,
    parent: fullWalkReason === undefined ? remembered?.snapshotId : options.parent,
    changes: fullWalkReason === undefined && remembered && changes ? changeScope([...changes.paths, ...remembered.unwatched], paths) : undefined,
    unwatched: watch ? { paths: watch, found } : undefined,
  });
  // A dry run, or a backup that found nothing changed (skipIfUnchanged), leaves the last snapshot the one to build on.
  if (summary.snapshotId !== undefined) memory.remember(host, paths, {
    snapshotId: summary.snapshotId,
    settings,
    fullWalkAt: fullWalkReason === undefined && remembered ? remembered.fullWalkAt : now,
    unwatched: found,
  });
  return { ...summary, walk: { changeDriven: fullWalkReason === undefined, fullWalkReason } };

  async function whyWalkEverything(): Promise<string | undefined> {
    if (!changes || !watch) return 'no change list was sent';
    if (changes.fullWalk) return FULL_WALK_ASKED[changes.fullWalk];
    if (options.force) return 'the backup is forced';
    if (options.parent) return 'a parent snapshot was named';
    if (!remembered) return 'this backend has made no snapshot of these paths yet';
    if (remembered.settings !== settings) return 'the excludes or the file watcher settings changed';
    if (changes.since !== remembered.snapshotId) return `the change list is relative to ${changes.since ?? 'no snapshot'}, not to ${remembered.snapshotId}, the last snapshot this backend made`;
    for (const p of paths) {
      if (watch.hides(p)) return `${p} is outside the watched folders or matched by files.watcherExclude`;
      if (realPath(p) !== p) return `${p} is reached through a symbolic link`;
    }
    const minutes = changes.fullScanMinutes ?? DEFAULT_FULL_SCAN_MINUTES;
    if (now - remembered.fullWalkAt >= minutes * 60_000) return `the last full walk is older than ${minutes} minutes (lockstep.fullScanMinutes)`;
    return latestCheck(remembered);
  }

  /** With the lock held (the index read is its confirmation): is the remembered snapshot the latest of these paths? */
  async function latestCheck(last: RememberedBackup): Promise<string | undefined> {
    await repo.loadIndex(options.signal);
    const latest = await latestSnapshotOf(repo, host, paths, options.signal);
    if (latest?.id === last.snapshotId) return undefined;
    return latest ? `snapshot ${latest.id.slice(0, 8)} of these paths is newer than ${last.snapshotId.slice(0, 8)}, the last this backend made` : `snapshot ${last.snapshotId.slice(0, 8)} is gone`;
  }
}

function realPath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined; // gone: backup reports it
  }
}

/** The folders to look at again for `reported` paths: each path is walked whole, the folders above it re-examined. */
export function changeScope(reported: readonly string[], backupPaths: readonly string[]): ChangeScope {
  const reexamine = new Set<string>();
  const walkWhole = new Set<string>();
  const inside = (p: string): boolean => backupPaths.some((b) => p === b || p.startsWith(b === '/' ? '/' : `${b}/`));
  for (const raw of reported) {
    const p = path.resolve(raw);
    if (!inside(p)) continue;
    walkWhole.add(p);
    for (let dir = path.dirname(p); !reexamine.has(dir); dir = path.dirname(dir)) {
      reexamine.add(dir);
      if (dir === '/') break;
    }
  }
  return { reexamine, walkWhole };
}
