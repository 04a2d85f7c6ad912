import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptFileError, LockstepError } from '../../../server/src/base/errors';
import { hasOnlySmallIntegers } from '../../../server/src/repo/format/gojson';
import { forgetLocalOffsets, formatGoTime, parseGoTime } from '../../../server/src/repo/format/gotime';
import { encodeSnapshot, parseSnapshot } from '../../../server/src/repo/format/snapshot';
import {
  decodeTree,
  encodeTree,
  GoFileMode,
  goModeFromStat,
  posixPermFromGoMode,
  readTree,
  sameNode,
  TreeNode,
} from '../../../server/src/repo/format/tree';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const id = (n: number): string => sha256(Buffer.from(String(n)));
const EMPTY_TREE_ID = 'ac08ce34ba4f8123618661bef2425f7028ffb9ac740578a3ee88684d2523fee8';

/** A tree blob restic 0.14 wrote (TZ=Europe/Berlin) for a folder of oddly named entries; its ID is the one restic gave it. */
const RESTIC_TREE_ID = 'fda7f25615a5a1e5c590ecead7ed788120712fdb4031e520cb58123368803d3a';
const RESTIC_TREE_B64 = [
  'eyJub2RlcyI6W3sibmFtZSI6ImJhY2tcXFxcc2xhc2giLCJ0eXBlIjoiZmlsZSIsIm1vZGUiOjQyMCwibXRpbWUiOiIyMDI2LTExLTI1VDA0OjEzOjIz',
  'Ljc4NjcyMzA5NiswMTowMCIsImF0aW1lIjoiMjAyNi0xMS0yNVQwNDoxMzoyMy43ODY3MjMwOTYrMDE6MDAiLCJjdGltZSI6IjIwMjYtMTEtMjVUMDQ6',
  'MTM6MjMuNzg2NzIzMDk2KzAxOjAwIiwidWlkIjowLCJnaWQiOjAsInVzZXIiOiJyb290IiwiZ3JvdXAiOiJyb290IiwiaW5vZGUiOjIyMzY1OTMsImRl',
  'dmljZV9pZCI6NjUwMjQsImxpbmtzIjoxLCJjb250ZW50IjpbXX0seyJuYW1lIjoiYmFkXFx4ZmZuYW1lIiwidHlwZSI6ImZpbGUiLCJtb2RlIjo0MjAs',
  'Im10aW1lIjoiMjAyNi0xMS0yNVQwNDoxMzoyMy43ODY3MjMwOTYrMDE6MDAiLCJhdGltZSI6IjIwMjYtMTEtMjVUMDQ6MTM6MjMuNzg2NzIzMDk2KzAx',
  'OjAwIiwiY3RpbWUiOiIyMDI2LTExLTI1VDA0OjEzOjIzLjc4NjcyMzA5NiswMTowMCIsInVpZCI6MCwiZ2lkIjowLCJ1c2VyIjoicm9vdCIsImdyb3Vw',
  'Ijoicm9vdCIsImlub2RlIjoyMjM2NTg5LCJkZXZpY2VfaWQiOjY1MDI0LCJsaW5rcyI6MSwiY29udGVudCI6W119LHsibmFtZSI6ImN0bFxceDAxXFxi',
  'XFxmXFx4N2YiLCJ0eXBlIjoiZmlsZSIsIm1vZGUiOjQyMCwibXRpbWUiOiIyMDI2LTExLTI1VDA0OjEzOjIzLjc4NjcyMzA5NiswMTowMCIsImF0aW1l',
  'IjoiMjAyNi0xMS0yNVQwNDoxMzoyMy43ODY3MjMwOTYrMDE6MDAiLCJjdGltZSI6IjIwMjYtMTEtMjVUMDQ6MTM6MjMuNzg2NzIzMDk2KzAxOjAwIiwi',
  'dWlkIjowLCJnaWQiOjAsInVzZXIiOiJyb290IiwiZ3JvdXAiOiJyb290IiwiaW5vZGUiOjIyMzY1OTIsImRldmljZV9pZCI6NjUwMjQsImxpbmtzIjox',
  'LCJjb250ZW50IjpbXX0seyJuYW1lIjoiZW1vamnwn5iAIiwidHlwZSI6ImZpbGUiLCJtb2RlIjo0MjAsIm10aW1lIjoiMjAyNi0xMS0yNVQwNDoxMzoy',
  'My43ODY3MjMwOTYrMDE6MDAiLCJhdGltZSI6IjIwMjYtMTEtMjVUMDQ6MTM6MjMuNzg2NzIzMDk2KzAxOjAwIiwiY3RpbWUiOiIyMDI2LTExLTI1VDA0',
  'OjEzOjIzLjc4NjcyMzA5NiswMTowMCIsInVpZCI6MCwiZ2lkIjowLCJ1c2VyIjoicm9vdCIsImdyb3VwIjoicm9vdCIsImlub2RlIjoyMjM2NTk1LCJk',
  'ZXZpY2VfaWQiOjY1MDI0LCJsaW5rcyI6MSwiY29udGVudCI6W119LHsibmFtZSI6ImZpZm8iLCJ0eXBlIjoiZmlmbyIsIm1vZGUiOjMzNTU0ODUyLCJt',
  'dGltZSI6IjIwMjYtMTEtMjVUMDQ6MTM6MjMuODAyNzIzMDk2KzAxOjAwIiwiYXRpbWUiOiIyMDI2LTExLTI1VDA0OjEzOjIzLjgwMjcyMzA5NiswMTow',
  'MCIsImN0aW1lIjoiMjAyNi0xMS0yNVQwNDoxMzoyMy44MDI3MjMwOTYrMDE6MDAiLCJ1aWQiOjAsImdpZCI6MCwidXNlciI6InJvb3QiLCJncm91cCI6',
  'InJvb3QiLCJpbm9kZSI6MjIzNjU5OSwiZGV2aWNlX2lkIjo2NTAyNCwiY29udGVudCI6bnVsbH0seyJuYW1lIjoiZ29vZGxpbmsiLCJ0eXBlIjoic3lt',
  'bGluayIsIm1vZGUiOjEzNDIxODIzOSwibXRpbWUiOiIyMDI2LTExLTI1VDA0OjEzOjIzLjc5NDcyMzA5NiswMTowMCIsImF0aW1lIjoiMjAyNi0xMS0y',
  'NVQwNDoxMzoyMy43OTQ3MjMwOTYrMDE6MDAiLCJjdGltZSI6IjIwMjYtMTEtMjVUMDQ6MTM6MjMuNzk0NzIzMDk2KzAxOjAwIiwidWlkIjowLCJnaWQi',
  'OjAsInVzZXIiOiJyb290IiwiZ3JvdXAiOiJyb290IiwiaW5vZGUiOjIyMzY1OTgsImRldmljZV9pZCI6NjUwMjQsImxpbmtzIjoxLCJsaW5rdGFyZ2V0',
  'Ijoid2VcImlyZCIsImNvbnRlbnQiOm51bGx9LHsibmFtZSI6ImxzXFx1MjAyOHgiLCJ0eXBlIjoiZmlsZSIsIm1vZGUiOjQyMCwibXRpbWUiOiIyMDI2',
  'LTExLTI1VDA0OjEzOjIzLjc4NjcyMzA5NiswMTowMCIsImF0aW1lIjoiMjAyNi0xMS0yNVQwNDoxMzoyMy43ODY3MjMwOTYrMDE6MDAiLCJjdGltZSI6',
  'IjIwMjYtMTEtMjVUMDQ6MTM6MjMuNzg2NzIzMDk2KzAxOjAwIiwidWlkIjowLCJnaWQiOjAsInVzZXIiOiJyb290IiwiZ3JvdXAiOiJyb290IiwiaW5v',
  'ZGUiOjIyMzY1OTQsImRldmljZV9pZCI6NjUwMjQsImxpbmtzIjoxLCJjb250ZW50IjpbXX0seyJuYW1lIjoibWVsdFxcVTAwMDFmYWUwIiwidHlwZSI6',
  'ImZpbGUiLCJtb2RlIjo0MjAsIm10aW1lIjoiMjAyNi0xMS0yNVQwNDoxMzoyMy43ODY3MjMwOTYrMDE6MDAiLCJhdGltZSI6IjIwMjYtMTEtMjVUMDQ6',
  'MTM6MjMuNzg2NzIzMDk2KzAxOjAwIiwiY3RpbWUiOiIyMDI2LTExLTI1VDA0OjEzOjIzLjc4NjcyMzA5NiswMTowMCIsInVpZCI6MCwiZ2lkIjowLCJ1',
  'c2VyIjoicm9vdCIsImdyb3VwIjoicm9vdCIsImlub2RlIjoyMjM2NTkxLCJkZXZpY2VfaWQiOjY1MDI0LCJsaW5rcyI6MSwiY29udGVudCI6W119LHsi',
  'bmFtZSI6Im5iXFx1MDBhMHNwIiwidHlwZSI6ImZpbGUiLCJtb2RlIjo0MjAsIm10aW1lIjoiMjAyNi0xMS0yNVQwNDoxMzoyMy43ODY3MjMwOTYrMDE6',
  'MDAiLCJhdGltZSI6IjIwMjYtMTEtMjVUMDQ6MTM6MjMuNzg2NzIzMDk2KzAxOjAwIiwiY3RpbWUiOiIyMDI2LTExLTI1VDA0OjEzOjIzLjc4NjcyMzA5',
  'NiswMTowMCIsInVpZCI6MCwiZ2lkIjowLCJ1c2VyIjoicm9vdCIsImdyb3VwIjoicm9vdCIsImlub2RlIjoyMjM2NTkwLCJkZXZpY2VfaWQiOjY1MDI0',
  'LCJsaW5rcyI6MSwiY29udGVudCI6W119LHsibmFtZSI6InByaXZcXHVlMDAwIiwidHlwZSI6ImZpbGUiLCJtb2RlIjo0MjAsIm10aW1lIjoiMjAyNi0x',
  'MS0yNVQwNDoxMzoyMy43OTA3MjMwOTYrMDE6MDAiLCJhdGltZSI6IjIwMjYtMTEtMjVUMDQ6MTM6MjMuNzkwNzIzMDk2KzAxOjAwIiwiY3RpbWUiOiIy',
  'MDI2LTExLTI1VDA0OjEzOjIzLjc5MDcyMzA5NiswMTowMCIsInVpZCI6MCwiZ2lkIjowLCJ1c2VyIjoicm9vdCIsImdyb3VwIjoicm9vdCIsImlub2Rl',
  'IjoyMjM2NTk2LCJkZXZpY2VfaWQiOjY1MDI0LCJsaW5rcyI6MSwiY29udGVudCI6W119LHsibmFtZSI6InN1YiIsInR5cGUiOiJkaXIiLCJtb2RlIjoy',
  'MTQ3NDg0MTQxLCJtdGltZSI6IjIwMjYtMTEtMjVUMDQ6MTM6MjMuNzQ2NzIzMDk2KzAxOjAwIiwiYXRpbWUiOiIyMDI2LTExLTI1VDA0OjEzOjIzLjc0',
  'NjcyMzA5NiswMTowMCIsImN0aW1lIjoiMjAyNi0xMS0yNVQwNDoxMzoyMy43NDY3MjMwOTYrMDE6MDAiLCJ1aWQiOjAsImdpZCI6MCwidXNlciI6InJv',
  'b3QiLCJncm91cCI6InJvb3QiLCJpbm9kZSI6MjIzNjU4NywiZGV2aWNlX2lkIjo2NTAyNCwiY29udGVudCI6bnVsbCwic3VidHJlZSI6ImFjMDhjZTM0',
  'YmE0ZjgxMjM2MTg2NjFiZWYyNDI1ZjcwMjhmZmI5YWM3NDA1NzhhM2VlODg2ODRkMjUyM2ZlZTgifSx7Im5hbWUiOiJ3ZVxcXCJpcmRcdTAwM2NcdTAw',
  'MjZcdTAwM2VuYW1lIiwidHlwZSI6ImZpbGUiLCJtb2RlIjo0MjAsIm10aW1lIjoiMjAyNi0xMS0yNVQwNDoxMzoyMy43NTA3MjMwOTYrMDE6MDAiLCJh',
  'dGltZSI6IjIwMjYtMTEtMjVUMDQ6MTM6MjMuNzUwNzIzMDk2KzAxOjAwIiwiY3RpbWUiOiIyMDI2LTExLTI1VDA0OjEzOjI0LjE5NDcyMzA5NiswMTow',
  'MCIsInVpZCI6MCwiZ2lkIjowLCJ1c2VyIjoicm9vdCIsImdyb3VwIjoicm9vdCIsImlub2RlIjoyMjM2NTg4LCJkZXZpY2VfaWQiOjY1MDI0LCJzaXpl',
  'IjoxLCJsaW5rcyI6MSwiZXh0ZW5kZWRfYXR0cmlidXRlcyI6W3sibmFtZSI6InVzZXIuZW1wdHkiLCJ2YWx1ZSI6IiJ9LHsibmFtZSI6InVzZXIua1x1',
  'MDAzYyIsInZhbHVlIjoiZGdELyJ9XSwiY29udGVudCI6WyIyZDcxMTY0MmI3MjZiMDQ0MDE2MjdjYTlmYmFjMzJmNWM4NTMwZmIxOTAzY2M0ZGIwMjI1',
  'ODcxNzkyMWE0ODgxIl19LHsibmFtZSI6Iu+8gSIsInR5cGUiOiJmaWxlIiwibW9kZSI6NDIwLCJtdGltZSI6IjIwMjYtMTEtMjVUMDQ6MTM6MjMuNzkw',
  'NzIzMDk2KzAxOjAwIiwiYXRpbWUiOiIyMDI2LTExLTI1VDA0OjEzOjIzLjc5MDcyMzA5NiswMTowMCIsImN0aW1lIjoiMjAyNi0xMS0yNVQwNDoxMzoy',
  'My43OTA3MjMwOTYrMDE6MDAiLCJ1aWQiOjAsImdpZCI6MCwidXNlciI6InJvb3QiLCJncm91cCI6InJvb3QiLCJpbm9kZSI6MjIzNjU5NywiZGV2aWNl',
  'X2lkIjo2NTAyNCwibGlua3MiOjEsImNvbnRlbnQiOltdfV19Cg==',
].join('');

