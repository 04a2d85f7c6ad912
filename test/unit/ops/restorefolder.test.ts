// The folders a restore writes into: opened without following links, and their entries reached through the folder
// that was opened, not through its path (which someone, or the tree, may have pointed elsewhere since).
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RestoredFolder } from '../../../server/src/ops/restorefolder';
import type { TreeNode } from '../../../server/src/repo/format/tree';
import { cleanupTempDirs, makeTempDir } from '../../helpers/tmp';

afterAll(cleanupTempDirs);

const TIME = '2001-02-03T04:05:06Z';
const dirNode = (name: string): TreeNode => ({ name: Buffer.from(name), type: 'dir', mtime: TIME, atime: TIME, ctime: TIME, uid: 0, gid: 0, content: null });

function setUp(): { target: string; outside: string; root: RestoredFolder } {
  const work = makeTempDir('restorefolder');
  const target = path.join(work, 'target');
  const outside = path.join(work, 'outside');
  mkdirSync(target);
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'x'), 'outside\n');
  return { target, outside, root: RestoredFolder.openTarget(target, false) };
}

describe('folders a restore writes into', () => {
  it('replaces a link or a file where a folder goes, never following the link', () => {
    const { target, outside, root } = setUp();
    symlinkSync(outside, path.join(target, 'a'));
    writeFileSync(path.join(target, 'b'), 'was a file\n');
    const a = root.openChild(Buffer.from('a'), dirNode('a'));
    const b = root.openChild(Buffer.from('b'), dirNode('b'));
    writeFileSync(a.entry(Buffer.from('x')), 'inside\n', { flag: 'wx' });
    expect(lstatSync(path.join(target, 'a')).isDirectory()).toBe(true);
    expect(lstatSync(path.join(target, 'b')).isDirectory()).toBe(true);
    expect(readFileSync(path.join(target, 'a', 'x'), 'utf8')).toBe('inside\n');
    expect(readdirSync(outside)).toEqual(['x']);
    expect(readFileSync(path.join(outside, 'x'), 'utf8')).toBe('outside\n');
    expect([a.fresh, b.fresh, a.path.toString()]).toEqual([true, true, path.join(target, 'a')]);
    for (const folder of [a, b, root]) folder.close();
  });

  it('keeps an existing folder and what it holds (not fresh)', () => {
    const { target, root } = setUp();
    mkdirSync(path.join(target, 'kept'));
    writeFileSync(path.join(target, 'kept', 'old'), 'old\n');
    const kept = root.openChild(Buffer.from('kept'), dirNode('kept'));
    expect(kept.fresh).toBe(false);
    expect(readFileSync(path.join(target, 'kept', 'old'), 'utf8')).toBe('old\n');
    kept.close();
    root.close();
  });

  it.runIf(process.platform === 'linux')('writes into the folder it opened after a link to outside took its path', () => {
    const { target, outside, root } = setUp();
    const d = root.openChild(Buffer.from('d'), dirNode('d'));
    renameSync(path.join(target, 'd'), path.join(target, 'd-moved'));
    symlinkSync(outside, path.join(target, 'd'));
    writeFileSync(d.entry(Buffer.from('new')), 'through the descriptor\n', { flag: 'wx' });
    expect(readFileSync(path.join(target, 'd-moved', 'new'), 'utf8')).toBe('through the descriptor\n');
    expect(existsSync(path.join(outside, 'new'))).toBe(false);
    expect(d.shown(Buffer.from('new')).toString()).toBe(path.join(target, 'd', 'new'));
    d.close();
    root.close();
  });

  it('counts its uses: complete once its walk, its entries and its subfolders are done', () => {
    const { root } = setUp();
    const sub = root.openChild(Buffer.from('s'), dirNode('s'));
    root.retain(); // an entry being written
    expect(sub.release()).toBe(true); // the subfolder's walk: it is complete
    expect(root.release()).toBe(false); // the root's walk
    expect(root.release()).toBe(false); // the subfolder's use, given up once it is complete
    expect(root.release()).toBe(true); // the entry
    sub.close();
    root.close();
  });
});
