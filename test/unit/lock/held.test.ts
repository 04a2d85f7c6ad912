import { describe, expect, it } from 'vitest';
import { CancelledError, LockLostError } from '../../../server/src/base/errors';
import { LockEvent } from '../../../server/src/lock/held';
import { lockRepository } from '../../../server/src/lock/session';
import { lockTiming } from '../../../server/src/lock/timing';
import { removeAllLocks } from '../../../server/src/lock/unlock';
import { loadLock } from '../../../server/src/lock/store';
import { ManualClock } from '../../helpers/clock';
import { ownerA, RESTIC_TIMING, twoClients } from './setup';

const MIN = 60_000;

async function locked(options: { mode?: 'shared' | 'exclusive'; timing?: typeof RESTIC_TIMING; signal?: AbortSignal } = {}) {
  const clients = await twoClients();
  const clock = new ManualClock();
  const events: LockEvent[] = [];
  const logs: string[] = [];
  const session = await clock.run(
    lockRepository(clients.a, {
      mode: options.mode ?? 'shared',
      clock,
      timing: options.timing ?? RESTIC_TIMING,
      owner: ownerA,
      signal: options.signal,
      log: (m) => logs.push(m),
      onEvent: (e) => events.push(e),
    }),
  );
  return { ...clients, clock, session, events, logs };
}

function lostReason(signal: AbortSignal): string | undefined {
  return signal.aborted ? (signal.reason as LockLostError | CancelledError).reason : undefined;
}

describe('refresh', () => {
  it('replaces the lock file every 5 minutes: one file, a new ID, a later time (TestLockRefresh)', async () => {
    const { clock, session, storage, b } = await locked();
    const first = session.lock.id;
    const firstTime = (await loadLock(b, first)).timeMs;
    await clock.advance(5 * MIN);
    expect(storage.names('locks')).toEqual([session.lock.id]);
    expect(session.lock.id).not.toBe(first);
    expect((await loadLock(b, session.lock.id)).timeMs).toBeGreaterThanOrEqual(firstTime + 5 * MIN);
    await clock.advance(60 * MIN);
    expect(storage.names('locks')).toHaveLength(1);
    expect(session.signal.aborted).toBe(false);
    await clock.run(session.release());
    expect(storage.names('locks')).toEqual([]);
  });

  it('failed refreshes are logged and retried; the operation goes on when one succeeds before the deadline', async () => {
    const { clock, session, faulty, logs } = await locked();
    let failures = 0;
    faulty.fault = (op, type) => {
      if (op === 'save' && type === 'locks' && failures < 5) {
        failures++;
        throw new Error('server unavailable');
      }
    };
    await clock.advance(12 * MIN);
    expect(logs.filter((l) => l.startsWith('unable to refresh lock: server unavailable'))).toHaveLength(5);
    expect(session.signal.aborted).toBe(false);
    await clock.advance(60 * MIN);
    expect(session.signal.aborted).toBe(false);
  });

  it('refreshes that keep failing abort the operation with refresh-failed (TestLockFailedRefresh)', async () => {
    const { clock, session, faulty, events } = await locked();
    faulty.fault = (op, type) => {
      if (op === 'save' && type === 'locks') throw new Error('disk full');
    };
    await clock.advance(22 * MIN);
    expect(session.signal.aborted).toBe(false);
    await clock.advance(31 * 1000);
    expect(lostReason(session.signal)).toBe('refresh-failed');
    expect(session.signal.reason).toBeInstanceOf(LockLostError);
    expect((session.signal.reason as Error).message).toMatch(/failed to refresh stale lock: disk full/);
    expect(events.some((e) => e.kind === 'lost' && e.reason === 'refresh-failed')).toBe(true);
    await expect(session.repo.backend.save({ type: 'snapshots', name: 'a'.repeat(64) }, Buffer.from('x'))).rejects.toBeInstanceOf(LockLostError);
  });

  it('a refresh that hangs past the deadline aborts with refresh-late, on time', async () => {
    const { clock, session, faulty } = await locked();
    faulty.fault = async (op, type, signal) => {
      if (op === 'save' && type === 'locks') await clock.sleep(24 * 3_600_000, signal);
    };
    // Deadline at 22.5 min; the stale-lock refresh then gets 7.5 min, until others could call the lock stale.
    await clock.advance(22.5 * MIN + 7 * MIN);
    expect(session.signal.aborted).toBe(false);
    await clock.advance(0.5 * MIN + 1000);
    expect(lostReason(session.signal)).toBe('refresh-late');
    expect((session.signal.reason as Error).message).toMatch(/could not be refreshed within 7m30s/);
  });

  it('refreshes fail until just before the deadline, then the forced stale refresh confirms the lock (stale refresh success)', async () => {
    const timing = lockTiming(10, 75); // refreshability 60 ms, as in restic's TestLockSuccessfulStaleRefresh
    const { clock, session, faulty, storage, logs } = await locked({ timing });
    let broken = true;
    faulty.fault = (op, type) => {
      if (op === 'save' && type === 'locks' && broken) throw new Error('timeout');
    };
    void clock.sleep(55).then(() => (broken = false));
    await clock.advance(59);
    expect(logs.filter((l) => l.startsWith('unable to refresh lock'))).not.toHaveLength(0);
    await clock.advance(20);
    expect(session.signal.aborted).toBe(false);
    expect(logs.some((l) => l.startsWith('lock not refreshed for'))).toBe(true);
    await clock.advance(500);
    expect(session.signal.aborted).toBe(false);
    expect(storage.names('locks')).toEqual([session.lock.id]);
  });

  it('a lock file removed under us is noticed at the next refresh: lock-removed', async () => {
    const { clock, session, b } = await locked();
    await clock.advance(2 * MIN);
    await removeAllLocks(b);
    expect(session.signal.aborted).toBe(false);
    await clock.advance(3 * MIN);
    expect(lostReason(session.signal)).toBe('lock-removed');
  });
});