const T = '2026-11-24T03:03:30.076448576Z';
const fileNode = (name: string | Buffer, extra: Partial<TreeNode> = {}): TreeNode => ({
  name: typeof name === 'string' ? Buffer.from(name) : name,
  type: 'file',
  mode: 420,
  mtime: T,
  atime: T,
  ctime: T,
  uid: 0,
  gid: 0,
  content: [],
  ...extra,
});

function corruptMessage(json: string): string {
  try {
    decodeTree(Buffer.from(json), 'abc');
  } catch (err) {
    expect(err).toBeInstanceOf(CorruptFileError);
    expect((err as CorruptFileError).file).toBe('tree abc');
    return (err as Error).message;
  }
  throw new Error(`decodeTree accepted ${json}`);
}

describe('encodeTree', () => {
  it("gives the empty tree restic's ID", () => {
    expect(encodeTree([]).toString()).toBe('{"nodes":[]}\n');
    expect(sha256(encodeTree([]))).toBe(EMPTY_TREE_ID);
  });

  it('reproduces the file node of §5.3 byte for byte', () => {
    const blob = '09ec' + id(1).slice(4);
    const node: TreeNode = {
      ...fileNode('b.txt'),
      mode: 8389101,
      user: 'root',
      group: 'root',
      inode: 5308559n,
      deviceId: 65024n,
      size: 100n,
      links: 1n,
      content: [blob],
    };
    expect(encodeTree([node]).toString()).toBe(
      `{"nodes":[{"name":"b.txt","type":"file","mode":8389101,"mtime":"${T}","atime":"${T}","ctime":"${T}","uid":0,"gid":0,` +
        `"user":"root","group":"root","inode":5308559,"device_id":65024,"size":100,"links":1,"content":["${blob}"]}]}\n`,
    );
  });

  it('writes names through Go quoting and Go JSON escaping', () => {
    const json = (name: Buffer): string => /"name":("(?:[^"\\]|\\.)*")/.exec(encodeTree([fileNode(name)]).toString())![1];
    expect(json(Buffer.from('we"ird<&>name'))).toBe('"we\\\\\\"ird\\u003c\\u0026\\u003ename"');
    expect(json(Buffer.from([0x62, 0x61, 0x64, 0xff, 0x6e, 0x61, 0x6d, 0x65]))).toBe('"bad\\\\xffname"');
    expect(json(Buffer.from('nb\u00a0sp'))).toBe('"nb\\\\u00a0sp"');
    expect(json(Buffer.from('emoji\u{1F600}'))).toBe('"emoji\u{1F600}"');
    expect(json(Buffer.from('ctl\x01\b\f\x7f'))).toBe('"ctl\\\\x01\\\\b\\\\f\\\\x7f"');
    for (const name of ['we"ird<&>name', 'bad\\xffname', 'nb\\u00a0sp']) {
      const bytes = encodeTree([fileNode(name)]);
      expect(decodeTree(bytes, 't')[0].name.toString('latin1')).toBe(Buffer.from(name).toString('latin1'));
    }
    const raw = Buffer.from([0x62, 0x61, 0x64, 0xff, 0x6e, 0x61, 0x6d, 0x65]);
    expect(decodeTree(encodeTree([fileNode(raw)]), 't')[0].name.equals(raw)).toBe(true);
  });

  it('sorts by raw name bytes, not UTF-16 code units', () => {
    const names = ['\u{1F600}', '\uFF01', '\uE000', 'a', 'B', 'a\u0000', 'ab'];
    expect([...names].sort()).toEqual(['B', 'a', 'a\u0000', 'ab', '\u{1F600}', '\uE000', '\uFF01']); // a JS string sort: the emoji first
    const decoded = decodeTree(encodeTree(names.map((n) => fileNode(n))), 't').map((n) => n.name.toString());
    expect(decoded).toEqual(['B', 'a', 'a\u0000', 'ab', '\uE000', '\uFF01', '\u{1F600}']);
    const a = fileNode(Buffer.from([0x61, 0xff]));
    const b = fileNode(Buffer.from([0x61, 0x7f]));
    expect(decodeTree(encodeTree([a, b]), 't').map((n) => n.name[1])).toEqual([0x7f, 0xff]);
  });

  it('refuses bad names', () => {
    for (const name of ['', 'a/b', '/', '.', '..']) expect(() => encodeTree([fileNode(name)]), JSON.stringify(name)).toThrow(LockstepError);
    expect(() => encodeTree([fileNode('x'), fileNode('y'), fileNode('x')])).toThrow(/duplicate name/);
    expect(() => encodeTree([fileNode('...'), fileNode('.x')])).not.toThrow();
  });

  it('refuses nodes restic could not read back', () => {
    const bad: Partial<TreeNode>[] = [
      { content: null },
      { type: 'dir', content: null },
      { content: ['abc'] },
      { type: 'dir', content: null, subtree: 'ABC' },
      { uid: -1 },
      { gid: 2 ** 32 },
      { uid: 1.5 },
      { inode: -1n },
      { size: 2n ** 64n },
      { mtime: '2020-01-01 00:00:00' },
      { type: 'weird' as TreeNode['type'] },
    ];
    for (const extra of bad) expect(() => encodeTree([fileNode('n', extra)]), JSON.stringify(extra, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))).toThrow(LockstepError);
  });

  it('applies omitempty like Go: mode/user/ids/size 0 left out, times, uid, gid and content always written', () => {
    const node: TreeNode = { ...fileNode('f'), mode: 0, user: '', group: '', inode: 0n, deviceId: 0n, size: 0n, links: 0n, linktarget: Buffer.alloc(0), extendedAttributes: [], device: 0n, error: '' };
    expect(encodeTree([node]).toString()).toBe(`{"nodes":[{"name":"f","type":"file","mtime":"${T}","atime":"${T}","ctime":"${T}","uid":0,"gid":0,"content":[]}]}\n`);
    const dir: TreeNode = { ...fileNode('d'), type: 'dir', mode: 2147484141, content: null, subtree: EMPTY_TREE_ID };
    expect(encodeTree([dir]).toString()).toBe(
      `{"nodes":[{"name":"d","type":"dir","mode":2147484141,"mtime":"${T}","atime":"${T}","ctime":"${T}","uid":0,"gid":0,"content":null,"subtree":"${EMPTY_TREE_ID}"}]}\n`,
    );
  });

  it('writes every field in struct order, with Go escaping, and reads it all back exactly', () => {
    const node: TreeNode = {
      name: Buffer.from('all'),
      type: 'symlink',
      mode: GoFileMode.Symlink | 0o777,
      mtime: '2014-12-22T14:47:59.912418701+01:00',
      atime: '2014-12-22T14:47:59+01:00',
      ctime: '2014-12-22T13:47:59.9Z',
      uid: 4294967295,
      gid: 1000,
      user: 'u\b\f<>',
      group: 'g&\u2028',
      inode: 2n ** 64n - 1n,
      deviceId: 2n ** 53n + 1n,
      size: 9007199254740993n,
      links: 2n,
      linktarget: Buffer.from([0x74, 0x67, 0x74, 0xfe, 0x3c]),
      extendedAttributes: [
        { name: 'user.empty', value: Buffer.alloc(0) },
        { name: 'user.k<', value: Buffer.from([0x76, 0x00, 0xff]) },
      ],
      device: 18446744073709551614n,
      content: null,
      error: 'oops <x>',
    };
    const bytes = encodeTree([node]);
    expect(bytes.toString()).toBe(
      '{"nodes":[{"name":"all","type":"symlink","mode":134218239,"mtime":"2014-12-22T14:47:59.912418701+01:00",' +
        '"atime":"2014-12-22T14:47:59+01:00","ctime":"2014-12-22T13:47:59.9Z","uid":4294967295,"gid":1000,' +
        '"user":"u\\u0008\\u000c\\u003c\\u003e","group":"g\\u0026\\u2028","inode":18446744073709551615,"device_id":9007199254740993,' +
        '"size":9007199254740993,"links":2,"linktarget":"tgt\\ufffd\\u003c","linktarget_raw":"dGd0/jw=",' +
        '"extended_attributes":[{"name":"user.empty","value":""},{"name":"user.k\\u003c","value":"dgD/"}],' +
        '"device":18446744073709551614,"content":null,"error":"oops \\u003cx\\u003e"}]}\n',
    );
    const [back] = decodeTree(bytes, 't');
    expect(back).toEqual(node);
    expect(back.inode).toBe(18446744073709551615n);
    expect(encodeTree([back]).equals(bytes)).toBe(true);
  });

  it('keeps inodes above 2^53 exact', () => {
    for (const inode of [2n ** 53n + 1n, 12345678901234567891n, 2n ** 64n - 1n]) {
      const bytes = encodeTree([fileNode('f', { inode, deviceId: inode - 1n })]);
      expect(bytes.toString()).toContain(`"inode":${inode},"device_id":${inode - 1n}`);
      const [back] = decodeTree(bytes, 't');
      expect(back.inode).toBe(inode);
      expect(back.deviceId).toBe(inode - 1n);
      expect(encodeTree([back]).equals(bytes)).toBe(true);
    }
  });
});

