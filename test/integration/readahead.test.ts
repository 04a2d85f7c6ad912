// The CLI's backups read the tree ahead on a thread of their own (server/src/ops/readahead/): started while the key is
// derived, it makes the walk's system calls and reads, hashes and compresses small files, and the walk takes its
// records in order. A snapshot made so must be the one the walk makes on its own (LOCKSTEP_READAHEAD=0): restic lists
// the same entries with the same metadata, checks every byte and restores the files as they were; and the walk must
// have taken every record (LOCKSTEP_TRACE's line), for a "." target beside another, excludes and a tagged folder, in
// the first backup and a forced one (the one between, with a parent, reads few files and starts no thread).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { lockstepOk } from '../helpers/cli';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'read-ahead';

/** Folders of small text and random files, empty files, a large file, links, a FIFO, excluded and tagged entries. */
function makeTree(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const put = (relative: string, data: Buffer): void => {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, data);
    files.set(relative, data);
  };
  for (let i = 0; i < 600; i++) {
    const folder = `work/d${i % 9}/e${i % 4}`;
    if (i % 97 === 5) put(`${folder}/empty${i}`, Buffer.alloc(0));
    else if (i % 3 === 0) put(`${folder}/r${i}.bin`, randomBytes(500 + ((i * 131) % 20_000)));
    else put(`${folder}/t${i}.txt`, Buffer.from(`line ${i} of some text\n`.repeat(20 + (i % 700))));
  }
  put('work/big.bin', randomBytes(1_500_000));
  put('work/same-as-big.bin', files.get('work/big.bin') ?? Buffer.alloc(0));
  put('extra/notes.md', Buffer.from('# beside the working folder\n'));
  writeFileSync(path.join(root, 'work', 'd1', 'build.log'), 'left out');
  mkdirSync(path.join(root, 'work', 'cache'));
  writeFileSync(path.join(root, 'work', 'cache', '.nobackup'), '');
  writeFileSync(path.join(root, 'work', 'cache', 'blob.dat'), randomBytes(3000));
  files.set('work/cache/.nobackup', Buffer.alloc(0));
  symlinkSync('d0/e0', path.join(root, 'work', 'link-to-folder'));
  symlinkSync('/nowhere/at/all', path.join(root, 'work', 'd2', 'dangling'));
  execFileSync('mkfifo', [path.join(root, 'work', 'd3', 'pipe')]);
  return files;
}

describeWithPeer('restic-0.18', 'backups that read the tree ahead', () => {
  it('make the snapshots a walk on its own makes, taking every record read ahead', () => {
    const restic = requirePeer('restic-0.18');
    const src = makeTempDir('readahead-src');
    const files = makeTree(src);
    const work = path.join(src, 'work');
    const args = ['backup', '--exclude', '*.log', '--exclude-if-present', '.nobackup', '.', '../extra'];
    const repos = { ahead: path.join(makeTempDir('readahead-repo'), 'repo'), alone: path.join(makeTempDir('readahead-alone'), 'repo') };
    const run = (repo: string, extra: string[], env: Record<string, string>) => lockstepOk([...args, ...extra], { repo, password: PASSWORD, cwd: work, env: { LOCKSTEP_TRACE: '1', ...env } });
    // The entries only (the first line names the snapshot and its time).
    const listing = (repo: string): string => runRestic(restic, repo, ['ls', '-l', 'latest'], { password: PASSWORD }).stdout.split('\n').slice(1).join('\n');
    // Every node's metadata as restic reads it, inode and ctime too, but its access time: the walks read them.
    const nodes = (repo: string): unknown[] =>
      runRestic(restic, repo, ['ls', '--json', 'latest'], { password: PASSWORD })
        .stdout.split('\n')
        .filter((line) => line.includes('"struct_type":"node"'))
        .map((line) => ({ ...(JSON.parse(line) as Record<string, unknown>), atime: undefined }));
    // Key lanes of 4 MiB, three of them: large enough for a helper thread where a command takes one.
    lockstepOk(['init'], { repo: repos.ahead, password: PASSWORD, env: { LOCKSTEP_KDF_N: '4096', LOCKSTEP_KDF_R: '8', LOCKSTEP_KDF_P: '3' } });
    lockstepOk(['init'], { repo: repos.alone, password: PASSWORD });

    // The first backup and a forced one read every file: ahead. The second only looks at files (its parent says
    // they are unchanged): no thread for that. Only the first, which finds snapshots/ empty while the key is derived,
    // derives it with a helper thread (its walk peaks higher than the helper's memory anyway).
    for (const [extra, readsAhead, keyHelper] of [[[], true, true], [[], false, false], [['--force'], true, false]] as const) {
      const ahead = run(repos.ahead, [...extra], {});
      expect(/key derivation: \d of 3 lanes on a helper thread/.test(ahead.stderr), ahead.stderr).toBe(keyHelper);
      const alone = run(repos.alone, [...extra], { LOCKSTEP_READAHEAD: '0' });
      const used = /tree read-ahead: (\d+) records used/.exec(ahead.stderr);
      if (readsAhead) {
        expect(used, ahead.stderr).not.toBeNull();
        // Each of the 600 files and 40 folders, their listings, and the rest: every one taken from the ring.
        expect(Number(used?.[1])).toBeGreaterThan(680);
      } else expect(used).toBeNull();
      expect(ahead.stderr).not.toMatch(/asked for|ended before|read-ahead failed/);
      expect(alone.stderr).not.toMatch(/tree read-ahead/);
      expect(listing(repos.ahead)).toBe(listing(repos.alone));
      expect(nodes(repos.ahead)).toEqual(nodes(repos.alone));
    }
    const list = listing(repos.ahead);
    expect(list).not.toMatch(/build\.log|blob\.dat/);
    expect(list).toMatch(/cache\/\.nobackup/);
    expect(list).toMatch(/prw-r--r--.*d3\/pipe/);
    expect(list).toMatch(/link-to-folder -> d0\/e0/);

    runRestic(restic, repos.ahead, ['check', '--read-data'], { password: PASSWORD });
    const target = makeTempDir('readahead-restore');
    runRestic(restic, repos.ahead, ['restore', 'latest', '--target', target], { password: PASSWORD });
    for (const [relative, data] of files) {
      const restored = relative.startsWith('work/') ? path.join(target, relative.slice('work/'.length)) : path.join(target, relative);
      expect(readFileSync(restored).equals(data), relative).toBe(true);
    }
  });
});
