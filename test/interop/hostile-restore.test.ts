// Restore of hostile trees: whatever a snapshot's trees hold (names that step out, the same name twice, a link and
// a folder of one name, links that point up, hard links) and whatever the target already holds, nothing outside the
// target changes. A sentinel folder beside the target (contents, modes, times, change times, links) is compared
// before and after each restore, which runs as a user runs it: the CLI, into a fresh target and two pre-filled ones.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../server/src/backend/local';
import { BlobWriter } from '../../server/src/repo/engine/packer';
import { Repository } from '../../server/src/repo/repository';
import { type CliResult, lockstep } from '../helpers/cli';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'hostile trees';
const TIME = '2001-02-03T04:05:06Z';

/** An entry of a hostile tree; `name` may be anything a tree can hold. */
type Spec =
  | { name: string; file: string; perm?: number; hardLink?: number }
  | { name: string; dir: Spec[]; perm?: number }
  | { name: string; symlink: string };

const GO_DIR = 0x80000000;
const GO_SYMLINK = 0x08000000;

function nodeJson(spec: Spec, extra: string): string {
  const common = `"name":${JSON.stringify(spec.name)},"mtime":"${TIME}","atime":"${TIME}","ctime":"${TIME}","uid":0,"gid":0`;
  if ('file' in spec) {
    const link = spec.hardLink !== undefined ? `,"inode":${spec.hardLink},"device_id":77,"links":2` : '';
    return `{${common},"type":"file","mode":${spec.perm ?? 0o666},"size":${Buffer.byteLength(spec.file)}${link},${extra}}`;
  }
  if ('dir' in spec) return `{${common},"type":"dir","mode":${GO_DIR + (spec.perm ?? 0o777)},${extra}}`;
  return `{${common},"type":"symlink","mode":${GO_SYMLINK + 0o777},"linktarget":${JSON.stringify(spec.symlink)}}`;
}

async function saveTree(writer: BlobWriter, specs: Spec[]): Promise<string> {
  const nodes: string[] = [];
  for (const spec of specs) {
    if ('file' in spec) nodes.push(nodeJson(spec, `"content":["${(await writer.save('data', Buffer.from(spec.file))).id}"]`));
    else if ('dir' in spec) nodes.push(nodeJson(spec, `"subtree":"${await saveTree(writer, spec.dir)}"`));
    else nodes.push(nodeJson(spec, ''));
  }
  return (await writer.save('tree', Buffer.from(`{"nodes":[${nodes.join(',')}]}\n`))).id;
}

/** A repository whose one snapshot holds `specs` at its top. */
async function hostileRepo(dir: string, specs: Spec[]): Promise<void> {
  const repo = await Repository.init(new LocalBackend(dir), PASSWORD, { kdf: { N: 1024, r: 8, p: 1 } });
  const writer = new BlobWriter(repo, { compress: true, threads: 0 });
  const tree = await saveTree(writer, specs);
  await writer.commitIndex();
  await writer.close();
  await repo.saveSnapshot({ time: TIME, tree, paths: ['/hostile'] });
  await repo.close();
}

/** A sentinel folder: a file the trees name too, one they do not, a folder; old times, mode 0700. */
function makeSentinel(outside: string): void {
  mkdirSync(path.join(outside, 'sub'), { recursive: true, mode: 0o700 });
  writeFileSync(path.join(outside, 'f'), 'outside f\n', { mode: 0o600 });
  writeFileSync(path.join(outside, 'victim'), 'must stay\n', { mode: 0o600 });
  writeFileSync(path.join(outside, 'sub', 'g'), 'outside g\n', { mode: 0o600 });
  for (const p of ['sub/g', 'f', 'victim', 'sub', '.']) utimesSync(path.join(outside, p), 1_000_000_000, 1_000_000_000);
}

/** Everything about a folder's entries that a restore could change, atime aside (reading contents changes it). */
function describeOutside(dir: string): Record<string, string> {
  const seen: Record<string, string> = {};
  const visit = (rel: string): void => {
    const full = path.join(dir, rel);
    const st = lstatSync(full, { bigint: true });
    const kind = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? `link to ${readlinkSync(full)}` : st.isFile() ? `file ${createHash('sha256').update(readFileSync(full)).digest('hex')}` : 'other';
    seen[rel] = `${kind} mode ${st.mode.toString(8)} links ${st.nlink} mtime ${st.mtimeNs} ctime ${st.ctimeNs} owner ${st.uid}:${st.gid}`;
    if (st.isDirectory()) for (const name of readdirSync(full).sort()) visit(path.join(rel, name));
  };
  visit('.');
  return seen;
}

