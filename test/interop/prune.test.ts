// prune and check against the real restic binaries: what Lockstep prunes restic checks clean and restores
// identically, what restic prunes Lockstep checks clean, a crash at any write or delete leaves a valid repository,
// and damage is reported precisely.
import { cpSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync, chmodSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Backend } from '../../server/src/backend/backend';
import { LocalBackend } from '../../server/src/backend/local';
import { prune } from '../../server/src/ops/prune';
import { lockRepository } from '../../server/src/lock/session';
import { lockTiming } from '../../server/src/lock/timing';
import { Repository } from '../../server/src/repo/repository';
import { lockstep, lockstepOk } from '../helpers/cli';
import { expectSameTree, makeSourceTree, randomFile } from '../helpers/fstree';
import { FaultyBackend } from '../helpers/memory-backend';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { packFiles, repoFiles } from '../helpers/process';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'prune interop';

function snapshotIds(repo: string): string[] {
  return JSON.parse(lockstepOk(['snapshots', '--json'], { repo, password: PASSWORD }).stdout).map((s: { id: string }) => s.id);
}

/**
 * A repository with partly used packs: three snapshots of a folder whose files change, made by Lockstep and
 * restic in turn; returns the folder copies each snapshot holds.
 */
function mixedRepository(restic: string): { work: string; repo: string; copies: string[] } {
  const work = makeTempDir('prune');
  const repo = path.join(work, 'repo');
  const live = path.join(work, 'live');
  makeSourceTree(live, 7);
  for (let i = 0; i < 12; i++) randomFile(path.join(live, `blob${i}.bin`), 40_000 + i * 1000);
  lockstepOk(['init'], { repo, password: PASSWORD });
  const copies: string[] = [];
  const snap = (who: 'lockstep' | 'restic', n: number): void => {
    const copy = path.join(work, `copy${n}`);
    cpSync(live, copy, { recursive: true, preserveTimestamps: true });
    copies.push(copy);
    if (who === 'lockstep') lockstepOk(['backup', copy], { repo, password: PASSWORD });
    else runRestic(restic, repo, ['backup', copy], { password: PASSWORD });
  };
  snap('lockstep', 0);
  for (let i = 0; i < 6; i++) randomFile(path.join(live, `blob${i}.bin`), 30_000);
  snap('restic', 1);
  for (let i = 6; i < 12; i++) randomFile(path.join(live, `blob${i}.bin`), 30_000);
  snap('lockstep', 2);
  return { work, repo, copies };
}

