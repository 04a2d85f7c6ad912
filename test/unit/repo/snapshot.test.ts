import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CorruptFileError, LockstepError } from '../../../server/src/base/errors';
import { Repository } from '../../../server/src/repo/repository';
import { encodeSnapshot, parseSnapshot, Snapshot } from '../../../server/src/repo/format/snapshot';
import { MemoryBackend } from '../../helpers/memory-backend';

const id = (n: number): string => createHash('sha256').update(String(n)).digest('hex');

describe('encodeSnapshot', () => {
  it('reproduces the snapshot restic 0.14 wrote (§5.2) byte for byte', () => {
    const tree = 'a327' + id(1).slice(4);
    const expected = `{"time":"2026-11-24T03:03:30.076448576Z","tree":"${tree}","paths":["/…/src"],"hostname":"h1","username":"root","tags":["t1"]}`;
    const s: Snapshot = { time: '2026-11-24T03:03:30.076448576Z', tree, paths: ['/…/src'], hostname: 'h1', username: 'root', uid: 0, gid: 0, tags: ['t1'] };
    expect(encodeSnapshot(s)).toBe(expected);
    expect(encodeSnapshot(parseSnapshot(expected, 'snapshots/x'))).toBe(expected);
  });

  it('writes every field in Go order, with Go escaping and no trailing newline', () => {
    const s: Snapshot = {
      summary: { filesNew: 2, backupEnd: '2026-01-01T00:00:02Z', backup_start: '2026-01-01T00:00:00Z', totalBytesProcessed: 2n ** 60n, extra: 'x<y' },
      programVersion: 'lockstep 1.0',
      original: id(4),
      tags: ['a&b', 'c'],
      excludes: ['*.tmp'],
      gid: 1000,
      uid: 1000,
      username: 'u\u2028',
      hostname: 'h<1>',
      paths: ['/home/u', '/etc'],
      tree: id(2),
      parent: id(3),
      time: '2026-01-01T00:00:00+01:00',
    };
    const json = encodeSnapshot(s);
    expect(json).toBe(
      `{"time":"2026-01-01T00:00:00+01:00","parent":"${id(3)}","tree":"${id(2)}","paths":["/home/u","/etc"],` +
        `"hostname":"h\\u003c1\\u003e","username":"u\\u2028","uid":1000,"gid":1000,"excludes":["*.tmp"],"tags":["a\\u0026b","c"],` +
        `"original":"${id(4)}","program_version":"lockstep 1.0","summary":{"backup_start":"2026-01-01T00:00:00Z",` +
        `"backup_end":"2026-01-01T00:00:02Z","files_new":2,"total_bytes_processed":1152921504606846976,"extra":"x\\u003cy"}}`,
    );
    const back = parseSnapshot(json, 's');
    expect(back.summary?.total_bytes_processed).toBe(2n ** 60n);
    expect(back.summary?.files_new).toBe(2);
    expect(encodeSnapshot(back)).toBe(json);
    expect(back).toMatchObject({ parent: id(3), tree: id(2), uid: 1000, gid: 1000, hostname: 'h<1>', tags: ['a&b', 'c'], programVersion: 'lockstep 1.0' });
  });

  it('leaves out empty optional fields (uid/gid 0, empty lists) but always writes paths', () => {
    expect(encodeSnapshot({ time: '2026-01-01T00:00:00Z', tree: id(1), paths: [], tags: [], excludes: [], uid: 0, gid: 0, hostname: '' })).toBe(
      `{"time":"2026-01-01T00:00:00Z","tree":"${id(1)}","paths":[]}`,
    );
  });

  it('refuses to write what restic could not read', () => {
    expect(() => encodeSnapshot({ time: 'now', tree: id(1), paths: [] })).toThrow(LockstepError);
    expect(() => encodeSnapshot({ time: '2026-01-01T00:00:00Z', tree: 'abc', paths: [] })).toThrow(LockstepError);
    expect(() => encodeSnapshot({ time: '2026-01-01T00:00:00Z', tree: id(1), parent: 'x', paths: [] })).toThrow(LockstepError);
    expect(() => encodeSnapshot({ time: '2026-01-01T00:00:00Z', tree: id(1), paths: [], uid: -1 })).toThrow(LockstepError);
  });
});

