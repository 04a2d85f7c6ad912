// Temporary files killed writers leave in the repository: a pack being staged (data/XX/lockstep-<host>-<pid>-…-tmp-N)
// or a file being saved (<name>-tmp-<random>, by Lockstep and restic alike). Measured: 7 killed backups left 18 MB,
// which neither tool's prune removed and check did not mention.
//
// Prune removes one once it is older than the stale-lock timeout and no live lock could own it. Prune holds the
// exclusive lock, and a lock is never taken while any other lock file exists (stale or not, research/restic-locks.md
// §3.2), so no writer that holds a lock can be writing now; what is left is a writer that lost its lock and has not
// stopped yet (restic before 0.16 does not stop). Such a writer keeps touching its file, so a file last written longer
// ago than the stale-lock timeout has none; one whose name says it is this host's and whose process still runs is
// kept all the same. A file stamped in the future (its writer's clock ahead) is kept. A writer's clock that is behind
// by more than the timeout makes its fresh file look old, as it makes its fresh lock look stale: restic's own limit.
import { hostname } from 'node:os';
import { throwIfAborted } from '../base/abort';
import { Backend, TemporaryFile } from '../backend/backend';
import { processExists } from '../lock/stale';
import { DEFAULT_LOCK_TIMING, lockTimingFromEnv } from '../lock/timing';
import { safeHostName, stagedPackWriter } from '../repo/engine/packer';

export interface LeftoverRule {
  /** The stale-lock timeout: a file last written longer ago than this has no live writer. */
  staleMs: number;
  nowMs: number;
  hostname: string;
  processExists(pid: number): boolean;
}

export interface Leftover extends TemporaryFile {
  ageMs: number;
  /** The host and process that wrote it, where its name says (Lockstep's staged packs). */
  writer?: { host: string; pid: number };
  /** Old enough, and no live process of this host wrote it: prune may remove it. */
  removable: boolean;
}

export function defaultLeftoverRule(staleMs = DEFAULT_LOCK_TIMING.staleMs): LeftoverRule {
  return { staleMs, nowMs: Date.now(), hostname: hostname(), processExists };
}

/** The rule with the stale-lock timeout of LOCKSTEP_LOCK_STALE_MS, else restic's 30 min. */
export function leftoverRuleFromEnv(env: NodeJS.ProcessEnv): LeftoverRule {
  return defaultLeftoverRule(lockTimingFromEnv(env).staleMs);
}

function writerOf(file: TemporaryFile): Leftover['writer'] {
  return stagedPackWriter(file.path.slice(file.path.lastIndexOf('/') + 1));
}

/** The repository's temporary files, each with whether `rule` lets prune remove it. */
export async function findLeftovers(backend: Backend, rule: LeftoverRule, signal?: AbortSignal): Promise<Leftover[]> {
  const files = (await backend.listTemporary?.(signal)) ?? [];
  const localHost = safeHostName(rule.hostname);
  return files.map((file) => {
    const ageMs = rule.nowMs - file.mtimeMs;
    const writer = writerOf(file);
    const liveHere = writer !== undefined && writer.host === localHost && rule.processExists(writer.pid);
    return { ...file, ageMs, writer, removable: ageMs > rule.staleMs && !liveHere };
  });
}

/** Removes the leftovers prune may remove; returns those it removed. */
export async function removeLeftovers(backend: Backend, leftovers: readonly Leftover[], signal?: AbortSignal): Promise<Leftover[]> {
  const removed: Leftover[] = [];
  for (const file of leftovers) {
    if (!file.removable || !backend.removeTemporary) continue;
    throwIfAborted(signal);
    await backend.removeTemporary(file.path, signal);
    removed.push(file);
  }
  return removed;
}
