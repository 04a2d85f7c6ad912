// The scenarios every remote backend must pass, against a real server started on 127.0.0.1 and real restic 0.18:
// Lockstep's init/backup/restore/forget --prune checked and restored by restic; lock conflicts in both directions;
// the seed (pause, unlock, prune, resume → lock lost, no snapshot); a server that hangs mid-backup (the lock
// monitor still ends the backup on time); a server killed mid-backup (clear error, no snapshot, next backup works).
import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FileType } from '../../server/src/backend/backend';
import { openBackend } from '../../server/src/backend/open';
import { lockstep, lockstepOk, spawnLockstep } from './cli';
import { expectSameTree, makeSourceTree, randomFile } from './fstree';
import { requirePeer, runRestic, spawnRestic } from './peers';
import { finished, sleep, stopChild, waitFor } from './process';
import { RemoteServer, StartRemoteServer } from './remote-server';
import { cleanupTempDirs, makeTempDir } from './tmp';

const PASSWORD = 'remote password';
// Refreshability 4.5 s: short for the test, long enough for a loaded 2-core machine.
const LOCK_TIMING = { LOCKSTEP_LOCK_REFRESH_MS: '1000', LOCKSTEP_LOCK_STALE_MS: '6000' };
/** Random data for a backup that must store its first pack while stdin is still open (see backupUntilFirstPack). */
const PACK_FILLING_BYTES = 26 * 1024 * 1024;

