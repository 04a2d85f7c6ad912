// Interop against the real restic binaries (Debian's 0.14 and trixie's 0.18), both repository versions.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockstep, lockstepOk } from '../helpers/cli';
import { expectSameTree, makeSourceTree } from '../helpers/fstree';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'correct horse battery staple';

function packCount(repo: string): number {
  return readdirSync(path.join(repo, 'data')).reduce((n, d) => n + readdirSync(path.join(repo, 'data', d)).length, 0);
}

for (const peer of ['restic-0.14', 'restic-0.18'] as const) {
  for (const version of [1, 2] as const) {
    describeWithPeer(peer, `${peer}, repository version ${version}`, () => {
      it('restic checks and restores what Lockstep writes, identically', () => {
        const restic = requirePeer(peer);
        const work = makeTempDir('rt');
        const source = path.join(work, 'source');
        const repo = path.join(work, 'repo');
        makeSourceTree(source);
        lockstepOk(['init', '--repository-version', String(version)], { repo, password: PASSWORD });
        const first = JSON.parse(lockstepOk(['backup', '--json', source], { repo, password: PASSWORD }).stdout.trim().split('\n').at(-1)!);
        expect(first.message_type).toBe('summary');
        expect(first.files_new).toBe(10);

        runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
        const listed = JSON.parse(runRestic(restic, repo, ['snapshots', '--json'], { password: PASSWORD }).stdout);
        expect(listed.map((s: { id: string }) => s.id)).toEqual([first.snapshot_id]);
        expect(listed[0].paths).toEqual([source]);

        const target = path.join(work, 'restored');
        runRestic(restic, repo, ['restore', 'latest', '--target', target], { password: PASSWORD });
        expectSameTree(path.join(target, source), source);

        // An unchanged second backup reuses the parent: no data is read or stored again (at most one
        // pack of tree blobs, since reading the files the first time moved their atimes).
        const packsBefore = packCount(repo);
        const second = JSON.parse(lockstepOk(['backup', '--json', source], { repo, password: PASSWORD }).stdout.trim().split('\n').at(-1)!);
        expect(second.files_unmodified).toBe(10);
        expect(second.data_blobs).toBe(0);
        expect(packCount(repo) - packsBefore).toBeLessThanOrEqual(1);
        runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
      });

      it('Lockstep lists, restores and deduplicates against what restic writes', () => {
        const restic = requirePeer(peer);
        const work = makeTempDir('rt');
        const source = path.join(work, 'source');
        const repo = path.join(work, 'repo');
        makeSourceTree(source, 7);
        runRestic(restic, repo, ['init', '--repository-version', String(version)], { password: PASSWORD });
        runRestic(restic, repo, ['backup', source, '--tag', 'from-restic'], { password: PASSWORD });
        const resticSnapshots = JSON.parse(runRestic(restic, repo, ['snapshots', '--json'], { password: PASSWORD }).stdout);

        const ours = JSON.parse(lockstepOk(['snapshots', '--json'], { repo, password: PASSWORD }).stdout);
        expect(ours.map((s: { id: string }) => s.id)).toEqual(resticSnapshots.map((s: { id: string }) => s.id));
        expect(ours[0].tags).toEqual(['from-restic']);

        const target = path.join(work, 'restored');
        lockstepOk(['restore', 'latest', '--target', target], { repo, password: PASSWORD });
        expectSameTree(path.join(target, source), source);

        // Reading every file again (--force) finds every chunk already stored by restic.
        const packsBefore = packCount(repo);
        const summary = JSON.parse(lockstepOk(['backup', '--json', '--force', source], { repo, password: PASSWORD }).stdout.trim().split('\n').at(-1)!);
        expect(summary.data_blobs).toBe(0);
        expect(summary.files_new + summary.files_changed).toBe(10);
        expect(packCount(repo) - packsBefore).toBeLessThanOrEqual(1); // at most one pack of tree blobs (atimes moved)
        runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
        const after = lockstep(['snapshots', '--json'], { repo, password: PASSWORD });
        expect(JSON.parse(after.stdout)).toHaveLength(2);
      });

      it('stdin backups round-trip through restic', () => {
        const restic = requirePeer(peer);
        const work = makeTempDir('rt');
        const repo = path.join(work, 'repo');
        lockstepOk(['init', '--repository-version', String(version)], { repo, password: PASSWORD });
        const input = Buffer.alloc(2 * 1024 * 1024 + 17, 'stdin data ');
        lockstepOk(['backup', '--stdin', '--stdin-filename', 'dump.sql', '--tag', 'db', '--host', 'dbhost'], { repo, password: PASSWORD, input });
        runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
        const dumped = runRestic(restic, repo, ['dump', 'latest', '/dump.sql'], { password: PASSWORD, binaryStdout: true });
        expect(Buffer.compare(dumped.stdoutBuffer!, input)).toBe(0);
        const snaps = JSON.parse(runRestic(restic, repo, ['snapshots', '--json'], { password: PASSWORD }).stdout);
        expect(snaps[0].hostname).toBe('dbhost');
        expect(snaps[0].tags).toEqual(['db']);
      });
    });
  }
}