describe('reading trees with JSON.parse where that is exact', () => {
  it('knows when every number is a small integer, whatever the strings hold', () => {
    expect(hasOnlySmallIntegers('{"nodes":[{"name":"a 1234567890123456 b","size":123456789012345,"x":-5}]}')).toBe(true);
    expect(hasOnlySmallIntegers('{"name":"quote \\" 1e5 \\\\","n":7}')).toBe(true);
    expect(hasOnlySmallIntegers('{"size":1234567890123456}')).toBe(false);
    expect(hasOnlySmallIntegers('{"size":1.5}')).toBe(false);
    expect(hasOnlySmallIntegers('{"size":1e3}')).toBe(false);
    expect(hasOnlySmallIntegers('{"size":1E3}')).toBe(false);
    expect(hasOnlySmallIntegers('{"name":"never closed}')).toBe(false);
  });

  it('decodes the same nodes either way', () => {
    const node = (inode: string): string =>
      `{"name":"f","type":"file","mode":420,"mtime":"2020-01-01T00:00:00Z","atime":"2020-01-01T00:00:00Z","ctime":"2020-01-01T00:00:00Z","uid":1000,"gid":1000,"inode":${inode},"size":5,"links":1,"content":["${'ab'.repeat(32)}"]}`;
    const small = decodeTree(Buffer.from(`{"nodes":[${node('123456789012345')}]}\n`), 't');
    const big = decodeTree(Buffer.from(`{"nodes":[${node('18446744073709551615')}]}\n`), 't');
    expect(small[0].inode).toBe(123456789012345n);
    expect(big[0].inode).toBe(18446744073709551615n);
    expect({ ...small[0], inode: 0n }).toEqual({ ...big[0], inode: 0n });
    expect(() => decodeTree(Buffer.from(`{"nodes":[${node('-1')}]}`), 't')).toThrow(CorruptFileError);
    expect(() => decodeTree(Buffer.from(`{"nodes":[${node('1.5')}]}`), 't')).toThrow(/unsigned integer/);
  });
});

