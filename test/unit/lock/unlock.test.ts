import { expect, it } from 'vitest';
import { newLockInfo } from '../../../server/src/lock/lockfile';
import { writeLock } from '../../../server/src/lock/store';
import { listLocks, removeAllLocks, removeStaleLocks } from '../../../server/src/lock/unlock';
import { sha256Hex } from '../../../server/src/repo/format/ids';
import { ManualClock } from '../../helpers/clock';
import { RESTIC_TIMING, twoClients } from './setup';

const HOST = 'here';
const PID = 4242;

async function threeLocks() {
  const clients = await twoClients();
  const clock = new ManualClock();
  const me = { hostname: HOST, username: 'u', uid: 0, gid: 0 };
  const oldOwn = await writeLock(clients.b, newLockInfo({ ...me, pid: PID }, false, clock.now() - 3_600_000));
  const freshOwn = await writeLock(clients.b, newLockInfo({ ...me, pid: PID }, false, clock.now() - 60_000));
  const freshDead = await writeLock(clients.b, newLockInfo({ ...me, pid: PID + 500_000 }, true, clock.now() - 60_000));
  const options = { clock, timing: RESTIC_TIMING, hostname: HOST, processExists: (pid: number) => pid === PID };
  return { ...clients, oldOwn, freshOwn, freshDead, options };
}

it('unlock removes only stale locks: too old, or from a dead process on this host (TestLockWithStaleLock)', async () => {
  const { a, storage, oldOwn, freshOwn, freshDead, options } = await threeLocks();
  const removed = await removeStaleLocks(a, options);
  expect(removed.sort()).toEqual([oldOwn, freshDead].sort());
  expect(storage.names('locks')).toEqual([freshOwn]);
});

it('a fresh lock from another host is never stale, whatever its pid', async () => {
  const { a, b, storage, options } = await threeLocks();
  const remote = await writeLock(b, newLockInfo({ hostname: 'elsewhere', username: 'x', uid: 0, gid: 0, pid: PID + 500_000 }, true, options.clock.now()));
  await removeStaleLocks(a, options);
  expect(storage.names('locks')).toContain(remote);
});

it('unlock --remove-all removes every lock, readable or not (TestRemoveAllLocks)', async () => {
  const { a, storage } = await threeLocks();
  const junk = Buffer.from('not a lock at all, but named like one');
  storage.files.set(`locks/${sha256Hex(junk)}`, junk);
  expect(await removeAllLocks(a)).toHaveLength(4);
  expect(storage.names('locks')).toEqual([]);
});

it('unlock leaves unreadable locks alone; locks lists them with the reason', async () => {
  const { a, storage, options } = await threeLocks();
  const junk = Buffer.from('not a lock at all, but named like one');
  const junkId = sha256Hex(junk);
  storage.files.set(`locks/${junkId}`, junk);
  await removeStaleLocks(a, options);
  expect(storage.names('locks')).toContain(junkId);
  const listing = await listLocks(a, options);
  const entry = listing.find((l) => l.id === junkId);
  expect(entry).toMatchObject({ stale: false });
  expect(entry?.error).toMatch(/cannot be decrypted/);
  expect(listing.filter((l) => l.lock).map((l) => [l.lock?.exclusive, l.stale, l.ageMs])).toEqual(
    expect.arrayContaining([[false, false, 60_000]]),
  );
});
