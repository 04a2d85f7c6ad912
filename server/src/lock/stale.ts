import { LockInfo } from './lockfile';

/** Whether a process with this PID runs on this machine. EPERM means it exists (it belongs to someone else). */
export function processExists(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface StaleContext {
  nowMs: number;
  staleMs: number;
  hostname: string;
  processExists(pid: number): boolean;
}

/**
 * restic's rule, used only by `unlock`: older than the stale timeout, or written on this host by a process that
 * no longer exists. Other hosts' locks go stale only by age; a time in the future is not stale.
 */
export function isStale(lock: LockInfo, ctx: StaleContext): boolean {
  if (ctx.nowMs - lock.timeMs > ctx.staleMs) return true;
  if (ctx.hostname === '' || lock.hostname !== ctx.hostname) return false;
  return !ctx.processExists(lock.pid);
}
