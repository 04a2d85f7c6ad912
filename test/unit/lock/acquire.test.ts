import { describe, expect, it } from 'vitest';
import { CancelledError, ExitCode } from '../../../server/src/base/errors';
import { acquireLock, LockConflictError, tryLock, UnreadableLockError } from '../../../server/src/lock/acquire';
import { newLockInfo } from '../../../server/src/lock/lockfile';
import { writeLock } from '../../../server/src/lock/store';
import { sha256Hex } from '../../../server/src/repo/format/ids';
import { ManualClock } from '../../helpers/clock';
import { ownerA, ownerB, RESTIC_TIMING, twoClients } from './setup';

async function setup() {
  const clients = await twoClients();
  const clock = new ManualClock();
  const ctxA = { repo: clients.a, clock, timing: RESTIC_TIMING, owner: ownerA };
  const ctxB = { repo: clients.b, clock, timing: RESTIC_TIMING, owner: ownerB };
  return { ...clients, clock, ctxA, ctxB };
}

describe('acquiring locks', () => {
  it('two shared locks coexist, each in its own file (TestMultipleLock)', async () => {
    const { clock, ctxA, ctxB, storage } = await setup();
    const a = await clock.run(tryLock(ctxA, false));
    const b = await clock.run(tryLock(ctxB, false));
    expect(storage.names('locks').sort()).toEqual([a.id, b.id].sort());
  });

  it('an exclusive lock on a free repository succeeds after the 200 ms re-check (TestLockExclusive)', async () => {
    const { clock, ctxA, storage } = await setup();
    const t0 = clock.elapsed;
    const a = await clock.run(tryLock(ctxA, true));
    expect(clock.elapsed - t0).toBe(200);
    expect(storage.names('locks')).toEqual([a.id]);
  });

  it('shared after exclusive and exclusive after shared conflict, naming the holder, exit 11', async () => {
    const { clock, ctxA, ctxB, storage } = await setup();
    const held = await clock.run(tryLock(ctxB, true));
    await clock.advance(61_000);
    const err = await clock.run(tryLock(ctxA, false)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockConflictError);
    const conflict = err as LockConflictError;
    expect(conflict.exitCode).toBe(ExitCode.lockFailed);
    expect(conflict.message).toMatch(/^unable to create lock in backend: repository is already locked exclusively by PID 2002 on server by bob \(UID 0, GID 0\)\nlock was created at .* \(1m1\.2s ago\)\nstorage ID [0-9a-f]{8}\nthe `unlock` command can be used to remove stale locks$/);
    expect(storage.names('locks')).toEqual([held.id]);

    storage.files.clear();
    const { ctxA: a2, ctxB: b2, clock: c2 } = await setup();
    await c2.run(tryLock(b2, false));
    await expect(c2.run(tryLock(a2, true))).rejects.toThrow(/already locked by PID 2002 on server/);
  });

  it('stale locks block acquisition just like live ones (only unlock removes them)', async () => {
    const { clock, ctxA, b } = await setup();
    await writeLock(b, newLockInfo(ownerB, true, clock.now() - 48 * 3_600_000));
    await expect(clock.run(tryLock(ctxA, false))).rejects.toThrow(/locked exclusively by PID 2002 .*\(48h0m0s ago\)/s);
  });

  it('a conflicting lock that appears while we wait is seen at the re-check; our own file is removed again', async () => {
    const { clock, ctxA, ctxB, storage, faulty } = await setup();
    let sneaked = false;
    faulty.fault = async (op, type) => {
      // Client B writes its exclusive lock right after ours is written, before our re-check.
      if (op === 'save' && type === 'locks' && !sneaked) {
        sneaked = true;
        setImmediate(() => void writeLock(ctxB.repo, newLockInfo(ownerB, true, clock.now())));
      }
    };
    await expect(clock.run(tryLock(ctxA, false))).rejects.toBeInstanceOf(LockConflictError);
    expect(storage.names('locks')).toHaveLength(1);
    expect(sneaked).toBe(true);
  });

  it('an unreadable lock file counts as held: read in 4 passes, 5, 10 and 20 s apart, then exit 11 (TestMultipleLockFailure)', async () => {
    const { clock, ctxA, ctxB, faulty } = await setup();
    await clock.run(tryLock(ctxB, false));
    let loads = 0;
    faulty.fault = (op, type) => {
      if (op === 'load' && type === 'locks') {
        loads++;
        throw new Error('connection reset');
      }
    };
    const t0 = clock.elapsed;
    const err = await clock.run(tryLock(ctxA, false)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableLockError);
    expect((err as UnreadableLockError).exitCode).toBe(ExitCode.lockFailed);
    expect((err as Error).message).toMatch(/cannot be read \(connection reset\), so the repository counts as locked\n.*unlock --remove-all/);
    expect(loads).toBe(4);
    expect(clock.elapsed - t0).toBe(35_000);
  });

  it('a lock file that is not a lock (garbage with a matching name) blocks until removed', async () => {
    const { clock, ctxA, storage } = await setup();
    const junk = Buffer.from('definitely not an encrypted lock file, but long enough');
    storage.files.set(`locks/${sha256Hex(junk)}`, junk);
    await expect(clock.run(tryLock(ctxA, false))).rejects.toThrow(/cannot be read \(locks\/[0-9a-f]{64} is damaged: it cannot be decrypted/);
  });

  it('empty lock files and names that are not IDs are ignored (restic ≥0.15.1)', async () => {
    const { clock, ctxA, storage } = await setup();
    storage.files.set(`locks/${'e'.repeat(64)}`, Buffer.alloc(0));
    storage.files.set('locks/some-temp-file', Buffer.from('x'));
    await expect(clock.run(tryLock(ctxA, true))).resolves.toBeDefined();
  });

  it('a lock removed between listing and loading is gone at the next pass', async () => {
    const { clock, ctxA, ctxB, storage, faulty } = await setup();
    const other = await clock.run(tryLock(ctxB, false));
    faulty.fault = (op, type) => {
      if (op === 'load' && type === 'locks') {
        faulty.fault = () => undefined;
        storage.files.delete(`locks/${other.id}`);
      }
    };
    const t0 = clock.elapsed;
    await clock.run(tryLock(ctxA, true));
    expect(clock.elapsed - t0).toBe(5000 + 200);
  });
});

describe('--retry-lock (restic TestLockWait*)', () => {
  it('gives up after the wait with one last try (TestLockWaitTimeout)', async () => {
    const { clock, ctxA, ctxB } = await setup();
    await clock.run(tryLock(ctxB, true));
    let waited = 0;
    const t0 = clock.elapsed;
    const err = await clock.run(acquireLock(ctxA, false, { retryLockMs: 200, onWaiting: () => waited++ })).catch((e: unknown) => e);
    expect((err as Error).message).toContain('repository is already locked exclusively');
    expect(waited).toBe(1);
    expect(clock.elapsed - t0).toBeGreaterThanOrEqual(200);
    expect(clock.elapsed - t0).toBeLessThan(300);
  });

  it('is cancellable (TestLockWaitCancel)', async () => {
    const { clock, ctxA, ctxB } = await setup();
    await clock.run(tryLock(ctxB, true));
    const controller = new AbortController();
    void clock.sleep(40).then(() => controller.abort(new CancelledError()));
    const t0 = clock.elapsed;
    await expect(clock.run(acquireLock({ ...ctxA, signal: controller.signal }, false, { retryLockMs: 200 }))).rejects.toBeInstanceOf(CancelledError);
    expect(clock.elapsed - t0).toBe(40);
  });

  it('takes the lock once the holder lets go (TestLockWaitSuccess)', async () => {
    const { clock, ctxA, ctxB, storage } = await setup();
    const held = await clock.run(tryLock(ctxB, true));
    void clock.sleep(40).then(() => storage.files.delete(`locks/${held.id}`));
    const mine = await clock.run(acquireLock(ctxA, false, { retryLockMs: 200 }));
    expect(storage.names('locks')).toEqual([mine.id]);
  });

  it("backs off as restic does: 5 s, doubling to at most 60 s, and a last try at the deadline", async () => {
    const { clock, ctxA, ctxB, faulty } = await setup();
    await clock.run(tryLock(ctxB, true));
    const t0 = clock.elapsed;
    const attempts: number[] = [];
    faulty.fault = (op, type) => {
      if (op === 'list' && type === 'locks') attempts.push((clock.elapsed - t0) / 1000);
    };
    await expect(clock.run(acquireLock(ctxA, false, { retryLockMs: 200_000 }))).rejects.toBeInstanceOf(LockConflictError);
    expect(attempts).toEqual([0, 5, 15, 35, 75, 135, 195, 200]);
  });
});
