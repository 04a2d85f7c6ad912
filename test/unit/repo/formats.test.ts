import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CorruptFileError } from '../../../server/src/base/errors';
import { cryptoReady, newRandomMasterKey } from '../../../server/src/repo/format/crypto';
import { goQuoteInner, goUnquoteInner } from '../../../server/src/repo/format/goquote';
import { formatGoTime, parseGoTime } from '../../../server/src/repo/format/gotime';
import { encodeIndex, indexFileBatches, parseIndex } from '../../../server/src/repo/format/indexfile';
import { encodePackHeader, PackedBlob, parsePackHeader } from '../../../server/src/repo/format/pack';
import { encodeSnapshot, parseSnapshot } from '../../../server/src/repo/format/snapshot';
import { decodeTree, encodeTree, goModeFromStat, TreeNode } from '../../../server/src/repo/format/tree';
import { decodeUnpacked, encodeUnpacked } from '../../../server/src/repo/format/unpacked';
import { zstdCompress, zstdDecompress, zstdReady } from '../../../server/src/repo/format/zstd';

beforeAll(() => Promise.all([cryptoReady(), zstdReady()]));
const id = (n: number): string => createHash('sha256').update(String(n)).digest('hex');

describe('zstd and unpacked files', () => {
  it('round-trips text and random data', () => {
    for (const data of [Buffer.from('abc'.repeat(100000)), randomBytes(3 << 20)]) {
      expect(zstdDecompress(zstdCompress(data), data.length).equals(data)).toBe(true);
    }
  });

  it('reads frames without a content size (as restic writes small blobs)', () => {
    const data = Buffer.from('lockstep '.repeat(5000));
    const frame = execFileSync('zstd', ['-c', '--no-content-size'], { input: data });
    expect(frame[4] >> 6).toBe(0);
    expect(zstdDecompress(frame, data.length).equals(data)).toBe(true);
  });

  it('refuses output larger than expected', () => {
    expect(() => zstdDecompress(zstdCompress(Buffer.alloc(100000)), 1000)).toThrow();
  });

  it('v1 is plain JSON, v2 is 0x02 + zstd, and v2 also reads plain JSON', () => {
    expect(encodeUnpacked(1, '{"a":1}').toString()).toBe('{"a":1}');
    const v2 = encodeUnpacked(2, '{"a":1}');
    expect(v2[0]).toBe(2);
    expect(decodeUnpacked(v2, 'x')).toBe('{"a":1}');
    expect(decodeUnpacked(Buffer.from('[1]'), 'x')).toBe('[1]');
    expect(() => decodeUnpacked(Buffer.from('\x07junk'), 'snapshots/abc')).toThrow(/snapshots\/abc is damaged: unknown content format/);
  });
});

describe('pack headers', () => {
  const key = newRandomMasterKey();
  const blobs: PackedBlob[] = [
    { type: 'data', id: id(1), offset: 0, length: 100 },
    { type: 'data', id: id(2), offset: 100, length: 50, uncompressedLength: 400 },
    { type: 'tree', id: id(3), offset: 150, length: 40, uncompressedLength: 90 },
    { type: 'tree', id: id(4), offset: 190, length: 33 },
  ];
  let tail: Buffer;
  let packSize: number;
  beforeAll(async () => {
    await cryptoReady();
    tail = encodePackHeader(key, blobs);
    packSize = 223 + tail.length;
  });

  it('entries are 37 bytes, or 41 when compressed', () => {
    expect(tail.length).toBe(37 * 2 + 41 * 2 + 32 + 4);
  });

  it('round-trips, offsets computed from the lengths', () => {
    expect(parsePackHeader(key, 'p', tail, packSize)).toEqual(blobs);
  });

  it('asks for more bytes when the tail read was short', () => {
    expect(parsePackHeader(key, 'p', tail.subarray(tail.length - 40), packSize)).toEqual({ needBytes: tail.length });
  });

  it('refuses a wrong size, a bad length field and a tampered header', () => {
    expect(() => parsePackHeader(key, 'p', tail, packSize + 1)).toThrow(/data\/p is damaged: its size/);
    const badLength = Buffer.from(tail);
    badLength.writeUInt32LE(10, badLength.length - 4);
    expect(() => parsePackHeader(key, 'p', badLength, packSize)).toThrow(/invalid header length 10/);
    const tampered = Buffer.from(tail);
    tampered[20] ^= 1;
    expect(() => parsePackHeader(key, 'p', tampered, packSize)).toThrow(/header cannot be decrypted/);
  });
});