describe('standby: the wall clock jumps while timers stood still', () => {
  it('the lock still exists after the sleep: the stale-lock refresh replaces it and the operation goes on', async () => {
    const { clock, session, storage } = await locked();
    const before = session.lock.id;
    clock.standby(3 * 3_600_000);
    const write = session.repo.backend.save({ type: 'snapshots', name: 'a'.repeat(64) }, Buffer.from('x'));
    await clock.run(write);
    expect(session.signal.aborted).toBe(false);
    expect(session.lock.id).not.toBe(before);
    expect(storage.names('locks')).toEqual([session.lock.id]);
  });

  it('the lock was removed (unlock) while we slept: lock-removed, and the write that woke us never happens', async () => {
    const { clock, session, storage, b } = await locked();
    clock.standby(40 * MIN);
    await removeAllLocks(b);
    const write = session.repo.backend.save({ type: 'snapshots', name: 'a'.repeat(64) }, Buffer.from('x'));
    await expect(clock.run(write)).rejects.toMatchObject({ reason: 'lock-removed' });
    expect(storage.names('snapshots')).toEqual([]);
    expect(storage.names('locks')).toEqual([]);
    expect((session.signal.reason as Error).message).toMatch(/lock file was removed in the meantime/);
  });

  it('the monitor notices at its first poll after waking, even with no write pending', async () => {
    const { clock, session, b } = await locked();
    clock.standby(25 * MIN);
    await removeAllLocks(b);
    await clock.advance(999);
    expect(session.signal.aborted).toBe(false);
    await clock.advance(1 + 200);
    expect(lostReason(session.signal)).toBe('lock-removed');
  });

  it('a short sleep (under the refreshability timeout) needs no stale refresh', async () => {
    const { clock, session, faulty } = await locked();
    clock.standby(20 * MIN);
    const before = faulty.calls.length;
    await clock.run(session.repo.backend.list('snapshots'));
    expect(faulty.calls.slice(before).map((c) => c.op)).toEqual(['list']);
    expect(session.signal.aborted).toBe(false);
  });
});

describe('cancellation and release', () => {
  it('a user cancel aborts with user-cancelled; release removes the lock file', async () => {
    const controller = new AbortController();
    const { clock, session, storage } = await locked({ signal: controller.signal });
    controller.abort(new CancelledError());
    expect(lostReason(session.signal)).toBe('user-cancelled');
    await clock.run(session.release());
    expect(storage.names('locks')).toEqual([]);
  });

  it('release after a lost lock does not fail and leaves no file behind', async () => {
    const { clock, session, storage, b, events } = await locked();
    await removeAllLocks(b);
    await clock.advance(5 * MIN);
    await clock.run(session.release());
    expect(storage.names('locks')).toEqual([]);
    expect(events.at(-1)).toEqual({ kind: 'released' });
  });
});