describe('telling whether a parent tree can stand for a new one', () => {
  const full: TreeNode = {
    name: Buffer.from('all'),
    type: 'file',
    mode: 0o644,
    mtime: T,
    atime: T,
    ctime: T,
    uid: 1000,
    gid: 1000,
    user: 'u',
    group: 'g',
    inode: 7n,
    deviceId: 8n,
    size: 9n,
    links: 1n,
    linktarget: Buffer.from('t'),
    extendedAttributes: [{ name: 'user.x', value: Buffer.from('v') }],
    device: 10n,
    content: [id(1), id(2)],
    subtree: id(3),
    error: 'e',
  };
  const changes: Record<keyof TreeNode, unknown[]> = {
    name: [Buffer.from('alL')],
    type: ['dir'],
    mode: [0o600, undefined],
    mtime: ['2026-11-24T03:03:30.076448577Z'],
    atime: ['2026-11-24T04:03:30.076448576+01:00'],
    ctime: ['0001-01-01T00:00:00Z'],
    uid: [0],
    gid: [0],
    user: ['v', undefined],
    group: ['h', undefined],
    inode: [8n, undefined],
    deviceId: [9n, undefined],
    size: [10n, undefined],
    links: [2n, undefined],
    linktarget: [Buffer.from('u'), undefined],
    extendedAttributes: [[{ name: 'user.x', value: Buffer.from('w') }], [{ name: 'user.y', value: Buffer.from('v') }], [], undefined],
    device: [11n, undefined],
    content: [[id(1)], [id(2), id(1)], null],
    subtree: [id(4), undefined],
    error: ['f', undefined],
  };

  it('sees a difference in any one field, and none between a node and its copy read back', () => {
    const [back] = decodeTree(encodeTree([full]), 't');
    expect(sameNode(full, back)).toBe(true);
    for (const [field, values] of Object.entries(changes)) {
      for (const value of values) expect(sameNode(full, { ...full, [field]: value }), `${field} = ${String(value)}`).toBe(false);
    }
  });

  it('knows a blob that holds only the nodes, spelt as restic spells them', () => {
    const node = encodeTree([full]).toString().trim().slice('{"nodes":['.length, -2);
    expect(readTree(encodeTree([full]), 't').onlyKnownFields).toBe(true);
    expect(readTree(Buffer.from('{"nodes":null}'), 't').onlyKnownFields).toBe(true);
    expect(readTree(Buffer.from(`{"nodes":[${node.replace('"name"', '"future":1,"name"')}]}`), 't').onlyKnownFields).toBe(false);
    expect(readTree(Buffer.from(`{"nodes":[${node.replace('"name"', '"Name"')}]}`), 't').onlyKnownFields).toBe(false);
    expect(readTree(Buffer.from(`{"nodes":[${node}],"extra":true}`), 't').onlyKnownFields).toBe(false);
    expect(readTree(Buffer.from('{}'), 't').onlyKnownFields).toBe(false);
  });
});