export function remoteBackendSuite(title: string, start: StartRemoteServer, available: () => boolean): void {
  const suite = available() || process.env.CI ? describe : describe.skip;
  suite(`remote repository: ${title}`, () => {
    let work: string;
    let server: RemoteServer;
    let source: string;
    let restic18: string;
    const children: ChildProcess[] = [];

    const env = (extra: Record<string, string> = {}): Record<string, string> => ({ ...server.lockstepEnv, ...extra });
    const run = (args: string[], extra?: Record<string, string>) => lockstep(args, { repo: server.location, password: PASSWORD, env: env(extra) });
    const ok = (args: string[], extra?: Record<string, string>) => lockstepOk(args, { repo: server.location, password: PASSWORD, env: env(extra) });
    const spawnOwn = (args: string[], extra?: Record<string, string>): ChildProcess => {
      const child = spawnLockstep(args, { repo: server.location, password: PASSWORD, env: env(extra) });
      children.push(child);
      return child;
    };
    const restic = (args: string[], allowFail = false) =>
      runRestic(restic18, server.location, [...server.resticArgs, ...args], { password: PASSWORD, env: server.resticEnv, allowFail });
    /** The repository's files of one type, listed through Lockstep's own backend for this server. */
    const files = async (type: FileType): Promise<string[]> => {
      const backend = openBackend(server.location, { ...process.env, ...server.lockstepEnv });
      try {
        return (await backend.list(type)).map((f) => f.name).filter((n) => /^[0-9a-f]{64}$/.test(n));
      } finally {
        await backend.close();
      }
    };

    /** Waits until `child` has stored a pack that was not there before; its output so far goes into any failure. */
    const firstPack = async (child: ChildProcess, packsBefore: Set<string>): Promise<void> => {
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      try {
        await waitFor('the backup to write its first pack', async () => {
          if (child.exitCode !== null) throw new Error(`the backup ended early (exit ${child.exitCode})`);
          return (await files('data')).some((p) => !packsBefore.has(p));
        }, 60_000);
      } catch (err) {
        throw new Error(`${err instanceof Error ? err.message : String(err)}; the backup said: ${stderr || '(nothing)'}`);
      }
    };

    /**
     * Starts a Lockstep backup and waits until it has stored its first new pack. Chunks are at most 8 MiB, so of
     * PACK_FILLING_BYTES on stdin at least 18 MiB is stored while stdin is still open: a 16 MiB pack.
     */
    const backupUntilFirstPack = async (args: string[], extra: Record<string, string>, stdin?: Buffer) => {
      const snapshotsBefore = await files('snapshots');
      const packsBefore = new Set(await files('data'));
      const child = spawnOwn(args, extra);
      const done = finished(child);
      if (stdin) child.stdin?.write(stdin);
      await firstPack(child, packsBefore);
      return { child, done, snapshotsBefore };
    };

    beforeAll(async () => {
      if (!available()) throw new Error(`${title}: the server or restic is missing: run scripts/install-peers.sh`);
      restic18 = requirePeer('restic-0.18');
      work = makeTempDir('remote');
      source = path.join(work, 'source');
      makeSourceTree(source);
      server = await start(work);
      ok(['init']);
    }, 60_000);

    afterEach(() => {
      for (const child of children.splice(0)) stopChild(child);
      server?.resume();
    });

    afterAll(async () => {
      await server?.stop();
      cleanupTempDirs();
    });

    it('Lockstep backs up, restores and forgets with --prune; restic 0.18 checks every byte and restores the same tree', async () => {
      ok(['backup', source, '--tag', 'first']);
      randomFile(path.join(source, 'added.bin'), 3 * 1024 * 1024);
      ok(['backup', source]);
      const listed = JSON.parse(ok(['snapshots', '--json']).stdout) as { id: string }[];
      expect(listed).toHaveLength(2);
      const target = path.join(work, 'restored-lockstep');
      ok(['restore', 'latest', '--target', target]);
      expectSameTree(path.join(target, source), source);

      ok(['forget', '--keep-last', '1', '--prune']);
      expect(await files('snapshots')).toHaveLength(1);
      restic(['check', '--read-data']);
      const resticTarget = path.join(work, 'restored-restic');
      restic(['restore', 'latest', '--target', resticTarget]);
      expectSameTree(path.join(resticTarget, source), source);
      expect(await files('locks')).toEqual([]);
    }, 120_000);

    it('locks conflict both ways: lockstep prune exits 11 naming restic, restic prune refuses while Lockstep backs up', async () => {
      const holder = spawnRestic(restic18, server.location, [...server.resticArgs, 'backup', '--stdin', '--stdin-filename', 'held.txt'], { password: PASSWORD, env: server.resticEnv });
      children.push(holder);
      const held = finished(holder);
      await waitFor('restic to take its lock', async () => (await files('locks')).length === 1);
      const refused = run(['prune']);
      expect(refused.code).toBe(11);
      expect(refused.stderr).toContain(`PID ${holder.pid}`);
      holder.stdin?.end('restic was here\n');
      expect((await held).code).toBe(0);

      const own = spawnOwn(['backup', '--stdin', '--stdin-filename', 'own.txt']);
      const ownDone = finished(own);
      await waitFor('Lockstep to take its lock', async () => (await files('locks')).length === 1);
      const resticRefused = restic(['prune'], true);
      expect(resticRefused.code).not.toBe(0);
      expect(resticRefused.stderr).toMatch(/locked/);
      own.stdin?.end('lockstep was here\n');
      expect((await ownDone).code).toBe(0);
      expect(await files('locks')).toEqual([]);
    }, 120_000);

    it('the seed: a paused backup whose lock was removed and the repository pruned exits with lock lost; no snapshot; restic check passes', async () => {
      const { child, done, snapshotsBefore } = await backupUntilFirstPack(['backup', '--stdin', '--stdin-filename', 'big.bin'], LOCK_TIMING, randomBytes(PACK_FILLING_BYTES));
      const pausedAt = Date.now();
      child.kill('SIGSTOP');
      restic(['unlock', '--remove-all']);
      expect(await files('locks')).toEqual([]);
      restic(['prune']);
      await sleep(Math.max(0, 6000 - (Date.now() - pausedAt)));
      child.kill('SIGCONT');
      child.stdin?.end();
      const result = await done;
      expect(result.code).toBe(11);
      expect(result.stderr).toMatch(/Fatal: lock lost \(lock-removed\)/);
      expect(await files('snapshots')).toEqual(snapshotsBefore);
      restic(['check', '--read-data']);
    }, 120_000);

    it('a server that hangs mid-backup: the lock monitor ends the backup on time (exit 11), nothing is committed', async () => {
      const { child, done, snapshotsBefore } = await backupUntilFirstPack(['backup', '--stdin', '--stdin-filename', 'hang.bin'], LOCK_TIMING, randomBytes(PACK_FILLING_BYTES));
      server.pause();
      const pausedAt = Date.now();
      child.stdin?.end(randomBytes(1024 * 1024));
      const result = await done;
      const tookMs = Date.now() - pausedAt;
      server.resume();
      expect(result.code).toBe(11);
      expect(result.stderr).toMatch(/Fatal: lock lost \(refresh-(late|failed)\)/);
      // Refreshability 4.5 s, a 1 s poll, then at most 10 s trying to remove the lock file from the hung server.
      expect(tookMs).toBeLessThan(20_000);
      expect(await files('snapshots')).toEqual(snapshotsBefore);
      ok(['unlock']); // the lock file left behind is stale: its process is gone
      restic(['check', '--read-data']);
    }, 120_000);

    it('a server killed mid-backup: a clear error, no snapshot; after a restart the next backup succeeds', async () => {
      const big = path.join(work, 'big');
      mkdirSync(big, { recursive: true });
      for (let i = 0; i < 3; i++) randomFile(path.join(big, `f${i}.bin`), 24 * 1024 * 1024);
      const { done, snapshotsBefore } = await backupUntilFirstPack(['backup', big], { LOCKSTEP_BACKEND_RETRY_MS: '1500' });
      await server.kill();
      const result = await done;
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^Fatal: .+/m);
      expect(result.stderr).not.toMatch(/^\s+at /m); // one sentence, not a stack trace
      await server.restart();
      expect(await files('snapshots')).toEqual(snapshotsBefore);
      ok(['unlock']); // the lock file left behind is stale: its process is gone
      ok(['backup', big]);
      expect(await files('snapshots')).toHaveLength(snapshotsBefore.length + 1);
      restic(['check', '--read-data']);
    }, 180_000);
  });
}