/** The target already holds every folder of the tree (with a file in it) and, where the tree has a file, a link out. */
function prefillFolders(target: string, specs: Spec[], outside: string): void {
  for (const spec of specs) {
    if (spec.name.includes('/') || spec.name.includes('\0') || spec.name === '..' || spec.name === '.') continue;
    const at = path.join(target, spec.name);
    try {
      if ('dir' in spec) {
        mkdirSync(at, { recursive: true });
        writeFileSync(path.join(at, 'old'), 'old\n');
        prefillFolders(at, spec.dir, outside);
      } else if ('file' in spec) symlinkSync(path.join(outside, 'victim'), at);
    } catch {
      // The same name twice in the tree: the first one planted stays.
    }
  }
}

/** The target holds, at each of the tree's top names, a link to the sentinel folder. */
function prefillLinks(target: string, specs: Spec[], outside: string): void {
  for (const spec of specs) {
    if (spec.name.includes('/') || spec.name.includes('\0') || spec.name === '..' || spec.name === '.') continue;
    try {
      symlinkSync(outside, path.join(target, spec.name));
    } catch {
      // named twice
    }
  }
}

interface Case {
  title: string;
  tree: (outside: string) => Spec[];
  /** A refused tree fails the restore (exit 1) with this error; otherwise the restore completes, maybe with warnings naming entries. */
  refused?: RegExp;
  /** Warnings every restore of it must show, on stderr. */
  warns?: RegExp;
  /** What every target holds afterwards. */
  restored?: (target: string) => void;
}

const mode = (at: string): number => lstatSync(at).mode & 0o7777;

const folderWithFiles = (name: string): Spec => ({
  name,
  perm: 0o777,
  dir: [
    { name: 'f', file: 'tree f\n', perm: 0o666 },
    { name: 'new', file: 'tree new\n', perm: 0o666 },
    { name: 'sub', perm: 0o777, dir: [{ name: 'g', file: 'tree g\n' }] },
  ],
});

