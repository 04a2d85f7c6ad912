// The tree read-ahead (server/src/ops/readahead/): the ring's records survive wrapping round its end, the walk
// writes what lstat, readdir, readlink and a whole read of each small file say, in the order a backup asks for it
// and leaving out what its filters leave out, and the walk's side falls back to its own system calls, with the same
// answers, the moment a record is not the one it asks for. Here the walk runs on the test's thread into a ring large
// enough for all of it (its own thread is driven by the CLI tests in test/integration/readahead.test.ts).
import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecord, RecordKind, writeEnd, writeEntry, writeFolder } from '../../../server/src/ops/readahead/records';
import { ringMemory, RingReader, RingWriter } from '../../../server/src/ops/readahead/ring';
import { directSource, ReadAheadSource, type WalkedEntry } from '../../../server/src/ops/readahead/source';
import { walkAhead, type ReadAheadPlan } from '../../../server/src/ops/readahead/walk';
import { zstdDecompress, zstdReady } from '../../../server/src/repo/format/zstd';
import { cleanupTempDirs, makeTempDir } from '../../helpers/tmp';

afterAll(cleanupTempDirs);

const SMALL = 4096;

/** A tree with every kind of entry the walk treats apart. */
function makeTree(): string {
  const root = makeTempDir('readahead-tree');
  mkdirSync(path.join(root, 'a', 'deep', 'er'), { recursive: true });
  writeFileSync(path.join(root, 'a', 'text.txt'), 'lockstep '.repeat(300));
  writeFileSync(path.join(root, 'a', 'random.bin'), randomBytes(3000));
  writeFileSync(path.join(root, 'a', 'empty'), '');
  writeFileSync(path.join(root, 'a', 'large.bin'), randomBytes(SMALL * 3));
  writeFileSync(path.join(root, 'a', 'deep', 'er', 'note.md'), '# note\n');
  writeFileSync(path.join(root, 'a', 'skip.log'), 'left out by --exclude');
  symlinkSync('../a/text.txt', path.join(root, 'a', 'link'));
  mkfifoSync(path.join(root, 'a', 'fifo'));
  mkdirSync(path.join(root, 'tagged'));
  writeFileSync(path.join(root, 'tagged', '.nobackup'), '');
  writeFileSync(path.join(root, 'tagged', 'hidden.txt'), 'kept out by the tag');
  return root;
}

function mkfifoSync(file: string): void {
  execFileSync('mkfifo', [file]);
}

function planFor(root: string, overrides: Partial<ReadAheadPlan> = {}): ReadAheadPlan {
  return {
    // The tagged folder first: what the walk leaves out there must not be in the way of what comes after.
    steps: [{ kind: 'target', path: path.join(root, 'tagged') }, { kind: 'target', path: path.join(root, 'a') }],
    paths: [path.join(root, 'a'), path.join(root, 'tagged')],
    filter: { excludes: ['*.log'], excludeIfPresent: ['.nobackup'] },
    smallFileLimit: SMALL,
    compress: true,
    ...overrides,
  };
}

/** Walks `plan` on this thread into a ring that must hold all of it (else the walk would wait for ever); the walk's side of it. */
function walked(plan: ReadAheadPlan, capacity = 4 * 1024 * 1024): { source: ReadAheadSource; stopped: () => number } {
  const memory = ringMemory(capacity);
  walkAhead(plan, new RingWriter(memory));
  let stops = 0;
  const source = new ReadAheadSource(new RingReader(memory), async () => {
    stops++;
  });
  return { source, stopped: () => stops };
}

/** What a backup's walk asks for, in its order (a folder's entries as its source lists them), and the answers. */
async function walkLikeBackup(source: { entry(p: Buffer): WalkedEntry | Promise<WalkedEntry>; list(p: Buffer): Buffer[] | Promise<Buffer[]> }, targets: string[], kept: (dir: string, names: Buffer[]) => Buffer[]): Promise<Map<string, WalkedEntry & { names?: string[] }>> {
  const seen = new Map<string, WalkedEntry & { names?: string[] }>();
  const visit = async (full: string): Promise<void> => {
    if (full.endsWith('.log')) return;
    const entry = await source.entry(Buffer.from(full));
    // The blob's bytes are views of the ring, valid until the next call: copied here.
    const blob = entry.blob && { ...entry.blob, payload: Buffer.from(entry.blob.payload), digest: Buffer.from(entry.blob.digest) };
    const record: WalkedEntry & { names?: string[] } = { ...entry, blob };
    seen.set(full, record);
    if (!entry.stat || (Number(entry.stat.mode) & 0o170000) !== 0o040000) return;
    const names = await source.list(Buffer.from(full));
    record.names = names.map(String).sort();
    for (const name of kept(full, names)) await visit(path.join(full, name.toString()));
  };
  for (const target of targets) await visit(target);
  return seen;
}

