// Restore as a user sees it: many small files in many folders (written by the worker threads), hard links,
// and a target that already holds something, including a link that leads out of it.
import { existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockstepOk } from '../helpers/cli';
import { expectSameTree, makeSourceTree, randomFile } from '../helpers/fstree';
import { requirePeer, runRestic } from '../helpers/peers';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'restore test';

describe('restore', () => {
  it('writes many small files in many folders identically (contents, modes, times), folders included', () => {
    const work = makeTempDir('restore-many');
    const source = path.join(work, 'source');
    for (let d = 0; d < 12; d++) {
      const dir = path.join(source, `d${d}`, `e${d % 3}`);
      mkdirSync(dir, { recursive: true });
      for (let f = 0; f < 25; f++) {
        if (f % 4 === 0) randomFile(path.join(dir, `r${f}`), 100 + f * 997);
        else writeFileSync(path.join(dir, `t${f}.txt`), `folder ${d} file ${f}\n`.repeat(f * 13 + 1), { mode: f % 2 ? 0o640 : 0o600 });
      }
    }
    makeSourceTree(path.join(source, 'mixed'));
    const repo = path.join(work, 'repo');
    lockstepOk(['init'], { repo, password: PASSWORD });
    lockstepOk(['backup', source], { repo, password: PASSWORD });
    const target = path.join(work, 'restored');
    lockstepOk(['restore', 'latest', '--target', target], { repo, password: PASSWORD });
    expectSameTree(path.join(target, source), source);
  });

  it('writes files that share their content (each blob opened once), more of them than the restoring thread keeps, and counts every byte', () => {
    const work = makeTempDir('restore-shared');
    const source = path.join(work, 'source');
    const contents = Array.from({ length: 6 }, (_, i) => Buffer.from(`shared content ${i}\n`.repeat(4000 + i)));
    // 9 MB of distinct blobs, more than the 8 MiB a thread keeps decoded, so some are given up and sent again.
    const big = Array.from({ length: 30 }, (_, i) => Buffer.alloc(300_000, `${i}`));
    let bytes = 0;
    for (let d = 0; d < 20; d++) {
      mkdirSync(path.join(source, `d${d}`), { recursive: true });
      for (let f = 0; f < contents.length; f++) {
        writeFileSync(path.join(source, `d${d}`, `copy${f}`), contents[(f + d) % contents.length]);
        bytes += contents[(f + d) % contents.length].length;
      }
      for (let b = 0; b < 3; b++) {
        const data = big[(d * 3 + b) % big.length];
        writeFileSync(path.join(source, `d${d}`, `big${b}`), data);
        bytes += data.length;
      }
    }
    const repo = path.join(work, 'repo');
    lockstepOk(['init'], { repo, password: PASSWORD });
    lockstepOk(['backup', source], { repo, password: PASSWORD });
    const target = path.join(work, 'restored');
    const summary = JSON.parse(lockstepOk(['--json', 'restore', 'latest', '--target', target], { repo, password: PASSWORD }).stdout.trim().split('\n').at(-1) ?? '{}');
    // As restic 0.18 counts: every file and folder written, the folders of the backed-up path included.
    expect(summary.files_restored).toBe(20 * 9 + 20 + source.split('/').filter(Boolean).length);
    expect(summary.bytes_restored).toBe(bytes);
    expectSameTree(path.join(target, source), source);
  });

  it('restores hard links as links to one file, small and large', () => {
    const work = makeTempDir('restore-links');
    const source = path.join(work, 'source');
    mkdirSync(path.join(source, 'a'), { recursive: true });
    mkdirSync(path.join(source, 'b'));
    writeFileSync(path.join(source, 'a', 'small'), 'one file, three names\n');
    linkSync(path.join(source, 'a', 'small'), path.join(source, 'a', 'small-again'));
    linkSync(path.join(source, 'a', 'small'), path.join(source, 'b', 'small-elsewhere'));
    randomFile(path.join(source, 'a', 'large'), 3 * 1024 * 1024);
    linkSync(path.join(source, 'a', 'large'), path.join(source, 'b', 'large-again'));
    const repo = path.join(work, 'repo');
    lockstepOk(['init'], { repo, password: PASSWORD });
    lockstepOk(['backup', source], { repo, password: PASSWORD });
    const target = path.join(work, 'restored');
    lockstepOk(['restore', 'latest', '--target', target], { repo, password: PASSWORD });
    const at = (...parts: string[]): string => path.join(target, source, ...parts);
    expect(statSync(at('a', 'small')).ino).toBe(statSync(at('a', 'small-again')).ino);
    expect(statSync(at('a', 'small')).ino).toBe(statSync(at('b', 'small-elsewhere')).ino);
    expect(statSync(at('a', 'small')).nlink).toBe(3);
    expect(statSync(at('a', 'large')).ino).toBe(statSync(at('b', 'large-again')).ino);
    expect(readFileSync(at('b', 'large-again')).equals(readFileSync(path.join(source, 'a', 'large')))).toBe(true);
    expect(readFileSync(at('b', 'small-elsewhere'), 'utf8')).toBe('one file, three names\n');
  });

  it('restores over an existing tree: replaces what is there and never follows a planted link out of the target', () => {
    const work = makeTempDir('restore-over');
    const source = path.join(work, 'source');
    makeSourceTree(source);
    const repo = path.join(work, 'repo');
    lockstepOk(['init'], { repo, password: PASSWORD });
    lockstepOk(['backup', source], { repo, password: PASSWORD });
    const target = path.join(work, 'restored');
    lockstepOk(['restore', 'latest', '--target', target], { repo, password: PASSWORD });
    // Someone plants links where files and a folder will be written, and changes a file.
    const outside = path.join(work, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'victim'), 'must stay');
    const restoredSmall = path.join(target, source, 'small.txt');
    writeFileSync(restoredSmall, 'changed');
    const restoredSub = path.join(target, source, 'sub');
    const someFile = readdirSync(restoredSub).find((name) => lstatSync(path.join(restoredSub, name)).isFile());
    if (!someFile) throw new Error('the source tree has no file in sub/');
    rmSync(path.join(restoredSub, someFile));
    symlinkSync(path.join(outside, 'victim'), path.join(restoredSub, someFile));
    lockstepOk(['restore', 'latest', '--target', target], { repo, password: PASSWORD });
    expect(readFileSync(path.join(outside, 'victim'), 'utf8')).toBe('must stay');
    expect(lstatSync(path.join(restoredSub, someFile)).isFile()).toBe(true);
    expectSameTree(path.join(target, source), source);
    // restic agrees the repository is fine, and restores the same thing.
    const restic = requirePeer('restic-0.14');
    runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
    expect(existsSync(restoredSmall)).toBe(true);
  });
});