describe('index files', () => {
  const index = {
    supersedes: [],
    packs: [{ id: id(9), blobs: [
      { type: 'data' as const, id: id(1), offset: 0, length: 100 },
      { type: 'tree' as const, id: id(2), offset: 100, length: 50, uncompressedLength: 70 },
    ] }],
  };

  it('has restic\'s exact shape', () => {
    expect(encodeIndex(index)).toBe(
      `{"packs":[{"id":"${id(9)}","blobs":[{"id":"${id(1)}","type":"data","offset":0,"length":100},{"id":"${id(2)}","type":"tree","offset":100,"length":50,"uncompressed_length":70}]}]}\n`,
    );
    expect(parseIndex(encodeIndex(index), 'i')).toEqual(index);
  });

  it('is written in files of a bounded number of blobs, packs in order and never split', () => {
    const pack = (n: number, blobs: number): { id: string; blobs: PackedBlob[] } => ({
      id: id(100 + n),
      blobs: Array.from({ length: blobs }, (_, i) => ({ type: 'data' as const, id: id(1000 * n + i), offset: 100 * i, length: 100 })),
    });
    const packs = [pack(1, 3), pack(2, 4), pack(3, 2), pack(4, 12), pack(5, 1)];
    const batches = indexFileBatches(packs, 9);
    expect(batches.map((b) => b.map((p) => p.blobs.length))).toEqual([[3, 4, 2], [12], [1]]);
    expect(batches.flat()).toEqual(packs);
    expect(indexFileBatches([])).toEqual([]);
  });

  it('reads the old format (a bare list of packs)', () => {
    expect(parseIndex(JSON.stringify(JSON.parse(encodeIndex(index)).packs), 'i').packs).toEqual(index.packs);
  });

  for (const [what, json] of [
    ['not JSON', '{'],
    ['a bad pack ID', '{"packs":[{"id":"xyz","blobs":[]}]}'],
    ['a negative offset', `{"packs":[{"id":"${id(1)}","blobs":[{"id":"${id(2)}","type":"data","offset":-1,"length":3}]}]}`],
    ['a bad type', `{"packs":[{"id":"${id(1)}","blobs":[{"id":"${id(2)}","type":"music","offset":0,"length":3}]}]}`],
    ['a missing length', `{"packs":[{"id":"${id(1)}","blobs":[{"id":"${id(2)}","type":"data","offset":0}]}]}`],
  ]) {
    it(`refuses ${what}`, () => {
      expect(() => parseIndex(json, 'index/abc')).toThrow(CorruptFileError);
    });
  }
});

