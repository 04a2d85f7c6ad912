import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobSlots, SLOT_BYTES } from '../../../server/src/repo/engine/blobslots';
import { ChunkHashMismatch, RestoredFileWriter } from '../../../server/src/repo/engine/filewriter';
import { DecodedBlobs } from '../../../server/src/repo/engine/restorefile';

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

describe("large files' blobs checked and written at their place", () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lockstep-chunks-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

  for (const where of ['the bundled writer thread', 'this thread'] as const) {
    it(`on ${where}: from shared or moved memory, each at its position; a blob that is not what its ID says writes nothing`, async () => {
      const script = path.resolve(__dirname, '../../../dist/writer.js');
      if (where === 'the bundled writer thread' && !existsSync(script)) throw new Error(`${script} is missing: run "node esbuild.mjs" first`);
      const writer = new RestoredFileWriter(where === 'this thread' ? undefined : script);
      const file = path.join(dir, where.replace(/ /g, '-'));
      const fd = openSync(file, 'w');
      const slots = new BlobSlots(2);
      const first = slots.view(0, 300_000).fill(1);
      const second = Buffer.alloc(200_000, 2); // memory of its own, moved to the thread
      const wrong = slots.view(1, 1000).fill(3);
      try {
        await Promise.all([
          writer.writeChunk(fd, 200_000, first, slots.block, sha(first)),
          writer.writeChunk(fd, 0, second, second.buffer as ArrayBuffer, sha(Buffer.alloc(200_000, 2))),
        ]);
        await expect(writer.writeChunk(fd, 500_000, wrong, slots.block, sha(Buffer.from('something else')))).rejects.toBeInstanceOf(ChunkHashMismatch);
        const readOnly = openSync(file, 'r');
        try {
          await expect(writer.writeChunk(readOnly, 0, wrong, slots.block, sha(wrong))).rejects.toMatchObject({ code: 'EBADF' });
        } finally {
          closeSync(readOnly);
        }
      } finally {
        closeSync(fd);
        await writer.close();
      }
      expect(readFileSync(file).equals(Buffer.concat([Buffer.alloc(200_000, 2), Buffer.alloc(300_000, 1)]))).toBe(true);
    });
  }

  it('hands out slots in the order they were asked for, and waits while all are taken', async () => {
    const slots = new BlobSlots(2);
    const [a, b] = [await slots.take(), await slots.take()];
    const order: number[] = [];
    const third = slots.take().then((s) => order.push(s));
    const fourth = slots.take().then((s) => order.push(s));
    slots.give(b);
    slots.give(a);
    await Promise.all([third, fourth]);
    expect(order).toEqual([b, a]);
    expect(() => slots.view(0, SLOT_BYTES + 1)).toThrow(RangeError);
  });
});