for (const peer of ['restic-0.14', 'restic-0.18'] as const) {
  describeWithPeer(peer, `prune with ${peer}`, () => {
    it(`after Lockstep forgets and prunes (with repacking), ${peer} check --read-data passes and kept snapshots restore identically`, () => {
      const restic = requirePeer(peer);
      const { work, repo, copies } = mixedRepository(restic);
      const [first, second, third] = snapshotIds(repo);
      runRestic(restic, repo, ['forget', first], { password: PASSWORD });
      const dry = JSON.parse(lockstepOk(['prune', '--dry-run', '--max-unused', '0', '--json'], { repo, password: PASSWORD }).stdout);
      expect(dry.dry_run).toBe(true);
      expect(dry.unused_blobs).toBeGreaterThan(0);
      const packsBefore = packFiles(repo).length;
      const result = JSON.parse(lockstepOk(['prune', '--max-unused', '0', '--json'], { repo, password: PASSWORD }).stdout);
      expect(result).toMatchObject({ dry_run: false, removed_blobs: dry.removed_blobs, remaining_unused_size: 0 });
      expect(result.repack_blobs).toBeGreaterThan(0);
      expect(packFiles(repo).length).not.toBe(packsBefore);
      expect(repoFiles(repo, 'locks')).toEqual([]);
      runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
      runRestic(requirePeer('restic-0.18'), repo, ['check', '--read-data'], { password: PASSWORD });
      for (const [id, copy] of [[second, copies[1]], [third, copies[2]]] as const) {
        const target = path.join(work, `restore-${id.slice(0, 8)}`);
        runRestic(restic, repo, ['restore', id, '--target', target], { password: PASSWORD });
        expectSameTree(path.join(target, copy), copy);
      }
      // Nothing left to do: a second prune changes nothing.
      const again = JSON.parse(lockstepOk(['prune', '--max-unused', '0', '--json'], { repo, password: PASSWORD }).stdout);
      expect(again).toMatchObject({ removed_blobs: 0, repack_blobs: 0, removed_packs: 0 });
    });

    it(`after lockstep forget --keep-last 2 --prune on a repository restic and Lockstep built, ${peer} checks it and restores the kept snapshots`, () => {
      const restic = requirePeer(peer);
      const { work, repo, copies } = mixedRepository(restic);
      const [, second, third] = snapshotIds(repo);
      const result = lockstepOk(['forget', '--keep-last', '2', '--group-by', 'host', '--prune', '--max-unused', '0'], { repo, password: PASSWORD });
      expect(result.stdout).toContain('removed 1 snapshots');
      expect(result.stdout).toContain('1 snapshots have been removed, running prune');
      expect(snapshotIds(repo)).toEqual([second, third]);
      for (const bin of [restic, requirePeer('restic-0.18')]) runRestic(bin, repo, ['check', '--read-data'], { password: PASSWORD });
      for (const [id, copy] of [[second, copies[1]], [third, copies[2]]] as const) {
        const target = path.join(work, `forget-restore-${id.slice(0, 8)}`);
        runRestic(restic, repo, ['restore', id, '--target', target], { password: PASSWORD });
        expectSameTree(path.join(target, copy), copy);
      }
    });

    it(`after ${peer} forget --prune, lockstep check --read-data passes`, () => {
      const restic = requirePeer(peer);
      const { repo } = mixedRepository(restic);
      const [first] = snapshotIds(repo);
      runRestic(restic, repo, ['forget', '--prune', '--max-unused', '0', first], { password: PASSWORD });
      const result = lockstepOk(['check', '--read-data'], { repo, password: PASSWORD });
      expect(result.stdout).toContain('no errors were found');
    });
  });
}

/** Throws "simulated crash" at the n-th write or delete (0-based) of anything but lock files: kill -9 there. */
function crashAt(inner: Backend, n: number): { backend: FaultyBackend; writes: () => number } {
  const backend = new FaultyBackend(inner);
  let count = 0;
  backend.fault = (op, type) => {
    if ((op === 'save' || op === 'remove') && type !== 'locks') {
      if (count++ === n) throw new Error('simulated crash');
    }
  };
  return { backend, writes: () => count };
}

describeWithPeer('restic-0.18', 'prune under fire', () => {
  it('a crash at every single write or delete of a prune leaves a repository restic checks; a later prune finishes the job', async () => {
    const restic = requirePeer('restic-0.18');
    const { work, repo } = mixedRepository(restic);
    const [first] = snapshotIds(repo);
    runRestic(restic, repo, ['forget', first], { password: PASSWORD });
    const pristine = path.join(work, 'pristine');
    cpSync(repo, pristine, { recursive: true });
    // Count the writes and deletes of a full prune on a copy.
    const counting = crashAt(new LocalBackend(pristine + '-count'), -1);
    cpSync(pristine, pristine + '-count', { recursive: true });
    await prune(await Repository.open(counting.backend, PASSWORD), { maxUnused: { kind: 'bytes', value: 0 } });
    const total = counting.writes();
    expect(total).toBeGreaterThan(4);
    const kinds = new Set(counting.backend.calls.filter((c) => c.op !== 'load' && c.op !== 'list' && c.op !== 'stat').map((c) => `${c.op} ${c.type}`));
    expect([...kinds].sort()).toEqual(['remove data', 'remove index', 'save data', 'save index']);
    for (let n = 0; n < total; n++) {
      rmSync(repo, { recursive: true, force: true });
      cpSync(pristine, repo, { recursive: true });
      const crashing = crashAt(new LocalBackend(repo), n);
      await expect(prune(await Repository.open(crashing.backend, PASSWORD), { maxUnused: { kind: 'bytes', value: 0 } })).rejects.toThrow('simulated crash');
      runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
      const finish = JSON.parse(lockstepOk(['prune', '--max-unused', '0', '--json'], { repo, password: PASSWORD }).stdout);
      expect(finish.remaining_unused_size).toBe(0);
      runRestic(restic, repo, ['check'], { password: PASSWORD });
    }
  });

  // Each moment, and the kinds of call that must not happen after it: a lost lock stops the prune before its next
  // commit (index write) or delete.
  const later = { 'save data': ['save index', 'remove index', 'remove data'], 'save index': ['remove index', 'remove data'], 'remove index': ['remove data'] };
  for (const moment of ['save data', 'save index', 'remove index'] as const) {
    it(`a prune whose lock is removed (unlock --remove-all) just before its first "${moment}" stops there with lock-removed`, async () => {
      const restic = requirePeer('restic-0.18');
      const { repo } = mixedRepository(restic);
      const [first] = snapshotIds(repo);
      runRestic(restic, repo, ['forget', first], { password: PASSWORD });
      const backend = new FaultyBackend(new LocalBackend(repo));
      let removedLocks = false;
      backend.fault = (op, type) => {
        if (!removedLocks && `${op} ${type}` === moment) {
          removedLocks = true;
          runRestic(restic, repo, ['unlock', '--remove-all'], { password: PASSWORD });
        }
      };
      const repository = await Repository.open(backend, PASSWORD);
      const locked = await lockRepository(repository, { mode: 'exclusive', timing: lockTiming(200, 5000) });
      const callsBefore = backend.calls.length;
      try {
        await expect(prune(locked.repo, { maxUnused: { kind: 'bytes', value: 0 }, signal: locked.signal })).rejects.toMatchObject({ reason: 'lock-removed', exitCode: 11 });
      } finally {
        await locked.release();
      }
      expect(removedLocks).toBe(true);
      // The lock disappears during that call, after its lock check: the prune stops at its next write or delete,
      // so that call is the only one of its kind.
      const after = backend.calls.slice(callsBefore).map((c) => `${c.op} ${c.type}`);
      expect(after.filter((c) => c === moment)).toHaveLength(1);
      expect(after.filter((c) => later[moment].includes(c))).toEqual([]);
      runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
      lockstepOk(['prune', '--max-unused', '0'], { repo, password: PASSWORD });
      runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
    });
  }
});