const tagFilter = (dir: string, names: Buffer[]): Buffer[] => (names.some((n) => n.toString() === '.nobackup') ? names.filter((n) => n.toString() === '.nobackup') : names);

describe('the ring', () => {
  it('hands records over in order across its end, and a stopped reader stops the writer', () => {
    const memory = ringMemory(1024);
    const writer = new RingWriter(memory);
    const reader = new RingReader(memory);
    const read: string[] = [];
    const takeAll = (): void => {
      for (let at = reader.next(); at !== undefined; at = reader.next()) {
        const record = readRecord(reader, at);
        if (record.kind === RecordKind.Entry) read.push(record.path.toString());
        reader.release(record.length);
      }
    };
    for (let round = 0; round < 40; round++) {
      // Records of 50 to 300 bytes, two written before they are read: they meet the ring's end at ever other places.
      // (A third could find no room, and this thread would wait for a reader that is itself.)
      for (let i = 0; i < 3; i++) {
        expect(writeEntry(writer, { path: Buffer.from(`r${round}-${i}-${'x'.repeat((round * 37 + i * 11) % 250)}`) })).toBe(true);
        if (i > 0) takeAll();
      }
    }
    expect(read).toHaveLength(120);
    expect(read.map((p) => p.split('-').slice(0, 2).join('-'))).toEqual(Array.from({ length: 120 }, (_, n) => `r${Math.floor(n / 3)}-${n % 3}`));
    // Once the reader has stopped, the writer gives up rather than wait for room.
    reader.stop();
    expect(writeEntry(writer, { path: Buffer.alloc(600) })).toBe(false);
  });

  it('keeps names, errors and the end as they were written', () => {
    const memory = ringMemory(4096);
    const writer = new RingWriter(memory);
    const reader = new RingReader(memory);
    writeFolder(writer, Buffer.from('/d'), [Buffer.from('b'), Buffer.from([0xff, 0x61]), Buffer.from('')]);
    writeFolder(writer, Buffer.from('/e'), undefined, { code: 'EACCES', syscall: 'scandir', message: "EACCES: permission denied, scandir '/e'" });
    writeEnd(writer);
    const records = [];
    for (let at = reader.next(); at !== undefined; at = reader.next()) {
      const record = readRecord(reader, at);
      records.push(record);
      reader.release(record.length);
    }
    expect(records[0]).toMatchObject({ kind: RecordKind.Folder, names: [Buffer.from('b'), Buffer.from([0xff, 0x61]), Buffer.alloc(0)] });
    expect(records[1]).toMatchObject({ kind: RecordKind.Folder, error: { code: 'EACCES', syscall: 'scandir', message: "EACCES: permission denied, scandir '/e'" } });
    expect(records[2].kind).toBe(RecordKind.End);
  });
});

