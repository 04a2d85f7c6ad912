import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RestoredFileWriter } from '../../../server/src/repo/filewriter';
import { DecodedBlobs } from '../../../server/src/repo/restorefile';

describe('blobs a restore keeps decoded', () => {
  it('keeps 4 MiB of blobs, the least recently used given up first, and never one larger than that', () => {
    const kept = new DecodedBlobs();
    const id = (n: number): string => n.toString(16).padStart(64, '0');
    for (let n = 0; n < 10; n++) {
      kept.keep(id(n), Buffer.alloc(512 << 10, n));
      kept.get(id(0)); // used again and again: it stays
    }
    expect([...Array(10).keys()].filter((n) => kept.get(id(n)) !== undefined)).toEqual([0, 3, 4, 5, 6, 7, 8, 9]);
    kept.keep(id(99), Buffer.alloc(5 << 20));
    expect(kept.get(id(99))).toBeUndefined();
    expect(kept.get(id(9))?.[0]).toBe(9);
  });
});

describe('restored small files written in batches', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lockstep-filewriter-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const meta = { atime: 1_600_000_000.25, mtime: 1_600_000_000.5, perm: 0o640 };

  it('writes every file with its data and metadata, and fails one that cannot be written alone', async () => {
    // From source there is no writer thread's bundle: everything is written on this thread, by the same code.
    const writer = new RestoredFileWriter();
    const files = Array.from({ length: 40 }, (_, i) => ({ path: path.join(dir, `f${i}`), data: Buffer.from(`file ${i}\n`.repeat(i + 1)) }));
    const blocked = path.join(dir, 'missing-folder', 'f');
    const results = await Promise.allSettled([...files.map((f) => writer.write(Buffer.from(f.path), f.data, meta, false)), writer.write(Buffer.from(blocked), Buffer.from('x'), meta, false)]);
    await writer.close();
    expect(results.slice(0, 40).every((r) => r.status === 'fulfilled')).toBe(true);
    expect(results[40]).toMatchObject({ status: 'rejected', reason: { code: 'ENOENT' } });
    for (const f of files) {
      expect(readFileSync(f.path).equals(f.data)).toBe(true);
      const st = statSync(f.path);
      expect(st.mode & 0o777).toBe(0o640);
      expect(st.mtimeMs).toBe(1_600_000_000_500);
    }
  });

  it('writes batches on the bundled writer thread too: its failures reach the file they belong to, and replace removes what was there', async () => {
    const script = path.resolve(__dirname, '../../../dist/writer.js');
    if (!existsSync(script)) throw new Error(`${script} is missing: run "node esbuild.mjs" first`);
    const writer = new RestoredFileWriter(script);
    const base = path.join(dir, 'threaded');
    mkdirSync(path.join(base, 'old-folder', 'inside'), { recursive: true });
    writeFileSync(path.join(base, 'old-file'), 'stale');
    const files = Array.from({ length: 100 }, (_, i) => ({ path: path.join(base, `f${i}`), data: Buffer.alloc(3000 + i, i), replace: false }));
    files[5] = { path: path.join(base, 'missing-folder', 'f'), data: Buffer.from('x'), replace: false };
    files[6] = { path: path.join(base, 'old-file'), data: Buffer.from('fresh'), replace: true };
    files[7] = { path: path.join(base, 'old-folder'), data: Buffer.from('was a folder'), replace: true };
    const results = await Promise.allSettled(files.map((f) => writer.write(Buffer.from(f.path), f.data, meta, f.replace)));
    await writer.close();
    expect(results[5]).toMatchObject({ status: 'rejected', reason: { code: 'ENOENT', syscall: 'open' } });
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    for (const [i, f] of files.entries()) {
      if (i === 5) continue;
      expect(readFileSync(f.path).equals(f.data)).toBe(true);
      expect(statSync(f.path).mtimeMs).toBe(1_600_000_000_500);
    }
  });
});