describe('check finds damage', () => {
  const damaged = (damage: (repo: string) => string): { code: number; stderr: string; detail: string } => {
    const work = makeTempDir('damage');
    const repo = path.join(work, 'repo');
    const source = path.join(work, 'source');
    makeSourceTree(source, 3);
    lockstepOk(['init'], { repo, password: PASSWORD });
    lockstepOk(['backup', source], { repo, password: PASSWORD });
    expect(lockstep(['check', '--read-data'], { repo, password: PASSWORD }).code).toBe(0);
    const detail = damage(repo);
    const result = lockstep(['check', '--read-data'], { repo, password: PASSWORD });
    return { code: result.code, stderr: result.stderr, detail };
  };
  const dataPack = (repo: string): string => {
    const id = packFiles(repo)[0];
    return path.join(repo, 'data', id.slice(0, 2), id);
  };

  it('a deleted pack', () => {
    const r = damaged((repo) => {
      const file = dataPack(repo);
      unlinkSync(file);
      return path.basename(file);
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: pack ${r.detail}: listed in the index but does not exist`);
    expect(r.stderr).toMatch(new RegExp(`error: pack ${r.detail} is missing: \\d+ blobs? used by snapshots (is|are) lost`));
    expect(r.stderr).toMatch(/Fatal: repository contains errors \(\d+ found\)\n$/);
  });

  it('a truncated pack', () => {
    const r = damaged((repo) => {
      const file = dataPack(repo);
      chmodSync(file, 0o600);
      truncateSync(file, 100);
      return path.basename(file);
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: pack ${r.detail}: is 100 bytes, but the index implies`);
  });

  it('a flipped byte in a pack', () => {
    const r = damaged((repo) => {
      const file = dataPack(repo);
      chmodSync(file, 0o600);
      const bytes = readFileSync(file);
      bytes[40] ^= 1;
      writeFileSync(file, bytes);
      return path.basename(file);
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: pack ${r.detail}: its content does not match its name (hash mismatch)`);
  });

  it('a missing index', () => {
    const r = damaged((repo) => {
      for (const id of repoFiles(repo, 'index')) unlinkSync(path.join(repo, 'index', id));
      return '';
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: the repository has no index files');
    expect(r.stderr).toMatch(/error: tree [0-9a-f]{64} \(in snapshot [0-9a-f]{8}\) cannot be loaded: tree blob [0-9a-f]{64} is not in the index/);
  });
});