const cases: Case[] = [
  { title: 'a name ".."', tree: () => [{ name: '..', dir: [{ name: 'x', file: 'x' }] }], refused: /invalid file name "\.\."/ },
  { title: 'an absolute name', tree: (outside) => [{ name: path.join(outside, 'victim'), file: 'pwned\n' }], refused: /invalid file name ".*victim"/ },
  { title: 'a name with "/" that steps up', tree: () => [{ name: 'a/../../outside/victim', file: 'pwned\n' }], refused: /invalid file name/ },
  { title: 'a name with a NUL', tree: () => [{ name: 'victim\0', file: 'pwned\n' }], refused: /invalid file name/ },
  {
    title: 'a link to outside, then a folder of the same name',
    tree: (outside) => [{ name: 'link', symlink: outside }, folderWithFiles('link')],
    warns: /link: .*(twice|same name)/,
    restored: (target) => expect(readlinkSync(path.join(target, 'link'))).toBe(path.join(target, '..', 'outside')),
  },
  {
    title: 'a folder, then a link to outside of the same name',
    tree: (outside) => [folderWithFiles('link'), { name: 'link', symlink: outside }],
    warns: /link: .*(twice|same name)/,
    restored: (target) => {
      expect(readFileSync(path.join(target, 'link', 'f'), 'utf8')).toBe('tree f\n');
      expect([mode(path.join(target, 'link')), mode(path.join(target, 'link', 'f')), mode(path.join(target, 'link', 'sub'))]).toEqual([0o777, 0o666, 0o777]);
      expect(lstatSync(path.join(target, 'link')).mtime.toISOString()).toBe('2001-02-03T04:05:06.000Z');
    },
  },
  {
    title: 'a nested link pointing up, and a folder of its name',
    tree: () => [{ name: 'd', dir: [{ name: 'up', symlink: '../../outside' }, folderWithFiles('up')] }],
    warns: /d\/up: .*(twice|same name)/,
  },
  {
    title: 'links pointing up and out, with files beside them',
    tree: (outside) => [
      { name: 'up', symlink: '../outside' },
      { name: 'abs', symlink: outside },
      { name: 'd', dir: [{ name: 'up2', symlink: '../../outside/victim' }, { name: 'victim', file: 'inside\n' }] },
    ],
    restored: (target) => {
      expect(readlinkSync(path.join(target, 'd', 'up2'))).toBe('../../outside/victim');
      expect(readFileSync(path.join(target, 'd', 'victim'), 'utf8')).toBe('inside\n');
    },
  },
  {
    title: 'the same file name twice, and the same folder name twice with a link inside the second',
    tree: (outside) => [
      { name: 'dup', file: 'first\n' },
      { name: 'dup', file: 'second\n' },
      { name: 'dd', dir: [{ name: 'x', dir: [{ name: 'f', file: 'inner\n', hardLink: 5 }] }] },
      { name: 'dd', dir: [{ name: 'x', symlink: outside }] },
      { name: 'z', file: 'inner\n', hardLink: 5 },
    ],
    warns: /dup: .*(twice|same name)/,
    restored: (target) => {
      expect(readFileSync(path.join(target, 'dup'), 'utf8')).toBe('first\n');
      expect(lstatSync(path.join(target, 'z')).ino).toBe(lstatSync(path.join(target, 'dd', 'x', 'f')).ino);
    },
  },
  {
    title: 'hard links whose first file lies in a folder a link of the same name replaces',
    tree: (outside) => [
      { name: 'a', file: 'one\n', hardLink: 9 },
      { name: 'link', symlink: outside },
      { name: 'link', dir: [{ name: 'f', file: 'two\n', hardLink: 11, perm: 0o666 }, { name: 'victim', file: 'pwned\n', hardLink: 9 }] },
      { name: 'z', file: 'two\n', hardLink: 11, perm: 0o666 },
    ],
    warns: /link: .*(twice|same name)/,
  },
];

describe('restore of hostile trees changes nothing outside the target', () => {
  for (const c of cases) {
    it(c.title, async () => {
      const work = makeTempDir('hostile');
      const outside = path.join(work, 'outside');
      makeSentinel(outside);
      const repo = path.join(work, 'repo');
      const specs = c.tree(outside);
      await hostileRepo(repo, specs);
      const siblings = readdirSync(work).sort();
      const targets: [string, (target: string) => void][] = [
        ['fresh', () => undefined],
        ['folders', (target) => prefillFolders(target, specs, outside)],
        ['links', (target) => prefillLinks(target, specs, outside)],
      ];
      const changedOutside: string[] = [];
      const results: [string, CliResult][] = [];
      // A refused tree is refused before anything is written: two targets show it.
      for (const [kind, prefill] of c.refused ? targets.slice(0, 2) : targets) {
        const target = path.join(work, `target-${kind}`);
        mkdirSync(target);
        prefill(target);
        const before = describeOutside(outside);
        const result = lockstep(['restore', 'latest', '--target', target], { repo, password: PASSWORD });
        const after = describeOutside(outside);
        const changed = Object.keys({ ...before, ...after }).filter((at) => before[at] !== after[at]);
        if (changed.length > 0) changedOutside.push(`${kind} target changed ${changed.map((at) => `${at}: ${before[at]} -> ${after[at]}`).join('; ')}`);
        results.push([kind, result]);
        c.restored?.(target);
      }
      expect(changedOutside).toEqual([]);
      for (const [kind, result] of results) {
        const shown = `${kind} target: exit ${result.code}\n${result.stderr}`;
        if (c.refused) {
          expect(result.code, shown).toBe(1);
          expect(result.stderr, shown).toMatch(c.refused);
        } else {
          expect([0, 1], shown).toContain(result.code);
          if (c.warns) expect(result.stderr, shown).toMatch(c.warns);
          expect(result.stderr, shown).not.toMatch(/\n\s+at /);
        }
      }
      expect(readdirSync(work).filter((name) => !name.startsWith('target-')).sort(), 'nothing new beside the target').toEqual(siblings);
    });
  }
});
