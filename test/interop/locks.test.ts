// Lock interop with the real restic binaries: each sees the other's locks, unlock works both ways, and the
// seed scenario (pause, unlock, prune, resume) ends with the lock lost, no snapshot and a repository that checks.
import { createHash, randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { lockstep, lockstepOk, spawnLockstep } from '../helpers/cli';
import { makeSourceTree } from '../helpers/fstree';
import { describeWithPeer, requirePeer, runRestic, spawnRestic } from '../helpers/peers';
import { finished, packFiles, repoFiles, sleep, stopChild, waitFor } from '../helpers/process';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'locks interop';
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) stopChild(child);
});

function track<T extends ChildProcess>(child: T): T {
  children.push(child);
  return child;
}

function newRepo(version: 1 | 2 = 2): { work: string; repo: string; source: string } {
  const work = makeTempDir('locks');
  const repo = path.join(work, 'repo');
  const source = path.join(work, 'source');
  makeSourceTree(source);
  lockstepOk(['init', '--repository-version', String(version)], { repo, password: PASSWORD });
  lockstepOk(['backup', source], { repo, password: PASSWORD });
  return { work, repo, source };
}

/** A Lockstep backup reading stdin that the test keeps open: it holds its shared lock until stdin ends. */
async function lockstepHoldingLock(repo: string, env: Record<string, string> = {}) {
  const child = track(spawnLockstep(['backup', '--stdin', '--stdin-filename', 'held.bin'], { repo, password: PASSWORD, env }));
  const done = finished(child);
  await waitFor('Lockstep to write its lock', () => repoFiles(repo, 'locks').length === 1);
  return { child, done };
}

async function resticHoldingLock(restic: string, repo: string) {
  const before = new Set(repoFiles(repo, 'locks'));
  const child = track(spawnRestic(restic, repo, ['backup', '--stdin', '--stdin-filename', 'restic-held.bin'], { password: PASSWORD }));
  const done = finished(child);
  await waitFor('restic to write its lock', () => repoFiles(repo, 'locks').some((l) => !before.has(l)));
  return { child, done };
}

