// The seed (restic PR #3569), end to end with real processes: a Lockstep backup is paused (SIGSTOP, as a laptop
// in standby), another client removes its lock and prunes, the backup resumes. It must fail with the lock lost,
// write no snapshot, and leave a repository that restic checks clean, whichever client unlocks or prunes.
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { lockstepOk, spawnLockstep } from '../helpers/cli';
import { makeSourceTree } from '../helpers/fstree';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { finished, packFiles, repoFiles, sleep, stopChild, waitFor } from '../helpers/process';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'seed scenario';
let child: ChildProcess | undefined;
afterEach(() => stopChild(child));

interface Variation {
  title: string;
  /** Short lock timings for the paused backup. */
  timing: { LOCKSTEP_LOCK_REFRESH_MS: string; LOCKSTEP_LOCK_STALE_MS: string };
  /** How long the backup stays stopped in all (at least as long as unlock + prune take). */
  pauseMs: number;
  /** Removes the paused backup's lock; returns once it is gone. */
  unlock(repo: string): void;
  prune(repo: string): void;
  /** Whether someone removes the lock at all (the control case does not). */
  lockRemoved: boolean;
}

const restic = (peer: 'restic-0.14' | 'restic-0.18', repo: string, args: string[]): void => {
  runRestic(requirePeer(peer), repo, args, { password: PASSWORD });
};

// Short enough to keep the test quick, long enough that a loaded CI machine still refreshes in time.
const LONG = { LOCKSTEP_LOCK_REFRESH_MS: '1000', LOCKSTEP_LOCK_STALE_MS: '6000' }; // refreshability 4.5 s
const SHORT_PAUSE = { LOCKSTEP_LOCK_REFRESH_MS: '2000', LOCKSTEP_LOCK_STALE_MS: '40000' }; // refreshability 37 s

const variations: Variation[] = [
  {
    title: 'standby longer than the refresh deadline; restic 0.18 unlock --remove-all, restic 0.18 prune',
    timing: LONG,
    pauseMs: 6000,
    unlock: (repo) => restic('restic-0.18', repo, ['unlock', '--remove-all']),
    prune: (repo) => restic('restic-0.18', repo, ['prune']),
    lockRemoved: true,
  },
  {
    title: 'standby until the lock is stale; lockstep unlock (stale rule), restic 0.14 prune',
    timing: LONG,
    pauseMs: 7000,
    unlock: (repo) => {
      // Stale by age only once it is older than the stale timeout (6 s here).
      const deadline = Date.now() + 15_000;
      while (repoFiles(repo, 'locks').length > 0 && Date.now() < deadline) {
        lockstepOk(['unlock'], { repo, password: PASSWORD, env: LONG });
        if (repoFiles(repo, 'locks').length > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
      }
    },
    prune: (repo) => restic('restic-0.14', repo, ['prune']),
    lockRemoved: true,
  },
  {
    title: 'a pause shorter than the refresh deadline; restic 0.14 unlock --remove-all, restic 0.18 prune',
    timing: SHORT_PAUSE,
    pauseMs: 1500,
    unlock: (repo) => restic('restic-0.14', repo, ['unlock', '--remove-all']),
    prune: (repo) => restic('restic-0.18', repo, ['prune']),
    lockRemoved: true,
  },
  {
    title: 'a pause shorter than the refresh deadline; lockstep unlock --remove-all, restic 0.14 prune',
    timing: SHORT_PAUSE,
    pauseMs: 1500,
    unlock: (repo) => lockstepOk(['unlock', '--remove-all'], { repo, password: PASSWORD }),
    prune: (repo) => restic('restic-0.14', repo, ['prune']),
    lockRemoved: true,
  },
  {
    title: 'control: a long pause with nobody unlocking; the stale-lock refresh keeps the lock and the backup completes',
    timing: LONG,
    pauseMs: 6000,
    unlock: () => undefined,
    prune: () => undefined,
    lockRemoved: false,
  },
];

describeWithPeer('restic-0.18', 'the seed scenario: pause, unlock, prune, resume', () => {
  for (const v of variations) {
    it(v.title, async () => {
      requirePeer('restic-0.14');
      const work = makeTempDir('seed');
      const repo = path.join(work, 'repo');
      const source = path.join(work, 'source');
      makeSourceTree(source);
      lockstepOk(['init'], { repo, password: PASSWORD });
      lockstepOk(['backup', source], { repo, password: PASSWORD });
      const snapshotsBefore = repoFiles(repo, 'snapshots');
      const packsBefore = new Set(packFiles(repo));

      child = spawnLockstep(['backup', '--stdin', '--stdin-filename', 'big.bin'], { repo, password: PASSWORD, env: v.timing });
      const done = finished(child);
      // 26 MiB of random data: chunks are at most 8 MiB, so at least 18 MiB is stored while stdin is still open, and
      // the first 16 MiB pack is written (20 MiB left it to chance: a last chunk of more than 4 MiB held it back).
      child.stdin?.write(randomBytes(26 * 1024 * 1024));
      await waitFor('the backup to write its first pack', () => {
        if (child?.exitCode !== null) throw new Error(`the backup ended early (exit ${child?.exitCode})`);
        return packFiles(repo).some((p) => !packsBefore.has(p));
      });
      // A refresh writes the new lock file before it removes the old one: two files for a moment (2 s refreshes here).
      await waitFor('the backup to hold one lock file', () => repoFiles(repo, 'locks').length === 1);
      const pausedAt = Date.now();
      child.kill('SIGSTOP');

      v.unlock(repo);
      if (v.lockRemoved) expect(repoFiles(repo, 'locks')).toEqual([]);
      v.prune(repo);
      if (v.lockRemoved) expect(packFiles(repo).filter((p) => !packsBefore.has(p))).toEqual([]); // prune took the new pack
      await sleep(Math.max(0, v.pauseMs - (Date.now() - pausedAt)));

      child.kill('SIGCONT');
      child.stdin?.end();
      const result = await done;

      if (v.lockRemoved) {
        expect(result.code).toBe(11);
        expect(result.stderr).toMatch(/Fatal: lock lost \(lock-removed\): .*removed in the meantime/);
        expect(repoFiles(repo, 'snapshots')).toEqual(snapshotsBefore);
      } else {
        expect(result.stderr).toMatch(/lock not refreshed for .*; checking that it still exists/);
        expect(result.code).toBe(0);
        expect(repoFiles(repo, 'snapshots')).toHaveLength(snapshotsBefore.length + 1);
      }
      expect(repoFiles(repo, 'locks')).toEqual([]);
      restic('restic-0.18', repo, ['check', '--read-data']);
      restic('restic-0.14', repo, ['check']);
      // The repository is usable: the next backup works.
      lockstepOk(['backup', source], { repo, password: PASSWORD });
    });
  }
});
