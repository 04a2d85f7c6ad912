// zstd's WebAssembly build as this project loads it (wasm/zstdwasm.ts): frames restic can read, and an instance a
// process at rest can drop (the backend's idle release) and load again.
import { randomBytes } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { decompress as decompressJs } from 'fzstd';
import { afterEach, describe, expect, it } from 'vitest';
import { zstdCompress, zstdDecompress, zstdReady, zstdRelease } from '../../../server/src/repo/format/zstd';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MiB = 1024 * 1024;

/** Text-like data that compresses, `size` bytes. */
function text(size: number): Buffer {
  const words = ['lock', 'snapshot', 'tree', 'blob', 'pack', 'index', 'prune', 'restic'];
  const out: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const word = `${words[(i * 7919) % words.length]}${i % 97} `;
    out.push(word);
    length += word.length;
  }
  return Buffer.from(out.join('').slice(0, size));
}

afterEach(() => zstdRelease());

describe('zstd', () => {
  it('compresses into frames the reference decoder reads, with the content size declared', async () => {
    await zstdReady();
    for (const data of [Buffer.alloc(0), Buffer.from('a'), text(100_000), randomBytes(300_000)]) {
      const frame = zstdCompress(data);
      expect(Buffer.from(decompressJs(frame)).equals(data)).toBe(true);
      expect(zstdDecompress(frame, data.length).equals(data)).toBe(true);
    }
    expect(zstdCompress(text(100_000)).length).toBeLessThan(20_000);
  });

  it('refuses a damaged frame and a frame larger than expected, in a sentence', async () => {
    await zstdReady();
    const frame = zstdCompress(text(50_000));
    expect(() => zstdDecompress(frame, 49_999)).toThrow('the frame declares 50000 bytes, more than the expected 49999');
    const damaged = Buffer.from(frame);
    damaged.fill(0xff, 20, 60);
    expect(() => zstdDecompress(damaged, 50_000)).toThrow(/the frame is damaged/);
  });

  it('after a release, compresses only once loaded again, and reads meanwhile with the JavaScript decoder', async () => {
    await zstdReady();
    const frame = zstdCompress(text(10_000));
    zstdRelease();
    expect(() => zstdCompress(text(10))).toThrow('zstdReady() must be awaited before compressing');
    expect(zstdDecompress(frame, 10_000).equals(text(10_000))).toBe(true);
    await zstdReady();
    expect(zstdDecompress(zstdCompress(text(10_000)), 10_000).equals(text(10_000))).toBe(true);
  });

  it.runIf(process.platform === 'linux')('gives the memory of a released instance back: forty loads and releases hold no more than one', async () => {
    const rss = (): number => process.memoryUsage().rss;
    const data = randomBytes(4 * MiB);
    await zstdReady();
    zstdCompress(data);
    zstdRelease();
    gc();
    const start = rss();
    for (let round = 0; round < 40; round++) {
      await zstdReady();
      zstdCompress(data); // touches several MiB of the instance's memory
      zstdRelease();
      gc();
    }
    // Each instance touched more than 8 MiB: kept, forty would be 320 MiB.
    expect(rss() - start).toBeLessThan(64 * MiB);
  });
});