describe('Go file modes', () => {
  it('converts st_mode the way restic stores it (§5.3 values)', () => {
    expect(goModeFromStat(0o100644)).toBe(420);
    expect(goModeFromStat(0o040755)).toBe(2147484141);
    expect(goModeFromStat(0o120777)).toBe(134218239);
    expect(goModeFromStat(0o010644)).toBe(33554852);
    expect(goModeFromStat(0o104755)).toBe(8389101);
    expect(goModeFromStat(0o060660)).toBe((0x04000000 | 0o660) >>> 0);
    expect(goModeFromStat(0o020620)).toBe((0x04200000 | 0o620) >>> 0);
    expect(goModeFromStat(0o140755)).toBe((0x01000000 | 0o755) >>> 0);
    expect(goModeFromStat(0o043777)).toBe((0x80000000 | 0x00400000 | 0x00100000 | 0o777) >>> 0);
  });

  it('gives chmod bits back', () => {
    expect(posixPermFromGoMode(8389101)).toBe(0o4755);
    expect(posixPermFromGoMode(2147484141)).toBe(0o755);
    expect(posixPermFromGoMode((GoFileMode.Dir | GoFileMode.Setgid | GoFileMode.Sticky | 0o775) >>> 0)).toBe(0o3775);
    for (const m of [0o100644, 0o104755, 0o042775, 0o041777, 0o120777]) expect(posixPermFromGoMode(goModeFromStat(m))).toBe(m & 0o7777);
  });

  it('has the io/fs constants', () => {
    expect(GoFileMode).toMatchObject({ Dir: 2 ** 31, Symlink: 2 ** 27, Device: 2 ** 26, NamedPipe: 2 ** 25, Socket: 2 ** 24, Setuid: 2 ** 23, Setgid: 2 ** 22, CharDevice: 2 ** 21, Sticky: 2 ** 20, Perm: 0o777 });
  });
});