describe('the walk ahead', () => {
  it('answers every question of the walk as its own system calls would, with small files read, hashed and compressed', async () => {
    await zstdReady();
    const root = makeTree();
    const plan = planFor(root);
    const ahead = walked(plan);
    const targets = plan.steps.map((s) => (s.kind === 'target' ? s.path : ''));
    const got = await walkLikeBackup(ahead.source, targets, tagFilter);
    const direct = await walkLikeBackup(directSource, targets, tagFilter);
    // Every answer came from the walk ahead: one record per entry, one more per folder listed.
    expect(ahead.source.usage).toEqual({ records: got.size + [...got.values()].filter((e) => e.names).length, fellBack: undefined });
    await ahead.source.close();
    expect([...got.keys()]).toEqual([...direct.keys()]);
    expect(got.has(path.join(root, 'a', 'skip.log'))).toBe(false);
    expect(got.has(path.join(root, 'tagged', 'hidden.txt'))).toBe(false);
    for (const [file, entry] of got) {
      const own = direct.get(file);
      // Access times left out: the walks list folders and read files, which moves them.
      for (const field of ['dev', 'ino', 'mode', 'nlink', 'uid', 'gid', 'rdev', 'size', 'mtimeNs', 'ctimeNs'] as const) expect(entry.stat?.[field], `${file} ${field}`).toBe(own?.stat?.[field]);
      expect(entry.names, file).toEqual(own?.names);
    }
    const blobOf = (name: string): NonNullable<WalkedEntry['blob']> => {
      const blob = got.get(path.join(root, 'a', name))?.blob;
      if (!blob) throw new Error(`${name} was not read ahead`);
      return blob;
    };
    for (const name of ['text.txt', 'random.bin', 'empty']) {
      const bytes = readFileSync(path.join(root, 'a', name));
      const blob = blobOf(name);
      expect(blob.plainLength).toBe(bytes.length);
      const plain = blob.compressed ? zstdDecompress(blob.payload, blob.plainLength) : blob.payload;
      expect(Buffer.from(plain).equals(bytes), name).toBe(true);
      expect(Buffer.from(blob.digest).toString('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    expect(blobOf('random.bin').compressed).toBe(false);
    expect(got.get(path.join(root, 'a', 'large.bin'))?.blob).toBeUndefined();
    expect(got.get(path.join(root, 'a', 'link'))?.linkTarget?.toString()).toBe('../a/text.txt');
    expect(got.get(path.join(root, 'a', 'fifo'))?.blob).toBeUndefined();
    expect(ahead.stopped()).toBe(1);
  });

  it('hashes the files it reads, and compresses them too while the walk lags behind', async () => {
    await zstdReady();
    const root = makeTempDir('readahead-lag');
    const files = Array.from({ length: 20 }, (_, i) => path.join(root, `t${String(i).padStart(2, '0')}`));
    files.forEach((file, i) => writeFileSync(file, `line ${i} `.repeat(120).slice(0, 1000)));
    // 20 records of about 1,200 bytes in a ring of 64 KiB: past a quarter of it the walk lags, nothing is read yet.
    const ahead = walked(planFor(root, { steps: [{ kind: 'target', path: root }], paths: [root], filter: {} }), 64 * 1024);
    await ahead.source.entry(Buffer.from(root));
    const names = (await ahead.source.list(Buffer.from(root))).map(String);
    const made: boolean[] = [];
    for (const name of names) {
      const blob = (await ahead.source.entry(Buffer.from(path.join(root, name)))).blob;
      if (!blob) throw new Error(`${name} was not read ahead`);
      const bytes = readFileSync(path.join(root, name));
      made.push(blob.final);
      expect(Buffer.from(blob.digest).toString('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
      if (blob.final) {
        expect(blob.compressed).toBe(true);
        expect(blob.payload.length).toBeLessThan(bytes.length);
      }
      expect(Buffer.from(blob.compressed ? zstdDecompress(blob.payload, blob.plainLength) : blob.payload).equals(bytes)).toBe(true);
    }
    // The first ones went as read (the walk kept up), the later ones compressed.
    expect(made.slice(0, 5)).toEqual([false, false, false, false, false]);
    expect(made.slice(-3)).toEqual([true, true, true]);
    expect(ahead.source.usage).toEqual({ records: 22, fellBack: undefined });
  });

  it('compresses a content it met before in the walk only once, while the walk lags behind', async () => {
    await zstdReady();
    const root = makeTempDir('readahead-dup');
    const content = (i: number): string => `entry ${i} `.repeat(120).slice(0, 1000);
    // u00-u19 first, then v00-v19 with the same contents: by then the walk lags (see the test above).
    for (let i = 0; i < 20; i++) writeFileSync(path.join(root, `u${String(i).padStart(2, '0')}`), content(i));
    for (let i = 0; i < 20; i++) writeFileSync(path.join(root, `v${String(i).padStart(2, '0')}`), content(i));
    const ahead = walked(planFor(root, { steps: [{ kind: 'target', path: root }], paths: [root], filter: {} }), 64 * 1024);
    await ahead.source.entry(Buffer.from(root));
    const made = new Map<string, boolean>();
    for (const name of (await ahead.source.list(Buffer.from(root))).map(String)) {
      const blob = (await ahead.source.entry(Buffer.from(path.join(root, name)))).blob;
      if (!blob) throw new Error(`${name} was not read ahead`);
      const bytes = readFileSync(path.join(root, name));
      made.set(name, blob.final);
      expect(Buffer.from(blob.digest).toString('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(Buffer.from(blob.compressed ? zstdDecompress(blob.payload, blob.plainLength) : blob.payload).equals(bytes)).toBe(true);
    }
    // The last of the first contents were compressed here; none of their copies was: the backup stores each once.
    expect([...made].filter(([name, final]) => name.startsWith('u') && final).length).toBeGreaterThan(5);
    expect([...made].filter(([name, final]) => name.startsWith('v') && final)).toEqual([]);
  });

  it('follows the entries of folders at the top of the snapshot, less the names taken before them', async () => {
    const root = makeTree();
    const plan = planFor(root, { steps: [{ kind: 'target', path: path.join(root, 'a') }, { kind: 'contents', folders: [root], taken: ['a'] }] });
    const ahead = walked(plan);
    expect(await ahead.source.entry(Buffer.from(path.join(root, 'a')))).toMatchObject({ stat: { ino: BigInt(lstatSync(path.join(root, 'a')).ino) } });
    const names = await ahead.source.list(Buffer.from(path.join(root, 'a')));
    for (const name of names.filter((n) => !n.toString().endsWith('.log'))) {
      const full = path.join(root, 'a', name.toString());
      await ahead.source.entry(Buffer.from(full));
      if (name.toString() === 'deep') {
        await ahead.source.list(Buffer.from(full));
        await ahead.source.entry(Buffer.from(path.join(full, 'er')));
        await ahead.source.list(Buffer.from(path.join(full, 'er')));
        await ahead.source.entry(Buffer.from(path.join(full, 'er', 'note.md')));
      }
    }
    const top = (await ahead.source.list(Buffer.from(root))).map(String).sort();
    expect(top).toEqual(readdirSync(root).sort());
    // "a" was taken by the target before: the walk goes on with "tagged" only.
    expect((await ahead.source.entry(Buffer.from(path.join(root, 'tagged')))).stat).toBeDefined();
    expect(await ahead.source.list(Buffer.from(path.join(root, 'tagged')))).toHaveLength(2);
    expect((await ahead.source.entry(Buffer.from(path.join(root, 'tagged', '.nobackup')))).blob?.plainLength).toBe(0);
    expect(ahead.stopped()).toBe(0);
    expect(ahead.source.usage.fellBack).toBeUndefined();
  });

  it('falls back to its own system calls, with the same answers, once a record is not the one asked for', async () => {
    const root = makeTree();
    const ahead = walked(planFor(root, { steps: [{ kind: 'target', path: path.join(root, 'a') }] }));
    const first = await ahead.source.entry(Buffer.from(path.join(root, 'a')));
    expect(first.stat).toBeDefined();
    // The walk skips the folder's listing and asks for a file the record after it does not name.
    const file = path.join(root, 'a', 'text.txt');
    const answer = await ahead.source.entry(Buffer.from(file));
    expect(ahead.stopped()).toBe(1);
    expect(ahead.source.usage).toEqual({ records: 1, fellBack: `the walk asked for ${file}, not ${path.join(root, 'a')}` });
    expect(answer.blob).toBeUndefined();
    expect(answer.stat?.ino).toBe(lstatSync(file, { bigint: true }).ino);
    expect((await ahead.source.list(Buffer.from(path.join(root, 'a')))).map(String).sort()).toEqual(readdirSync(path.join(root, 'a')).sort());
    const missing = await ahead.source.entry(Buffer.from(path.join(root, 'a', 'gone')));
    expect(missing).toMatchObject({ error: { code: 'ENOENT', syscall: 'lstat' } });
  });

  it('stops waiting for a record when the backup is cancelled, with the cancellation\'s reason', async () => {
    const memory = ringMemory(64 * 1024);
    const cancel = new AbortController();
    let stops = 0;
    // Nothing is ever written: a read-ahead thread stuck in a system call.
    const source = new ReadAheadSource(new RingReader(memory), async () => void stops++, cancel.signal);
    const waiting = source.entry(Buffer.from('/stuck'));
    expect(waiting).toBeInstanceOf(Promise);
    const reason = new Error('interrupted');
    cancel.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await source.close();
    expect(stops).toBe(1);
  });

  it('says what the file system said about an entry that cannot be looked at', async () => {
    const root = makeTree();
    const gone = path.join(root, 'gone');
    const ahead = walked(planFor(root, { steps: [{ kind: 'target', path: gone }], paths: [root] }));
    expect(await ahead.source.entry(Buffer.from(gone))).toMatchObject({ error: { code: 'ENOENT', syscall: 'lstat' }, stat: undefined });
  });
});
