import { expect } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, utimesSync, writeFileSync, lutimesSync } from 'node:fs';
import * as path from 'node:path';

/** A source tree with the things a backup must keep: sizes that chunk, empty files, links, odd names, modes, mtimes. */
export function makeSourceTree(root: string, seed = 1): void {
  mkdirSync(root, { recursive: true });
  const rnd = (n: number): Buffer => {
    const out = Buffer.alloc(n);
    let x = seed * 2654435761;
    for (let i = 0; i < n; i += 4) {
      x = (x ^ (x << 13)) >>> 0;
      x = (x ^ (x >>> 17)) >>> 0;
      x = (x ^ (x << 5)) >>> 0;
      out.writeUInt32LE(x, Math.min(i, n - 4));
    }
    return out;
  };
  writeFileSync(path.join(root, 'small.txt'), 'hello lockstep\n');
  writeFileSync(path.join(root, 'empty'), '');
  writeFileSync(path.join(root, 'big.bin'), rnd(3 * 1024 * 1024 + 12345));
  writeFileSync(path.join(root, 'medium.bin'), rnd(100 * 1024 + 7));
  writeFileSync(path.join(root, 'text.log'), 'line of text that compresses well\n'.repeat(20000));
  writeFileSync(path.join(root, 'we"ird<&>name'), 'odd name\n');
  writeFileSync(path.join(root, 'ünïcødé ✓.txt'), 'unicode\n');
  mkdirSync(path.join(root, 'sub', 'deeper'), { recursive: true });
  writeFileSync(path.join(root, 'sub', 'script.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(path.join(root, 'sub', 'script.sh'), 0o755);
  writeFileSync(path.join(root, 'sub', 'private'), 'secret\n');
  chmodSync(path.join(root, 'sub', 'private'), 0o600);
  writeFileSync(path.join(root, 'sub', 'deeper', 'copy.bin'), rnd(700 * 1024));
  symlinkSync('../small.txt', path.join(root, 'sub', 'link-to-small'));
  symlinkSync('/nonexistent/target', path.join(root, 'dangling'));
  const t = new Date('2021-03-04T05:06:07.123Z');
  for (const p of ['small.txt', 'empty', 'big.bin', 'sub/script.sh', 'sub/deeper/copy.bin']) utimesSync(path.join(root, p), t, t);
  lutimesSync(path.join(root, 'dangling'), t, t);
  utimesSync(path.join(root, 'sub', 'deeper'), t, t);
}

export interface Entry {
  type: string;
  mode: number;
  mtimeUs: bigint;
  sha?: string;
  link?: string;
}

/** Everything a restore must reproduce, keyed by relative path. */
export function describeTree(root: string): Record<string, Entry> {
  const out: Record<string, Entry> = {};
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const key = rel ? `${rel}/${name}` : name;
      const st = lstatSync(full, { bigint: true });
      const entry: Entry = { type: st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'file', mode: Number(st.mode & 0o7777n), mtimeUs: st.mtimeNs / 1000n };
      if (st.isSymbolicLink()) {
        entry.link = readlinkSync(full);
        entry.mode = 0;
      } else if (st.isFile()) entry.sha = createHash('sha256').update(readFileSync(full)).digest('hex');
      if (st.isDirectory()) walk(full, key);
      out[key] = entry;
    }
  };
  walk(root, '');
  return out;
}

export function randomFile(file: string, size: number): void {
  writeFileSync(file, randomBytes(size));
}

/**
 * Same entries, contents, modes and link targets; mtimes equal to the microsecond, give or take one
 * (Node's utimes takes seconds as a double, which cannot carry every nanosecond).
 */
export function expectSameTree(actualRoot: string, expectedRoot: string): void {
  const actual = describeTree(actualRoot);
  const expected = describeTree(expectedRoot);
  const strip = (t: Record<string, Entry>) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, { ...v, mtimeUs: 0n }]));
  expect(strip(actual)).toEqual(strip(expected));
  for (const [key, entry] of Object.entries(expected)) {
    const diff = actual[key].mtimeUs - entry.mtimeUs;
    if (diff > 1n || diff < -1n) expect({ [key]: actual[key].mtimeUs }).toEqual({ [key]: entry.mtimeUs });
  }
}

/** `folders` folders d0, d1, … under `root`, each with `filesPerFolder` small files f0, f1, … of `content(d, f)`. */
export function makeFolderOfSmallFiles(root: string, folders: number, filesPerFolder: number, content: (d: number, f: number) => string): void {
  for (let d = 0; d < folders; d++) {
    mkdirSync(path.join(root, `d${d}`), { recursive: true });
    for (let f = 0; f < filesPerFolder; f++) writeFileSync(path.join(root, `d${d}`, `f${f}`), content(d, f));
  }
}