describe('decodeTree', () => {
  it('re-encodes a tree restic 0.14 wrote to the same bytes and ID', () => {
    const bytes = Buffer.from(RESTIC_TREE_B64, 'base64');
    expect(sha256(bytes)).toBe(RESTIC_TREE_ID);
    const nodes = decodeTree(bytes, RESTIC_TREE_ID);
    expect(nodes.map((n) => n.name.toString('latin1'))).toEqual(
      ['back\\slash', 'bad\xffname', 'ctl\x01\b\f\x7f', 'emoji\u{1F600}', 'fifo', 'goodlink', 'ls\u2028x', 'melt\u{1FAE0}', 'nb\u00a0sp', 'priv\uE000', 'sub', 'we"ird<&>name', '\uFF01'].map(
        (s) => Buffer.from(s, s === 'bad\xffname' || s === 'ctl\x01\b\f\x7f' ? 'latin1' : 'utf8').toString('latin1'),
      ),
    );
    const weird = nodes.find((n) => n.name.toString() === 'we"ird<&>name')!;
    expect(weird.extendedAttributes).toEqual([
      { name: 'user.empty', value: Buffer.alloc(0) },
      { name: 'user.k<', value: Buffer.from([0x76, 0, 0xff]) },
    ]);
    expect(weird.size).toBe(1n);
    expect(nodes.find((n) => n.type === 'fifo')!.links).toBeUndefined();
    expect(nodes.find((n) => n.type === 'symlink')!.linktarget!.toString()).toBe('we"ird');
    expect(nodes.find((n) => n.type === 'dir')!.subtree).toBe(EMPTY_TREE_ID);
    const again = encodeTree(nodes);
    expect(again.equals(bytes)).toBe(true);
    expect(sha256(again)).toBe(RESTIC_TREE_ID);
    expect(parseGoTime(nodes[0].mtime)).toBeGreaterThan(0n);
  });

  it("reads restic 0.14's U+FFFD link targets, and prefers linktarget_raw", () => {
    const node = (extra: string): string =>
      `{"nodes":[{"name":"l","type":"symlink","mtime":"${T}","atime":"${T}","ctime":"${T}","uid":0,"gid":0${extra},"content":null}]}\n`;
    expect(decodeTree(Buffer.from(node(',"linktarget":"tgt\\ufffd\\u003c"')), 't')[0].linktarget).toEqual(Buffer.from('tgt\ufffd<'));
    expect(decodeTree(Buffer.from(node(',"linktarget":"tgt\\ufffd\\u003c","linktarget_raw":"dGd0/jw="')), 't')[0].linktarget).toEqual(Buffer.from([0x74, 0x67, 0x74, 0xfe, 0x3c]));
  });

  it('ignores unknown fields, accepts null, reads keys case-insensitively like Go', () => {
    const json = `{"nodes":[{"Name":"a","TYPE":"file","mtime":"${T}","generic_attributes":{"windows.x":"eA=="},"future":[1,{"y":null}],"content":[],"user":null,"Inode":18446744073709551615}],"extra":true}`;
    const [n] = decodeTree(Buffer.from(json), 't');
    expect(n).toEqual({ name: Buffer.from('a'), type: 'file', mtime: T, atime: '0001-01-01T00:00:00Z', ctime: '0001-01-01T00:00:00Z', uid: 0, gid: 0, content: [], inode: 2n ** 64n - 1n });
    expect(decodeTree(Buffer.from('{"nodes":null}'), 't')).toEqual([]);
    expect(decodeTree(Buffer.from('{}'), 't')).toEqual([]);
    expect(decodeTree(Buffer.from(`  {"nodes":[]}  \n`), 't')).toEqual([]);
    const upper = decodeTree(Buffer.from(`{"nodes":[{"name":"d","type":"dir","content":null,"subtree":"${EMPTY_TREE_ID.toUpperCase()}"}]}`), 't');
    expect(upper[0].subtree).toBe(EMPTY_TREE_ID);
  });

  const n = (fields: string): string => `{"nodes":[{"name":"a","type":"file","content":[]${fields}}]}`;
  for (const [what, json, message] of [
    ['broken JSON', '{"nodes":[', /invalid JSON/],
    ['trailing garbage', '{"nodes":[]}x', /invalid JSON/],
    ['a top-level list', '[]', /not a JSON object/],
    ['nodes that are not a list', '{"nodes":{}}', /"nodes" is not a list/],
    ['a node that is not an object', '{"nodes":[1]}', /node 0 is not an object/],
    ['a node without a name', '{"nodes":[{"type":"file","content":[]}]}', /has no name/],
    ['a raw quote in the name', '{"nodes":[{"name":"a\\"b","type":"file","content":[]}]}', /invalid name/],
    ['a bad escape in the name', '{"nodes":[{"name":"a\\\\qb","type":"file","content":[]}]}', /invalid name/],
    ['an unknown type', '{"nodes":[{"name":"a","type":"weird","content":null}]}', /invalid type "weird"/],
    ['no type', '{"nodes":[{"name":"a","content":null}]}', /invalid type/],
    ['a file without content', '{"nodes":[{"name":"a","type":"file","content":null}]}', /file "a" has nil blob list/],
    ['a file with content missing', '{"nodes":[{"name":"a","type":"file"}]}', /has nil blob list/],
    ['a dir without subtree', '{"nodes":[{"name":"a","type":"dir","content":null}]}', /dir "a" has no subtree/],
    ['a bad subtree ID', '{"nodes":[{"name":"a","type":"dir","content":null,"subtree":"abc"}]}', /subtree "abc" is not a valid ID/],
    ['a bad content ID', n(',"content":["xyz"]'), /content "xyz" is not a valid ID/],
    ['content that is not a list', n(',"content":"x"'), /content is not a list/],
    ['a negative uid', n(',"uid":-1'), /uid -1 is out of range/],
    ['a uid above uint32', n(',"uid":4294967296'), /uid 4294967296 is out of range/],
    ['a fractional gid', n(',"gid":1.5'), /gid is not an unsigned integer/],
    ['an inode above uint64', n(',"inode":18446744073709551616'), /inode 18446744073709551616 is out of range/],
    ['a size as a string', n(',"size":"5"'), /size is not an unsigned integer/],
    ['a mode above uint32', n(',"mode":4294967296'), /mode 4294967296 is out of range/],
    ['a bad time', n(',"mtime":"yesterday"'), /mtime "yesterday" is not an RFC3339 time/],
    ['a user that is not a string', n(',"user":5'), /user is not a string/],
    ['bad base64', n(',"extended_attributes":[{"name":"x","value":"!!"}]'), /not base64/],
    ['xattrs that are not a list', n(',"extended_attributes":{}'), /extended_attributes is not a list/],
  ] as const) {
    it(`refuses ${what}`, () => {
      const message_ = corruptMessage(json);
      expect(message_).toMatch(/^tree abc is damaged: /);
      expect(message_).toMatch(message);
    });
  }
});