describe('parseSnapshot', () => {
  it('ignores unknown fields and whitespace, reads pretty-printed JSON', () => {
    const json = `{\n  "time": "2026-11-25T08:39:05.324107153+05:30",\n  "tree": "${id(1)}",\n  "paths": ["/src"],\n  "future": {"x": [1, 2]},\n  "hostname": "vm"\n}\n`;
    expect(parseSnapshot(json, 's')).toEqual({ time: '2026-11-25T08:39:05.324107153+05:30', tree: id(1), paths: ['/src'], hostname: 'vm' });
  });

  it('treats null like a missing field', () => {
    const s = parseSnapshot(`{"time":"2026-01-01T00:00:00Z","tree":"${id(1)}","paths":null,"parent":null,"tags":null}`, 's');
    expect(s).toEqual({ time: '2026-01-01T00:00:00Z', tree: id(1), paths: [] });
  });

  for (const [what, json, message] of [
    ['broken JSON', '{"time":', /invalid JSON/],
    ['not an object', '[]', /not a JSON object/],
    ['no tree', '{"time":"2020-01-01T00:00:00Z","paths":[]}', /the snapshot has no tree/],
    ['a short tree ID', '{"time":"2020-01-01T00:00:00Z","tree":"abc","paths":[]}', /tree "abc" is not a valid ID/],
    ['no time', `{"tree":"${id(1)}","paths":[]}`, /the snapshot has no time/],
    ['a bad time', `{"time":"2020-01-01","tree":"${id(1)}","paths":[]}`, /not an RFC3339 time/],
    ['paths not strings', `{"time":"2020-01-01T00:00:00Z","tree":"${id(1)}","paths":[1]}`, /paths is not a list of strings/],
    ['a negative uid', `{"time":"2020-01-01T00:00:00Z","tree":"${id(1)}","paths":[],"uid":-1}`, /uid is not a uint32/],
    ['a huge gid', `{"time":"2020-01-01T00:00:00Z","tree":"${id(1)}","paths":[],"gid":4294967296}`, /gid is not a uint32/],
    ['a bad parent', `{"time":"2020-01-01T00:00:00Z","tree":"${id(1)}","paths":[],"parent":"zz"}`, /parent "zz" is not a valid ID/],
    ['a hostname number', `{"time":"2020-01-01T00:00:00Z","tree":"${id(1)}","paths":[],"hostname":5}`, /hostname is not a string/],
    ['trailing garbage', `{"time":"2020-01-01T00:00:00Z","tree":"${id(1)}","paths":[]} x`, /invalid JSON/],
  ] as const) {
    it(`refuses ${what}`, () => {
      let error: unknown;
      try {
        parseSnapshot(json, 'snapshots/abc');
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(CorruptFileError);
      expect((error as CorruptFileError).file).toBe('snapshots/abc');
      expect((error as Error).message).toMatch(/^snapshots\/abc is damaged: /);
      expect((error as Error).message).toMatch(message);
    });
  }
});

describe('listSnapshots', () => {
  it('orders snapshots by the instant they name, whatever their zone offset or number of fraction digits', async () => {
    const repo = await Repository.init(new MemoryBackend(), 'pw-order', { kdf: { N: 1024, r: 8, p: 1 } });
    // Oldest first; as text, each of these sorts the other way round against its neighbour.
    const times = [
      '2026-12-02T00:56:10Z',
      '2026-12-02T00:56:10.1Z',
      '2026-12-02T00:56:10.123Z',
      '2026-12-02T01:56:11+01:00', // 00:56:11 UTC
      '2026-12-02T00:56:12.5Z',
      '2026-12-01T23:00:00-02:00', // 01:00:00 UTC on the 2nd
    ];
    const ids: string[] = [];
    for (const time of [...times].reverse()) ids.unshift(await repo.saveSnapshot({ time, tree: id(9), paths: ['/src'] }));
    expect((await repo.listSnapshots()).map((e) => e.snapshot.time)).toEqual(times);
    expect((await repo.findSnapshot('latest')).id).toBe(ids.at(-1));
    await repo.close();
  });
});
