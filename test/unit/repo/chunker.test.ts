import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { CHUNK_MAX_SIZE, CHUNK_MIN_SIZE, Chunker, chunkLengths } from '../../../server/src/repo/format/chunker';
import { useJsChunkerForTesting } from '../../../server/src/repo/wasm/chunkerwasm';

/** SHA256(le32(0)) || SHA256(le32(1)) || …, truncated: the data of restic-format.md §6.1. */
function shaStream(n: number): Buffer {
  const out = Buffer.alloc(n);
  const counter = Buffer.alloc(4);
  for (let i = 0, at = 0; at < n; i++, at += 32) {
    counter.writeUInt32LE(i);
    createHash('sha256').update(counter).digest().copy(out, at, 0, Math.min(32, n - at));
  }
  return out;
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

interface Expected {
  length: number;
  cut: bigint;
  id: string;
}

function chunksOf(pol: bigint, data: Buffer, pieces?: number[]): { length: number; cut: bigint; id: string }[] {
  const chunker = new Chunker(pol);
  const out: Expected[] = [];
  let chunkStart = 0;
  let pos = 0;
  let p = 0;
  while (pos < data.length) {
    const end = pieces ? Math.min(data.length, pos + pieces[p++ % pieces.length]) : data.length;
    let at = pos;
    while (at < end) {
      const cut = chunker.next(data, at, end);
      if (cut < 0) break;
      out.push({ length: cut - chunkStart, cut: chunker.lastCut, id: sha(data.subarray(chunkStart, cut)) });
      chunkStart = cut;
      at = cut;
    }
    pos = end;
  }
  if (chunkStart < data.length) out.push({ length: data.length - chunkStart, cut: chunker.lastCut, id: sha(data.subarray(chunkStart)) });
  return out;
}

const vectorA = `1451098 0x00098c6d5c400000 fce2625915b4402c87e393e88b93314ea9bd2d35ec162a508fde08ed6893048e
1035820 0x0008a09141d00000 694406513b61b5bfc0050646750f062859e4c928fe360907d6fd522a9a1cc984
1818146 0x001496264a100000 379f3ad0bc8302aa755edd2fe5fdfa8cd6db86c8a5a5f4f61eb789d1d5c134f8
698627 0x0016cbf6c6100000 82c913a67ef5d9ba4df3cc9e54690521080f724b47e1f443f29878a78f3358dc
1152066 0x001106fa69900000 7f184a65fb1d2aa3b4d8d144b4d65840d2904be63eb7a4b4f06a3f7d068805ac
3127619 0x001a2df703700000 ab0411d533b239b22f9ce99a8bf1c5d10d770fd2196cee327d54651d8d027725
832080 0x000e99a1da600000 faf0ca591bdc7bcb23ef4f8b97c371a4b939627db466c8b398d53db1639f167c
1559452 0x0001f354e6b00000 4675174da2a8895fcd570fbf59c86f5077dcf8c557369c0562fa6205b84ae073
1672129 0x0014e8fa68000000 b348298f0fff5924c3cdce7a2be6142d70314760581e70b73b0e8bab90da212f
1263118 0x0014f76ab8e00000 fdf3ae35364fb629be7c1a95641586ca08e3b4b70b914ea753ce53e4f96b708d
1666081 0x00159c60e2100000 22bc47d56e83b488d0d5fdfae27e23ca00dd202739874caaf0ce33e4e0a41e46
1167381 0x00121eda87c00000 a372f2f850734586780798cd8085b76cf254e4fa620e9e6554d0313124727ee4
1001934 0x0004018884d00000 8edc1e630ab6bb33dac5089dbf91a91b71a5d1b8941b31d518f1721157961f24
1103019 0x0010a4e254300000 806f1ade9102ef75286486bd1e14ccf5ed27e97b6614c5a32e87039d257f4c0a
1322463 0x001cd01f67600000 1f90a57100f1157be9134f898e9162f34bf9b9317a35549f464099d29944e253
2301170 0x001b287f17300000 f6468d14e3e180c46f503f7ab4b1b9b3ff55009f7f96036b70bf58fe803d0011
955733 0x00168a74d7c00000 51dec5da0822e473a9370d86df55d6e646be7c050db91a5614691edc0f6505ae
1037888 0x00133f7680afc167 3fb9a5826940382ecb6759e0d1d6c7772af8ead4d61773037791e03476b73357`
  .split('\n')
  .map((l) => {
    const [length, cut, id] = l.trim().split(/\s+/);
    return { length: Number(length), cut: BigInt(cut), id };
  });

describe('chunker (boundaries and IDs restic 0.14 produced, restic-format.md §6.1)', () => {
  const data24 = shaStream(25165824);

  it('the test data is the documented stream', () => {
    expect(sha(data24)).toBe('d1b9bf9d62388314bddfb75f904e1140a39b6a1ebe2a3b9988d308b16d51b24e');
  });

  it('A: 24 MiB, polynomial 3DA3358B4DC173: every length, cut and blob ID', () => {
    expect(chunksOf(0x3da3358b4dc173n, data24)).toEqual(vectorA);
  });

  it('A again, fed in odd-sized pieces', () => {
    expect(chunksOf(0x3da3358b4dc173n, data24, [1, 7, 65536 + 3, 1 << 20, 524223])).toEqual(vectorA);
  });

  it('B: 12 MiB, polynomial 303a920211dbfd', () => {
    const data = shaStream(12582912);
    expect(sha(data)).toBe('948e8546188cb6d31b670569b655c5d66bdb9534f33ae5f5d04c99835826db00');
    const chunks = chunksOf(0x303a920211dbfdn, data);
    expect(chunks.map((c) => c.length)).toEqual([2235331, 1472911, 898420, 886545, 569470, 1767678, 896518, 536736, 1913652, 1123912, 281739]);
    expect(chunks[0].cut).toBe(0x001aa8c976900000n);
    expect(chunks[0].id.startsWith('0bcfe58196085600')).toBe(true);
  });

  it('C: zeros cut at the minimum size', () => {
    const chunks = chunksOf(0x303a920211dbfdn, Buffer.alloc(2 * 1024 * 1024 + 100));
    expect(chunks.map((c) => c.length)).toEqual([CHUNK_MIN_SIZE, CHUNK_MIN_SIZE, CHUNK_MIN_SIZE, CHUNK_MIN_SIZE, 100]);
    expect(chunks[0].id).toBe('07854d2fef297a06ba81685e660c332de36d5d18d546927d30daad6d7fda1541');
  });

  it('D: a stream with no boundary is cut at the maximum size', () => {
    const chunks = chunksOf(0x303a920211dbfdn, Buffer.alloc(2 * CHUNK_MAX_SIZE + 1000, 1));
    expect(chunks.map((c) => c.length)).toEqual([CHUNK_MAX_SIZE, CHUNK_MAX_SIZE, 1000]);
    expect(chunks[0].cut).toBe(0xa63419ad28f80n);
  });

  it('small and empty inputs', () => {
    expect(chunkLengths(0x303a920211dbfdn, Buffer.alloc(0))).toEqual([]);
    expect(chunkLengths(0x303a920211dbfdn, Buffer.alloc(1000, 7))).toEqual([1000]);
  });
});

describe('the WebAssembly rolling-hash loop', () => {
  afterEach(() => useJsChunkerForTesting(false));

  it('finds the same cuts and digests as the JavaScript loop, whatever the pieces it is fed in', () => {
    // 40 MiB of reproducible pseudo-random bytes with long zero runs (cuts at the minimum size) and a stretch
    // that forces the maximum size.
    const data = Buffer.alloc(40 * 1024 * 1024);
    let block = createHash('sha256').update('chunker').digest();
    for (let at = 0; at < 30 * 1024 * 1024; at += 32) {
      block = createHash('sha256').update(block).digest();
      block.copy(data, at);
    }
    const pol = 0x3da3358b4dc173n;
    useJsChunkerForTesting(true);
    const reference = chunksOf(pol, data);
    useJsChunkerForTesting(false);
    expect(reference.length).toBeGreaterThan(20);
    for (const pieces of [undefined, [1, 63, 64, 65, 4096, 65_535, 65_536, 65_537, 3_000_000], [7_777_777]]) {
      expect(chunksOf(pol, data, pieces)).toEqual(reference);
    }
  }, 60_000);
});