describe('commit points', () => {
  it('an index or snapshot write first checks that the lock file still exists', async () => {
    const { clock, session, storage, b } = await locked();
    await clock.run(session.repo.backend.save({ type: 'index', name: 'a'.repeat(64) }, Buffer.from('x')));
    await removeAllLocks(b);
    await clock.advance(1000);
    expect(session.signal.aborted).toBe(false);
    const snapshot = session.repo.backend.save({ type: 'snapshots', name: 'b'.repeat(64) }, Buffer.from('x'));
    await expect(clock.run(snapshot)).rejects.toMatchObject({ reason: 'lock-removed' });
    expect(storage.names('snapshots')).toEqual([]);
    expect(storage.names('index')).toEqual(['a'.repeat(64)]);
  });

  it('a stop between the last check and the landing: the index lands, the lock is found gone, the index is removed again and the error says so', async () => {
    const { clock, session, storage, b, faulty, events } = await locked();
    // Another client runs unlock --remove-all while we are stopped just before the file becomes visible.
    faulty.landing = async (type) => {
      if (type === 'index') await removeAllLocks(b);
    };
    const name = 'c'.repeat(64);
    const save = session.repo.backend.save({ type: 'index', name }, Buffer.from('x'));
    const error = await clock.run(save).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(LockLostError);
    expect((error as LockLostError).reason).toBe('lock-removed');
    expect((error as Error).message).toMatch(/the operation was cancelled and the index file written at that moment \(index\/cccccccc\) was removed again; any packs written before it/);
    expect((error as Error).message).not.toMatch(/wrote nothing more/);
    expect(storage.names('index')).toEqual([]);
    // The lost-lock notification says the same.
    expect(events).toContainEqual(expect.objectContaining({ kind: 'lost', message: (error as Error).message }));
  });

  it('standby in the middle of a snapshot write: the lock is judged by the wall clock it wakes to, before the snapshot lands', async () => {
    const { clock, session, storage, b } = await locked();
    const write = (name: string, pause: () => Promise<void>): Promise<void> =>
      session.repo.backend.save({ type: 'snapshots', name }, Buffer.from('x'), undefined, { writing: pause });
    // Three hours asleep, the lock file untouched: the stale-lock refresh replaces it before the snapshot lands.
    const before = session.lock.id;
    await clock.run(write('d'.repeat(64), async () => clock.standby(3 * 3_600_000)));
    expect(session.lock.id).not.toBe(before);
    expect(storage.names('snapshots')).toEqual(['d'.repeat(64)]);
    // Forty minutes asleep while another client removed the lock: nothing lands, and the error says so.
    const lost = write('e'.repeat(64), async () => {
      clock.standby(40 * MIN);
      await removeAllLocks(b);
    });
    await expect(clock.run(lost)).rejects.toMatchObject({ reason: 'lock-removed', message: expect.stringMatching(/removed in the meantime.*wrote nothing more to the repository$/) });
    expect(storage.names('snapshots')).toEqual(['d'.repeat(64)]);
  });

  it('an index file deleted just as the lock was lost: the error says which one went', async () => {
    const { clock, session, storage, b, faulty } = await locked({ mode: 'exclusive' });
    const old = 'f'.repeat(64);
    await storage.save({ type: 'index', name: old }, Buffer.from('x'));
    // Another client removes the lock while we are stopped between the check and the delete.
    faulty.fault = async (op, type) => {
      if (op === 'remove' && type === 'index') await removeAllLocks(b);
    };
    const error = await clock.run(session.repo.backend.remove({ type: 'index', name: old })).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ reason: 'lock-removed' });
    expect((error as Error).message).toMatch(/cancelled and index\/ffffffff, which it was deleting at that moment, is gone: if another client backed up while the lock was lost, run check$/);
    expect(storage.names('index')).toEqual([]);
  });
});
