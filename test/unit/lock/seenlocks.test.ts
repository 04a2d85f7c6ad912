// The lock watch's listing: a lock file is read once per backend process (its ID is its content's hash), the
// staleness and age are judged afresh each time, a removed lock is forgotten, an unreadable one is tried again.
import { expect, it } from 'vitest';
import { newLockInfo } from '../../../server/src/lock/lockfile';
import { removeLock, writeLock } from '../../../server/src/lock/store';
import { listLocks, SeenLocks } from '../../../server/src/lock/unlock';
import { sha256Hex } from '../../../server/src/repo/format/ids';
import { ManualClock } from '../../helpers/clock';
import { ownerB, RESTIC_TIMING, twoClients } from './setup';

it('lists every lock each time but reads only lock files it has not seen', async () => {
  const { a, b, storage } = await twoClients();
  const clock = new ManualClock();
  const seen = new SeenLocks();
  const options = { clock, timing: RESTIC_TIMING, hostname: 'laptop', seen };
  const first = await writeLock(b, newLockInfo(ownerB, true, clock.now()));
  const junk = Buffer.from('named like a lock, unreadable');
  storage.files.set(`locks/${sha256Hex(junk)}`, junk);

  const once = await listLocks(a, options);
  expect(once.map((l) => [l.id, l.stale, l.error !== undefined]).sort()).toEqual([[first, false, false], [sha256Hex(junk), false, true]].sort());
  expect(seen.reads).toBe(2);

  await clock.advance(31 * 60_000);
  const twice = await listLocks(a, options);
  expect(seen.reads).toBe(3); // the unreadable one again, the readable one from memory
  expect(twice.find((l) => l.id === first)).toMatchObject({ stale: true, ageMs: 31 * 60_000 });

  await removeLock(b, first);
  const second = await writeLock(b, newLockInfo(ownerB, false, clock.now()));
  storage.files.delete(`locks/${sha256Hex(junk)}`);
  const thrice = await listLocks(a, options);
  expect(thrice.map((l) => l.id)).toEqual([second]);
  expect(seen.reads).toBe(4);
});
