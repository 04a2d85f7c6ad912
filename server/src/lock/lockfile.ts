// Lock files as restic writes them (research/restic-locks.md §1): locks/<sha256 of the stored bytes>, holding
// encrypted compact JSON in Go's field order, uid and gid left out when 0.
import { hostname as osHostname, userInfo } from 'node:os';
import { formatGoTime, parseGoTime } from '../repo/format/gotime';
import { Id, shortId } from '../repo/format/ids';
import { failIn, parseJsonFile } from '../repo/format/jsonfile';

export interface LockInfo {
  /** The lock's `time` as written (RFC 3339 with nanoseconds and the writer's offset). */
  time: string;
  /** `time` in milliseconds since the epoch. */
  timeMs: number;
  exclusive: boolean;
  hostname: string;
  username: string;
  pid: number;
  uid: number;
  gid: number;
}

/** Who we are, as a lock file says it: host, user, pid, uid, gid. */
export interface LockOwner {
  hostname: string;
  username: string;
  pid: number;
  uid: number;
  gid: number;
}

export function currentOwner(): LockOwner {
  let hostname = '';
  try {
    hostname = osHostname();
  } catch {
    // restic writes an empty hostname when the OS cannot tell it.
  }
  let username = '';
  try {
    username = userInfo().username;
  } catch {
    // As in restic, an unknown user is not an error.
  }
  return { hostname, username, pid: process.pid, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

export function newLockInfo(owner: LockOwner, exclusive: boolean, nowMs: number): LockInfo {
  return { ...owner, exclusive, timeMs: nowMs, time: formatGoTime(BigInt(Math.round(nowMs)) * 1_000_000n) };
}

/** The same lock with a new time (what a refresh writes). */
export function withTime(info: LockInfo, nowMs: number): LockInfo {
  return newLockInfo(info, info.exclusive, nowMs);
}

export function encodeLockJson(info: LockInfo): string {
  const json: Record<string, unknown> = {
    time: info.time,
    exclusive: info.exclusive,
    hostname: info.hostname,
    username: info.username,
    pid: info.pid,
  };
  if (info.uid !== 0) json.uid = info.uid;
  if (info.gid !== 0) json.gid = info.gid;
  return JSON.stringify(json);
}

export function parseLockJson(text: string, file: string): LockInfo {
  const fail = failIn(file);
  const raw = parseJsonFile(text, file);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('a lock must be a JSON object');
  const obj = raw as Record<string, unknown>;
  const str = (name: string): string => {
    const v = obj[name];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') fail(`"${name}" must be a string`);
    return v as string;
  };
  const int = (name: string): number => {
    const v = obj[name];
    if (v === undefined || v === null) return 0;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(`"${name}" must be a whole number`);
    return v as number;
  };
  const time = str('time');
  let timeMs: number;
  try {
    timeMs = Number(parseGoTime(time) / 1_000_000n);
  } catch {
    return fail(`"time" is not an RFC 3339 time: ${JSON.stringify(time)}`);
  }
  const exclusive = obj.exclusive ?? false;
  if (typeof exclusive !== 'boolean') fail('"exclusive" must be true or false');
  return { time, timeMs, exclusive: exclusive as boolean, hostname: str('hostname'), username: str('username'), pid: int('pid'), uid: int('uid'), gid: int('gid') };
}

/** restic's Go duration text, e.g. 1h2m3.5s or 750ms. */
export function formatGoDuration(ms: number): string {
  if (ms < 0) return `-${formatGoDuration(-ms)}`;
  if (ms === 0) return '0s';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  const sec = `${Number(seconds.toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${sec}`;
  if (minutes > 0) return `${minutes}m${sec}`;
  return sec;
}

function localTimestamp(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** The holder of a lock as restic describes it in its "already locked" error. */
export function describeLock(info: LockInfo, id: Id, nowMs: number): string {
  return [
    `PID ${info.pid} on ${info.hostname} by ${info.username} (UID ${info.uid}, GID ${info.gid})`,
    `lock was created at ${localTimestamp(info.timeMs)} (${formatGoDuration(nowMs - info.timeMs)} ago)`,
    `storage ID ${shortId(id)}`,
  ].join('\n');
}
