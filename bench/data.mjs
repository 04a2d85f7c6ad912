// The bench's data, generated once into bench/data/ (kept between runs): a large random file and trees of small
// files, a third random (incompressible), the rest text of a few words (compressible), 14 files a folder.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';

const words = ['lock', 'step', 'restic', 'backup', 'pack', 'index', 'tree', 'blob', 'snapshot', 'prune', 'chunk', 'key'];

/** One random file of `bytes` bytes, in a folder of its own; returns the folder. */
export function bigFile(dataDir, bytes) {
  const big = path.join(dataDir, 'big', 'random.bin');
  if (!existsSync(big)) {
    mkdirSync(path.dirname(big), { recursive: true });
    const fd = openSync(big, 'w');
    for (let done = 0; done < bytes; done += 16 << 20) writeSync(fd, randomBytes(Math.min(16 << 20, bytes - done)));
    closeSync(fd);
  }
  return path.dirname(big);
}

/**
 * A tree of `count` small files of 1 KiB plus up to `spreadKiB` KiB (most near the small end), 14 to a folder,
 * in `name` under dataDir; the same seed gives the same names and sizes. Returns its path.
 */
export function smallTree(dataDir, name, count, spreadKiB) {
  const small = path.join(dataDir, name);
  if (existsSync(path.join(small, '.complete'))) return small;
  rmSync(small, { recursive: true, force: true });
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const folders = Math.max(1, Math.round(count / 100));
  for (let i = 0; i < count; i++) {
    const dir = path.join(small, `d${i % folders}`, `e${i % 7}`);
    mkdirSync(dir, { recursive: true });
    const size = Math.floor(1024 + rnd() * rnd() * spreadKiB * 1024);
    const file = path.join(dir, `f${i}.txt`);
    if (i % 3 === 0) writeFileSync(file, randomBytes(size));
    else {
      let text = '';
      while (text.length < size) text += words[Math.floor(rnd() * words.length)] + (rnd() < 0.1 ? '\n' : ' ');
      writeFileSync(file, text.slice(0, size));
    }
  }
  writeFileSync(path.join(small, '.complete'), '');
  return small;
}