/** Removes the whitespace json.MarshalIndent adds, giving back what json.Marshal wrote. */
function compactJson(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (!' \n\r\t'.includes(c)) out += c;
  }
  return out;
}

describe.skipIf(!existsSync('/usr/bin/restic'))('interop with the restic binary', () => {
  const TZ = 'Asia/Kolkata';
  const OFFSET = 330;
  let tmp = '';
  let env: NodeJS.ProcessEnv = {};
  const restic = (...args: string[]): Buffer => execFileSync('/usr/bin/restic', args, { env, cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  let snapshotId = '';
  const src = (): Buffer => Buffer.from(join(tmp, 'src'));
  const inSrc = (...parts: (string | Buffer)[]): Buffer => Buffer.concat([src(), ...parts.flatMap((p) => [Buffer.from('/'), Buffer.from(p)])]);

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'lockstep-tree-'));
    env = { PATH: process.env.PATH, HOME: tmp, TZ, RESTIC_PASSWORD: 'x', RESTIC_REPOSITORY: join(tmp, 'repo'), RESTIC_CACHE_DIR: join(tmp, 'cache') };
    mkdirSync(src());
    writeFileSync(inSrc('we"ird<&>name'), 'hello');
    writeFileSync(inSrc(Buffer.from([0x62, 0x61, 0x64, 0xff, 0x6e, 0x61, 0x6d, 0x65])), '');
    writeFileSync(inSrc('empty'), '');
    for (const name of ['nb\u00a0sp', 'melt\u{1FAE0}', 'emoji\u{1F600}', '\uFF01', 'priv\uE000', 'ctl\x01\b\f\x7f', 'back\\slash', 'ls\u2028x', 'tab\there', 'new\nline', 'é\u0301', 'soft\u00ad']) {
      writeFileSync(inSrc(name), name);
    }
    symlinkSync('we"ird<&>name', inSrc('link'));
    symlinkSync('ü<&>/nowhere', inSrc('dangling'));
    execFileSync('mkfifo', [join(tmp, 'src', 'fifo')]);
    writeFileSync(inSrc('suid'), '#!/bin/sh\n');
    chmodSync(inSrc('suid'), 0o4755);
    writeFileSync(inSrc('hard1'), 'linked');
    linkSync(inSrc('hard1'), inSrc('hard2'));
    mkdirSync(inSrc('sticky'));
    chmodSync(inSrc('sticky'), 0o1777);
    mkdirSync(inSrc('sub'));
    writeFileSync(inSrc('sub', 'inner.txt'), 'inner '.repeat(1000));
    mkdirSync(inSrc('sub', 'deep'));
    writeFileSync(inSrc('sub', 'deep', 'x<y'), 'x');
    restic('init');
    restic('backup', '--host', 'h<&>1', '--tag', 't&1', '--tag', 'plain', 'src');
    snapshotId = restic('list', 'snapshots').toString().trim();
    expect(snapshotId).toMatch(/^[0-9a-f]{64}$/);
  });

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('reads the snapshot and writes the bytes restic wrote', () => {
    const pretty = restic('cat', 'snapshot', snapshotId).toString();
    const snapshot = parseSnapshot(pretty, `snapshots/${snapshotId}`);
    expect(snapshot.hostname).toBe('h<&>1');
    expect(snapshot.tags).toEqual(['t&1', 'plain']);
    expect(snapshot.paths).toEqual([join(tmp, 'src')]);
    expect(snapshot.time).toMatch(/\+05:30$/);
    expect(encodeSnapshot(snapshot)).toBe(compactJson(pretty));
  });

  it('decodes every tree and re-encodes it to the same bytes and ID', () => {
    const snapshot = parseSnapshot(restic('cat', 'snapshot', snapshotId).toString(), 's');
    let trees = 0;
    const visit = (treeId: string): void => {
      const bytes = restic('cat', 'blob', treeId);
      expect(sha256(bytes)).toBe(treeId);
      const nodes = decodeTree(bytes, treeId);
      const again = encodeTree(nodes);
      expect(again.toString('latin1')).toBe(bytes.toString('latin1'));
      trees++;
      for (const node of nodes) if (node.type === 'dir') visit(node.subtree!);
    };
    visit(snapshot.tree);
    expect(trees).toBe(5); // root, src, sticky, sub, sub/deep
  });

  it('builds the src tree from lstat exactly as restic did', () => {
    const snapshot = parseSnapshot(restic('cat', 'snapshot', snapshotId).toString(), 's');
    const root = decodeTree(restic('cat', 'blob', snapshot.tree), snapshot.tree);
    expect(root.map((n) => n.name.toString())).toEqual(['src']);
    const srcTreeBytes = restic('cat', 'blob', root[0].subtree!);
    const theirs = decodeTree(srcTreeBytes, root[0].subtree!);
    expect(theirs.length).toBe(23);
    const ours = theirs.map((their): TreeNode => {
      const path = inSrc(their.name);
      const st = lstatSync(path, { bigint: true });
      const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFIFO() ? 'fifo' : 'socket';
      const node: TreeNode = {
        name: their.name,
        type,
        mode: goModeFromStat(Number(st.mode)),
        mtime: formatGoTime(st.mtimeNs, OFFSET),
        atime: their.atime, // reading during the backup may have moved atime since restic looked
        ctime: formatGoTime(st.ctimeNs, OFFSET),
        uid: Number(st.uid),
        gid: Number(st.gid),
        user: their.user,
        group: their.group,
        inode: st.ino,
        deviceId: st.dev,
        content: type === 'file' ? their.content : null,
      };
      if (type === 'file' && st.size > 0n) node.size = st.size;
      if (type === 'file' || type === 'symlink') node.links = st.nlink;
      if (type === 'symlink') node.linktarget = readlinkSync(path, { encoding: 'buffer' });
      if (type === 'dir') node.subtree = their.subtree;
      return node;
    });
    expect(theirs.find((n) => n.name.toString() === 'hard1')!.links).toBe(2n);
    expect(theirs.find((n) => n.name.toString() === 'suid')!.mode).toBe(8389101);
    expect(theirs.find((n) => n.name.toString() === 'sticky')!.mode).toBe((GoFileMode.Dir | GoFileMode.Sticky | 0o777) >>> 0);
    expect(theirs.find((n) => n.name.toString() === 'fifo')!.mode).toBe(GoFileMode.NamedPipe | 0o644);
    expect(encodeTree([...ours].reverse()).toString('latin1')).toBe(srcTreeBytes.toString('latin1'));
    const savedTz = process.env.TZ;
    process.env.TZ = TZ; // formatGoTime's default zone is the local one, like Go's time.Local
    forgetLocalOffsets();
    try {
      for (const node of ours) expect(formatGoTime(lstatSync(inSrc(node.name), { bigint: true }).mtimeNs)).toBe(node.mtime);
    } finally {
      if (savedTz === undefined) delete process.env.TZ;
      else process.env.TZ = savedTz;
      forgetLocalOffsets();
    }
  });
});