for (const peer of ['restic-0.14', 'restic-0.18'] as const) {
  describeWithPeer(peer, `locks shared with ${peer}`, () => {
    it(`a Lockstep backup holding its lock makes ${peer} prune refuse, naming Lockstep's pid`, async () => {
      const restic = requirePeer(peer);
      const { repo } = newRepo();
      const held = await lockstepHoldingLock(repo);
      const prune = runRestic(restic, repo, ['prune'], { password: PASSWORD, allowFail: true });
      expect(prune.code).not.toBe(0);
      expect(prune.stderr).toContain(`repository is already locked by PID ${held.child.pid} on`);
      held.child.stdin?.end('some data');
      expect((await held.done).code).toBe(0);
      expect(repoFiles(repo, 'locks')).toEqual([]);
      runRestic(restic, repo, ['check'], { password: PASSWORD });
    });

    it(`${peer} holding a lock makes lockstep prune fail with exit 11, naming restic's pid`, async () => {
      const restic = requirePeer(peer);
      const { repo } = newRepo();
      const held = await resticHoldingLock(restic, repo);
      const result = lockstep(['prune'], { repo, password: PASSWORD });
      expect(result.code).toBe(11);
      expect(result.stderr).toMatch(new RegExp(`^Fatal: unable to create lock in backend: repository is already locked by PID ${held.child.pid} on \\S+ by \\S+ \\(UID \\d+, GID \\d+\\)\nlock was created at .* ago\\)\nstorage ID [0-9a-f]{8}\nthe \`unlock\` command can be used to remove stale locks\n$`));
      // --retry-lock waits for restic to finish, then prunes.
      const waiting = finished(track(spawnLockstep(['--retry-lock', '30s', 'prune'], { repo, password: PASSWORD })));
      await sleep(1500);
      held.child.stdin?.end('x');
      expect((await held.done).code).toBe(0);
      const pruned = await waiting;
      expect(pruned.stderr).toContain('repo already locked, waiting up to 30s for the lock');
      expect(pruned.code).toBe(0);
      runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
    });

    it(`Lockstep sees ${peer}'s lock: locks lists it with restic's pid`, async () => {
      const restic = requirePeer(peer);
      const { repo } = newRepo();
      const held = await resticHoldingLock(restic, repo);
      const listed = JSON.parse(lockstepOk(['locks', '--json'], { repo, password: PASSWORD }).stdout);
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ readable: true, exclusive: false, pid: held.child.pid, stale: false });
      held.child.stdin?.end('x');
      expect((await held.done).code).toBe(0);
    });

    it(`${peer} unlock probes a live Lockstep process and leaves its lock; Lockstep survives the probe`, async () => {
      const restic = requirePeer(peer);
      const { repo } = newRepo();
      const held = await lockstepHoldingLock(repo);
      runRestic(restic, repo, ['unlock'], { password: PASSWORD });
      expect(repoFiles(repo, 'locks')).toHaveLength(1);
      held.child.stdin?.end('still here');
      const result = await held.done;
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    });

    it(`${peer} unlock removes the lock of a Lockstep process that was killed (stale by restic's rule)`, async () => {
      const restic = requirePeer(peer);
      const { repo } = newRepo();
      const held = await lockstepHoldingLock(repo);
      held.child.kill('SIGKILL');
      await held.done;
      expect(repoFiles(repo, 'locks')).toHaveLength(1);
      runRestic(restic, repo, ['unlock'], { password: PASSWORD });
      expect(repoFiles(repo, 'locks')).toEqual([]);
    });

    it(`lockstep unlock removes the lock of a killed ${peer} and keeps a live one`, async () => {
      const restic = requirePeer(peer);
      const { repo } = newRepo();
      const dead = await resticHoldingLock(restic, repo);
      dead.child.kill('SIGKILL');
      await dead.done;
      const live = await resticHoldingLock(restic, repo);
      const deadLock = repoFiles(repo, 'locks');
      expect(deadLock).toHaveLength(2);
      const result = lockstepOk(['unlock'], { repo, password: PASSWORD });
      expect(result.stdout).toBe('successfully removed 1 locks\n');
      expect(repoFiles(repo, 'locks')).toHaveLength(1);
      live.child.stdin?.end('x');
      expect((await live.done).code).toBe(0);
      expect(repoFiles(repo, 'locks')).toEqual([]);
    });
  });
}

describeWithPeer('restic-0.18', 'restic 0.18 --retry-lock', () => {
  it("waits for Lockstep's lock and then proceeds", async () => {
    const restic = requirePeer('restic-0.18');
    const { repo } = newRepo();
    const held = await lockstepHoldingLock(repo);
    const prune = finished(track(spawnRestic(restic, repo, ['--retry-lock', '1m', 'prune'], { password: PASSWORD })));
    await sleep(3000);
    expect(repoFiles(repo, 'locks')).toHaveLength(1);
    held.child.stdin?.end('done');
    expect((await held.done).code).toBe(0);
    const result = await prune;
    expect(result.stdout + result.stderr).toContain('repo already locked, waiting up to 1m0s for the lock');
    expect(result.code).toBe(0);
  });
});

describe('unreadable lock files', () => {
  it('a lock file that cannot be decrypted counts as held: exit 11, with the remedy', () => {
    const { repo, source } = newRepo();
    const junk = randomBytes(200);
    const name = createHash('sha256').update(junk).digest('hex');
    writeFileSync(path.join(repo, 'locks', name), junk);
    const result = lockstep(['backup', source], { repo, password: PASSWORD, env: { LOCKSTEP_LOCK_REFRESH_MS: '3000', LOCKSTEP_LOCK_STALE_MS: '20000' } });
    expect(result.code).toBe(11);
    expect(result.stderr).toMatch(/^Fatal: unable to create lock in backend: lock file [0-9a-f]{8} cannot be read \(locks\/[0-9a-f]{64} is damaged: it cannot be decrypted \(MAC check failed\)\), so the repository counts as locked\n.*unlock --remove-all/);
    expect(JSON.parse(lockstepOk(['snapshots', '--json', '--no-lock'], { repo, password: PASSWORD }).stdout)).toHaveLength(1);
    lockstepOk(['unlock', '--remove-all'], { repo, password: PASSWORD });
    lockstepOk(['backup', source], { repo, password: PASSWORD });
  });
});
