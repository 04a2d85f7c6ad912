import { describe, expect, it } from 'vitest';
import { parseGoDuration } from '../../../server/src/cli/duration';
import { CorruptFileError } from '../../../server/src/base/errors';
import { describeLock, encodeLockJson, formatGoDuration, newLockInfo, parseLockJson } from '../../../server/src/lock/lockfile';
import { isStale } from '../../../server/src/lock/stale';
import { lockTiming, lockTimingFromEnv } from '../../../server/src/lock/timing';
import { ownerA, ownerB } from './setup';

describe('lock file JSON', () => {
  it('is compact JSON in Go field order, uid and gid left out when 0 (restic omitempty)', () => {
    const t = Date.UTC(2026, 10, 25, 12, 0, 0, 123);
    const a = encodeLockJson({ ...newLockInfo(ownerA, true, t), time: '2026-11-25T12:00:00.123Z' });
    expect(a).toBe('{"time":"2026-11-25T12:00:00.123Z","exclusive":true,"hostname":"laptop","username":"alice","pid":1001,"uid":1000,"gid":1000}');
    const b = encodeLockJson({ ...newLockInfo(ownerB, false, t), time: '2026-11-25T12:00:00.123Z' });
    expect(b).toBe('{"time":"2026-11-25T12:00:00.123Z","exclusive":false,"hostname":"server","username":"bob","pid":2002}');
  });

  it('reads what restic 0.14 wrote (nanoseconds, offset, no uid/gid for root)', () => {
    const lock = parseLockJson('{"time":"2015-06-27T12:18:51.759239612+02:00","exclusive":false,"hostname":"vm","username":"root","pid":11587}', 'locks/x');
    expect(lock).toMatchObject({ exclusive: false, hostname: 'vm', username: 'root', pid: 11587, uid: 0, gid: 0 });
    expect(lock.timeMs).toBe(Date.UTC(2015, 5, 27, 10, 18, 51, 759));
  });

  it('refuses lock JSON it cannot trust, naming the file', () => {
    expect(() => parseLockJson('[]', 'locks/abc')).toThrow(CorruptFileError);
    expect(() => parseLockJson('{"time":"yesterday","pid":1}', 'locks/abc')).toThrow(/locks\/abc.*RFC 3339/);
    expect(() => parseLockJson('{"time":"2015-06-27T12:18:51Z","exclusive":"yes"}', 'locks/abc')).toThrow(/exclusive/);
    expect(() => parseLockJson('{"time":"2015-06-27T12:18:51Z","pid":"1"}', 'locks/abc')).toThrow(/pid/);
  });

  it('describes the holder as restic does', () => {
    const info = newLockInfo(ownerB, true, Date.UTC(2026, 0, 1));
    const text = describeLock(info, 'a590d73e'.padEnd(64, '0'), Date.UTC(2026, 0, 1) + 3_723_500);
    expect(text).toMatch(/^PID 2002 on server by bob \(UID 0, GID 0\)\nlock was created at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(1h2m3\.5s ago\)\nstorage ID a590d73e$/);
  });

  it('formats and parses Go durations', () => {
    expect(formatGoDuration(750)).toBe('750ms');
    expect(formatGoDuration(90_000)).toBe('1m30s');
    expect(parseGoDuration('1h30m', 'retry-lock')).toBe(5_400_000);
    expect(parseGoDuration('250ms', 'retry-lock')).toBe(250);
    expect(parseGoDuration('0', 'retry-lock')).toBe(0);
    expect(() => parseGoDuration('5 minutes', 'retry-lock')).toThrow(/invalid duration "5 minutes" for --retry-lock/);
  });
});

describe('stale locks (restic TestLockStale)', () => {
  const now = Date.UTC(2026, 5, 1, 12);
  const myPid = 4242;
  const table: [string, number, number, boolean, boolean][] = [
    ['fresh, own pid', now, myPid, false, false],
    ['an hour old', now - 3_600_000, myPid, true, true],
    ['3 min in the future', now + 180_000, myPid, false, false],
    ['fresh, dead pid', now, myPid + 500_000, true, false],
  ];
  for (const [what, time, pid, staleHere, staleElsewhere] of table) {
    it(what, () => {
      const lock = { ...newLockInfo({ ...ownerA, hostname: 'here', pid }, false, time) };
      const ctx = { nowMs: now, staleMs: 30 * 60_000, hostname: 'here', processExists: (p: number) => p === myPid };
      expect(isStale(lock, ctx)).toBe(staleHere);
      expect(isStale({ ...lock, hostname: 'other-here' }, ctx)).toBe(staleElsewhere);
    });
  }
});

describe('lock timing', () => {
  it("defaults to restic's: refresh 5 min, stale 30 min, refreshability 22.5 min, poll 1 s", () => {
    const t = lockTiming();
    expect(t).toMatchObject({ refreshMs: 300_000, staleMs: 1_800_000, refreshabilityMs: 1_350_000, pollMs: 1000, waitBeforeCheckMs: 200, unreadableRetryMs: 5000, retrySleepStartMs: 5000, retrySleepMaxMs: 60_000 });
  });

  it('derives the rest from LOCKSTEP_LOCK_REFRESH_MS and LOCKSTEP_LOCK_STALE_MS as restic derives it', () => {
    const t = lockTimingFromEnv({ LOCKSTEP_LOCK_REFRESH_MS: '400', LOCKSTEP_LOCK_STALE_MS: '3000' });
    expect(t.refreshabilityMs).toBe(2400);
    expect(t.pollMs).toBe(80);
    expect(() => lockTimingFromEnv({ LOCKSTEP_LOCK_REFRESH_MS: 'soon' })).toThrow(/LOCKSTEP_LOCK_REFRESH_MS must be a positive number/);
    expect(() => lockTimingFromEnv({ LOCKSTEP_LOCK_REFRESH_MS: '1000', LOCKSTEP_LOCK_STALE_MS: '1500' })).toThrow(/longer than 1.5/);
  });
});
