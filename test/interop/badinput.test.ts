// Bad input: a clear one-line error, the right exit code, nothing lost and nothing written outside the target.
import { existsSync, readdirSync, readFileSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../server/src/backend/local';
import { BlobWriter } from '../../server/src/repo/engine/packer';
import { Repository } from '../../server/src/repo/repository';
import { lockstep, lockstepOk } from '../helpers/cli';
import { makeSourceTree } from '../helpers/fstree';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'pw-bad-input';

function filesIn(dir: string): string[] {
  return readdirSync(dir).filter((n) => /^[0-9a-f]{64}$/.test(n));
}

function packsIn(repo: string): string[] {
  return readdirSync(path.join(repo, 'data')).flatMap((d) => readdirSync(path.join(repo, 'data', d)).map((f) => path.join(repo, 'data', d, f)));
}

function flipByte(file: string, offset: number): void {
  chmodSync(file, 0o600);
  const bytes = readFileSync(file);
  bytes[offset] ^= 0x40;
  writeFileSync(file, bytes);
}

/** One line starting with "Fatal:", no stack trace. */
function expectClearError(stderr: string, pattern: RegExp): void {
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('bad input on the command line', () => {
  let work: string;
  let repo: string;
  let source: string;
  beforeAll(() => {
    work = makeTempDir('bad');
    repo = path.join(work, 'repo');
    source = path.join(work, 'source');
    makeSourceTree(source);
    lockstepOk(['init'], { repo, password: PASSWORD });
    lockstepOk(['backup', source], { repo, password: PASSWORD });
  });

  it('a wrong password exits 12 with a clear message', () => {
    const result = lockstep(['snapshots'], { repo, password: 'not the password' });
    expect(result.code).toBe(12);
    expectClearError(result.stderr, /^Fatal: wrong password or no key found\n$/);
  });

  it('a missing repository exits 10', () => {
    const result = lockstep(['snapshots'], { repo: path.join(work, 'nowhere'), password: PASSWORD });
    expect(result.code).toBe(10);
    expectClearError(result.stderr, /repository does not exist/);
  });

  it('no password at all is a clear error, not a hang', () => {
    const result = lockstep(['snapshots'], { repo });
    expect(result.code).toBe(1);
    expectClearError(result.stderr, /no password given/);
  });

  it('a missing source path is skipped with restic 0.18\'s message and the rest is backed up (exit 0, as restic)', () => {
    const result = lockstep(['backup', source, path.join(work, 'does-not-exist')], { repo, password: PASSWORD });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`${path.join(work, 'does-not-exist')} does not exist, skipping\n`);
    expect(result.stdout).toMatch(/snapshot [0-9a-f]{8} saved/);
  });

  it('a file whose read fails (on the worker thread that reads it) is reported and left out (exit 3)', () => {
    // Reading /proc/self/mem at offset 0 fails with EIO, even for root: a real read error from the kernel.
    const result = lockstep(['backup', '--json', source, '/proc/self/mem'], { repo, password: PASSWORD });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('{"message_type":"error","error":{"message":"EIO (read)"},"during":"archival","item":"/proc/self/mem"}');
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { message_type?: string; snapshot_id?: string };
    expect(summary).toMatchObject({ message_type: 'summary' });
    const listing = lockstep(['ls', '--json', summary.snapshot_id ?? 'latest'], { repo, password: PASSWORD });
    expect(listing.stdout).toMatch(/"path":"\/proc\/self"/);
    expect(listing.stdout).not.toMatch(/"path":"\/proc\/self\/mem"/);
  });

  it('only missing source paths: exit 1 and no snapshot', () => {
    const before = filesIn(path.join(repo, 'snapshots')).length;
    const result = lockstep(['backup', path.join(work, 'missing')], { repo, password: PASSWORD });
    expect(result.code).toBe(1);
    expectClearError(result.stderr, /all source paths do not exist/);
    expect(filesIn(path.join(repo, 'snapshots'))).toHaveLength(before);
  });

  it('an unknown command or flag names what was wrong', () => {
    expectClearError(lockstep(['frobnicate'], { repo, password: PASSWORD }).stderr, /unknown command "frobnicate"/);
    expectClearError(lockstep(['backup', '--frob', source], { repo, password: PASSWORD }).stderr, /unknown flag: --frob/);
  });

  it('foreign files in repository folders are ignored', () => {
    writeFileSync(path.join(repo, 'snapshots', 'README.txt'), 'not a snapshot');
    writeFileSync(path.join(repo, 'index', 'notes'), 'not an index');
    writeFileSync(path.join(repo, 'keys', 'backup-of-key'), 'not a key');
    const result = lockstepOk(['snapshots', '--json'], { repo, password: PASSWORD });
    expect(JSON.parse(result.stdout).length).toBeGreaterThan(0);
    lockstepOk(['backup', source], { repo, password: PASSWORD });
  });
});

describe('damaged repositories', () => {
  function freshRepo(): { work: string; repo: string; source: string } {
    const work = makeTempDir('dmg');
    const repo = path.join(work, 'repo');
    const source = path.join(work, 'source');
    makeSourceTree(source);
    lockstepOk(['init'], { repo, password: PASSWORD });
    lockstepOk(['backup', source], { repo, password: PASSWORD });
    return { work, repo, source };
  }

  it('a flipped byte in a pack fails the restore of that file clearly', () => {
    const { work, repo } = freshRepo();
    const biggest = packsIn(repo).sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0];
    flipByte(biggest, 100);
    const result = lockstep(['restore', 'latest', '--target', path.join(work, 'out')], { repo, password: PASSWORD });
    expect(result.code).toBe(1);
    expectClearError(result.stderr, /data\/[0-9a-f]{64} is damaged: (data|tree) blob [0-9a-f]{64} cannot be decrypted \(MAC check failed\)/);
  });

  it('a damaged index file is named in the error', () => {
    const { repo } = freshRepo();
    const index = filesIn(path.join(repo, 'index'))[0];
    flipByte(path.join(repo, 'index', index), 40);
    const result = lockstep(['ls', 'latest'], { repo, password: PASSWORD });
    expect(result.code).toBe(1);
    expectClearError(result.stderr, new RegExp(`index/${index} is damaged: its content does not match its name`));
  });

  it('a damaged snapshot file is named in the error (damage.test.ts: which commands go on without it)', () => {
    const { repo } = freshRepo();
    const snap = filesIn(path.join(repo, 'snapshots'))[0];
    flipByte(path.join(repo, 'snapshots', snap), 20);
    const result = lockstep(['ls', 'latest'], { repo, password: PASSWORD });
    expect(result.code).toBe(1);
    expectClearError(result.stderr, new RegExp(`snapshots/${snap} is damaged`));
  });

  it('a truncated pack is reported, and the index and snapshots stay intact', () => {
    const { work, repo } = freshRepo();
    const pack = packsIn(repo).sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0];
    chmodSync(pack, 0o600);
    writeFileSync(pack, readFileSync(pack).subarray(0, 1000));
    const result = lockstep(['restore', 'latest', '--target', path.join(work, 'out')], { repo, password: PASSWORD });
    expect(result.code).toBe(1);
    expectClearError(result.stderr, /is damaged|truncated/);
    expect(JSON.parse(lockstepOk(['snapshots', '--json'], { repo, password: PASSWORD }).stdout)).toHaveLength(1);
  });
});

