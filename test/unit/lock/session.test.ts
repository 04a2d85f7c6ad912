import { describe, expect, it } from 'vitest';
import { LockConflictError } from '../../../server/src/lock/acquire';
import { newLockInfo } from '../../../server/src/lock/lockfile';
import { runLocked } from '../../../server/src/lock/session';
import { removeLock, writeLock } from '../../../server/src/lock/store';
import { Repository } from '../../../server/src/repo/repository';
import { ManualClock, settle } from '../../helpers/clock';
import { ownerA, ownerB, RESTIC_TIMING, twoClients } from './setup';

async function setup() {
  const clients = await twoClients();
  const clock = new ManualClock();
  return { ...clients, clock };
}

const DATA = { type: 'data', name: 'ab'.repeat(32) } as const;

describe('an operation starts while its lock is being confirmed', () => {
  it('reads at once, while its writes wait until the lock is held', async () => {
    const { a, clock, storage, faulty } = await setup();
    const steps: string[] = [];
    faulty.fault = (op, type) => {
      if (type === 'locks') steps.push(`${op} lock`);
    };
    const run = runLocked(a, { mode: 'shared', clock, timing: RESTIC_TIMING, owner: ownerA }, async (repo: Repository) => {
      await repo.backend.list('snapshots');
      steps.push('read');
      await repo.backend.save(DATA, Buffer.from('pack'));
      steps.push('written');
      return 'done';
    });
    await settle();
    // Our lock file is written and the operation has read, but its write waits for the 200 ms re-check.
    expect(steps).toEqual(['list lock', 'save lock', 'read']);
    expect(storage.names('data')).toEqual([]);
    await clock.advance(200);
    await expect(run).resolves.toBe('done');
    expect(steps.slice(3)).toEqual(['list lock', 'written', 'remove lock']);
    expect(storage.names('data')).toEqual([DATA.name]);
    expect(storage.names('locks')).toEqual([]);
  });

  it('is stopped, having written nothing, when the re-check finds a conflicting lock', async () => {
    const { a, b, clock, storage, faulty } = await setup();
    let sneaked = false;
    faulty.fault = (op, type) => {
      // Client B takes an exclusive lock just after ours is written, before our re-check.
      if (op === 'save' && type === 'locks' && !sneaked) {
        sneaked = true;
        setImmediate(() => void writeLock(b, newLockInfo(ownerB, true, clock.now())));
      }
    };
    let sawAbort: unknown;
    const run = runLocked(a, { mode: 'shared', clock, timing: RESTIC_TIMING, owner: ownerA }, async (repo: Repository, signal: AbortSignal) => {
      await repo.backend.list('index');
      try {
        await repo.backend.save(DATA, Buffer.from('pack'), signal);
      } catch (err) {
        sawAbort = signal.aborted ? signal.reason : err;
        throw err;
      }
      return 'done';
    });
    const outcome = run.catch((e: unknown) => e);
    await clock.advance(200);
    expect(await outcome).toBeInstanceOf(LockConflictError);
    expect(sawAbort).toBeInstanceOf(LockConflictError);
    expect(storage.names('data')).toEqual([]);
    // Only B's lock is left: ours was removed when the re-check failed.
    expect(storage.names('locks')).toHaveLength(1);
  });

  it('with --retry-lock, runs again from the start once the conflicting lock is gone', async () => {
    const { a, b, clock, storage, faulty } = await setup();
    let sneaked: string | undefined;
    faulty.fault = (op, type) => {
      if (op === 'save' && type === 'locks' && sneaked === undefined) {
        sneaked = '';
        setImmediate(() => void writeLock(b, newLockInfo(ownerB, true, clock.now())).then((id) => (sneaked = id)));
      }
    };
    const starts: boolean[] = [];
    const run = runLocked(a, { mode: 'shared', clock, timing: RESTIC_TIMING, owner: ownerA, retryLockMs: 60_000 }, async (repo: Repository, signal: AbortSignal) => {
      starts.push(signal.aborted);
      await repo.backend.save(DATA, Buffer.from('pack'), signal);
      return starts.length;
    });
    await clock.advance(200);
    expect(starts).toEqual([false]);
    expect(storage.names('data')).toEqual([]);
    // B finishes; A's next attempt (after restic's 5 s back-off) takes the lock and runs the work again.
    await removeLock(b, sneaked!);
    await clock.advance(5_200);
    await expect(run).resolves.toBe(2);
    expect(storage.names('data')).toEqual([DATA.name]);
    expect(storage.names('locks')).toEqual([]);
  });

  it('does not start before a lock that conflicts from the first look: it fails as before', async () => {
    const { a, b, clock, storage } = await setup();
    await writeLock(b, newLockInfo(ownerB, true, clock.now()));
    let started = false;
    await expect(
      runLocked(a, { mode: 'shared', clock, timing: RESTIC_TIMING, owner: ownerA }, async () => {
        started = true;
      }),
    ).rejects.toBeInstanceOf(LockConflictError);
    expect(started).toBe(false);
    expect(storage.names('locks')).toHaveLength(1);
  });
});
