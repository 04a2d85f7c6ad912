import { LockstepError } from '../base/errors';

/** The durations that govern locks, all in milliseconds. Defaults are restic's (research/restic-locks.md §2). */
export interface LockTiming {
  /** How often a held lock is replaced by a fresh one (restic: 5 min). */
  refreshMs: number;
  /** A lock older than this counts as stale for `unlock` (restic: 30 min). */
  staleMs: number;
  /** Without a confirmed refresh for this long, the lock is no longer trusted (stale − 1.5 × refresh). */
  refreshabilityMs: number;
  /** How often the monitor looks at the wall clock (1 s; refresh/5 when the refresh is under a second). */
  pollMs: number;
  /** Pause between writing our lock and looking for others again (restic: 200 ms). */
  waitBeforeCheckMs: number;
  /** First pause before re-reading unreadable lock files; doubles for each of the 4 passes (restic: 5 s). */
  unreadableRetryMs: number;
  /** `--retry-lock` back-off: first pause (at most) and the longest (restic: 5 s and 60 s). */
  retrySleepStartMs: number;
  retrySleepMaxMs: number;
  /** Failed normal refreshes are tried again after this long until the deadline. */
  refreshRetryMs: number;
}

const DEFAULT_REFRESH_MS = 5 * 60_000;
const DEFAULT_STALE_MS = 30 * 60_000;

/**
 * Timing for a refresh interval and stale timeout, with everything else derived as restic derives it. When the
 * refresh interval is shortened (tests), the waits around lock checks shrink in proportion, so a short-timed
 * test does not spend restic's real 5 + 10 + 20 s on one unreadable lock file.
 */
export function lockTiming(refreshMs = DEFAULT_REFRESH_MS, staleMs = DEFAULT_STALE_MS): LockTiming {
  if (!(refreshMs > 0)) throw new LockstepError(`the lock refresh interval must be positive (got ${refreshMs} ms)`);
  const refreshabilityMs = staleMs - (refreshMs * 3) / 2;
  if (!(refreshabilityMs > 0)) {
    throw new LockstepError(`the stale-lock timeout (${staleMs} ms) must be longer than 1.5 × the refresh interval (${refreshMs} ms)`);
  }
  const scale = Math.min(1, refreshMs / DEFAULT_REFRESH_MS);
  return {
    refreshMs,
    staleMs,
    refreshabilityMs,
    pollMs: refreshMs < 1000 ? refreshMs / 5 : 1000,
    waitBeforeCheckMs: Math.max(5, 200 * scale),
    unreadableRetryMs: Math.max(10, 5000 * scale),
    retrySleepStartMs: Math.max(10, 5000 * scale),
    retrySleepMaxMs: Math.max(50, 60_000 * scale),
    refreshRetryMs: Math.max(10, refreshMs / 5),
  };
}

export const DEFAULT_LOCK_TIMING: LockTiming = Object.freeze(lockTiming());

/** Timing from LOCKSTEP_LOCK_REFRESH_MS and LOCKSTEP_LOCK_STALE_MS; restic's defaults for what is not set. */
export function lockTimingFromEnv(env: NodeJS.ProcessEnv): LockTiming {
  const read = (name: string): number | undefined => {
    const text = env[name];
    if (text === undefined || text.trim() === '') return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) throw new LockstepError(`${name} must be a positive number of milliseconds (got ${JSON.stringify(text)})`);
    return value;
  };
  return lockTiming(read('LOCKSTEP_LOCK_REFRESH_MS'), read('LOCKSTEP_LOCK_STALE_MS'));
}