describe('hostile tree entries on restore', () => {
  for (const evil of ['../x', '/etc/x', '..', 'a/../../x']) {
    it(`refuses an entry named ${JSON.stringify(evil)} and writes nothing outside the target`, async () => {
      const work = makeTempDir('evil');
      const repoDir = path.join(work, 'repo');
      const repo = await Repository.init(new LocalBackend(repoDir), PASSWORD, { kdf: { N: 1024, r: 8, p: 1 } });
      const writer = new BlobWriter(repo, { compress: true, threads: 0 });
      const content = await writer.save('data', Buffer.from('pwned\n'));
      const fileNode = `{"name":${JSON.stringify(evil)},"type":"file","mode":420,"mtime":"2020-01-01T00:00:00Z","atime":"2020-01-01T00:00:00Z","ctime":"2020-01-01T00:00:00Z","uid":0,"gid":0,"size":6,"content":["${content.id}"]}`;
      const okNode = `{"name":"fine","type":"file","mode":420,"mtime":"2020-01-01T00:00:00Z","atime":"2020-01-01T00:00:00Z","ctime":"2020-01-01T00:00:00Z","uid":0,"gid":0,"size":6,"content":["${content.id}"]}`;
      const tree = await writer.save('tree', Buffer.from(`{"nodes":[${fileNode},${okNode}]}\n`));
      await writer.commitIndex();
      await writer.close();
      await repo.saveSnapshot({ time: '2020-01-01T00:00:00Z', tree: tree.id, paths: ['/evil'] });
      await repo.close();

      const target = path.join(work, 'deep', 'target');
      mkdirSync(target, { recursive: true });
      const result = lockstep(['restore', 'latest', '--target', target], { repo: repoDir, password: PASSWORD });
      expect(result.code).toBe(1);
      expectClearError(result.stderr, /invalid file name|damaged/);
      expect(existsSync(path.join(work, 'deep', 'x'))).toBe(false);
      expect(existsSync(path.join(work, 'x'))).toBe(false);
      expect(existsSync('/etc/x')).toBe(false);
    });
  }
});

describeWithPeer('restic-0.14', 'bad input keeps the repository valid', () => {
  it('failed commands leave a repository that restic checks clean', () => {
    const restic = requirePeer('restic-0.14');
    const work = makeTempDir('bad-check');
    const repo = path.join(work, 'repo');
    const source = path.join(work, 'source');
    makeSourceTree(source);
    lockstepOk(['init'], { repo, password: PASSWORD });
    lockstep(['backup', source], { repo, password: 'wrong' });
    lockstep(['backup', path.join(work, 'missing')], { repo, password: PASSWORD });
    lockstepOk(['backup', source], { repo, password: PASSWORD });
    runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
  });
});