describe('trees as restic writes them', () => {
  const file: TreeNode = {
    name: Buffer.from('b.txt'),
    type: 'file',
    mode: 8389101,
    mtime: '2026-11-24T03:03:30.076448576Z',
    atime: '2026-11-24T03:03:30.076448576Z',
    ctime: '2026-11-24T03:03:30.076448576Z',
    uid: 0,
    gid: 0,
    user: 'root',
    group: 'root',
    inode: 5308559n,
    deviceId: 65024n,
    size: 100n,
    links: 1n,
    content: [id(1)],
  };

  it('the empty tree has restic\'s ID', () => {
    expect(createHash('sha256').update(encodeTree([])).digest('hex')).toBe('ac08ce34ba4f8123618661bef2425f7028ffb9ac740578a3ee88684d2523fee8');
  });

  it('writes a file node byte for byte like restic 0.14', () => {
    const t = '"2026-11-24T03:03:30.076448576Z"';
    expect(encodeTree([file]).toString()).toBe(
      `{"nodes":[{"name":"b.txt","type":"file","mode":8389101,"mtime":${t},"atime":${t},"ctime":${t},"uid":0,"gid":0,"user":"root","group":"root","inode":5308559,"device_id":65024,"size":100,"links":1,"content":["${id(1)}"]}]}\n`,
    );
  });

  it('quotes names like Go and reads them back as bytes', () => {
    expect(JSON.stringify(goQuoteInner(Buffer.from('we"ird<&>name')))).toBe('"we\\\\\\"ird<&>name"');
    expect(encodeTree([{ ...file, name: Buffer.from('we"ird<&>name') }]).toString()).toContain('"name":"we\\\\\\"ird\\u003c\\u0026\\u003ename"');
    const bad = Buffer.from([0x62, 0x61, 0x64, 0xff, 0x6e]);
    expect(goQuoteInner(bad)).toBe('bad\\xffn');
    expect(goUnquoteInner('bad\\xffn').equals(bad)).toBe(true);
    expect(goQuoteInner(Buffer.from('a\u00a0b'))).toBe('a\\u00a0b');
    expect(goQuoteInner(Buffer.from('tab\there'))).toBe('tab\\there');
    expect(goQuoteInner(Buffer.from('emoji 😀 ü'))).toBe('emoji 😀 ü');
    expect(() => goUnquoteInner('raw"quote')).toThrow();
  });

  it('sorts by raw bytes, not UTF-16 code units', () => {
    const a = { ...file, name: Buffer.from('\u{1F600}') };
    const b = { ...file, name: Buffer.from('\uFF01') };
    const names = decodeTree(encodeTree([a, b]), 't').map((n) => n.name.toString());
    expect(names).toEqual(['\uFF01', '\u{1F600}']);
  });

  it('keeps 64-bit inodes exact and round-trips every field', () => {
    const node = { ...file, inode: 18446744073709551615n, linktarget: undefined };
    const [back] = decodeTree(encodeTree([node]), 't');
    expect(back.inode).toBe(18446744073709551615n);
    expect(encodeTree([back]).equals(encodeTree([node]))).toBe(true);
  });

  it('Go file modes', () => {
    expect(goModeFromStat(0o100644)).toBe(420);
    expect(goModeFromStat(0o040755)).toBe(2147484141);
    expect(goModeFromStat(0o120777)).toBe(134218239);
    expect(goModeFromStat(0o010644)).toBe(33554852);
    expect(goModeFromStat(0o104755)).toBe(8389101);
  });

  for (const [what, json, message] of [
    ['a file without content', '{"nodes":[{"name":"a","type":"file","content":null}]}', /has nil blob list/],
    ['a dir without subtree', '{"nodes":[{"name":"a","type":"dir","content":null}]}', /has no subtree/],
    ['an unknown type', '{"nodes":[{"name":"a","type":"weird","content":null}]}', /invalid type/],
    ['broken JSON', '{"nodes":[', /invalid JSON/],
  ] as const) {
    it(`refuses ${what}`, () => {
      expect(() => decodeTree(Buffer.from(json), 'abc')).toThrow(message);
    });
  }
});

describe('snapshots and times', () => {
  it('writes restic\'s snapshot JSON', () => {
    const json = encodeSnapshot({ time: '2026-11-24T03:03:30.076448576Z', tree: id(1), paths: ['/src'], hostname: 'h1', username: 'root', uid: 0, gid: 0, tags: ['t1'] });
    expect(json).toBe(`{"time":"2026-11-24T03:03:30.076448576Z","tree":"${id(1)}","paths":["/src"],"hostname":"h1","username":"root","tags":["t1"]}`);
    expect(parseSnapshot(json, 's').tags).toEqual(['t1']);
  });

  it('refuses a snapshot without a tree', () => {
    expect(() => parseSnapshot('{"time":"2020-01-01T00:00:00Z","paths":[]}', 'snapshots/x')).toThrow(/snapshots\/x is damaged: the snapshot has no tree/);
  });

  it('formats times like Go\'s RFC3339Nano', () => {
    const ns = BigInt(Date.UTC(2014, 11, 22, 13, 47, 59)) * 1_000_000n + 912418701n;
    expect(formatGoTime(ns, 60)).toBe('2014-12-22T14:47:59.912418701+01:00');
    expect(formatGoTime(ns, 0)).toBe('2014-12-22T13:47:59.912418701Z');
    expect(formatGoTime(BigInt(Date.UTC(2014, 0, 1)) * 1_000_000n + 500_000_000n, 0)).toBe('2014-01-01T00:00:00.5Z');
    expect(formatGoTime(BigInt(Date.UTC(2014, 0, 1)) * 1_000_000n, -330)).toBe('2013-12-31T18:30:00-05:30');
    expect(parseGoTime('2014-12-22T14:47:59.912418701+01:00')).toBe(ns);
    expect(() => parseGoTime('yesterday')).toThrow(/invalid time/);
  });
});
