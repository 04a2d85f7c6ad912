// backup's filters decide as restic 0.18's on the same tree: each flag set is given to a backup by each tool into one
// repository, and `restic ls` of the two snapshots must list the same paths.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lockstep, lockstepOk } from '../helpers/cli';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'filters';

describeWithPeer('restic-0.18', 'backup filters as restic 0.18 applies them', () => {
  const restic = requirePeer('restic-0.18');
  let dir = '';
  let repo = '';
  let tree = '';

  const write = (rel: string, content: string | Buffer): void => {
    const file = path.join(tree, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  };
  const listed = (snapshot: string): string[] => runRestic(restic, repo, ['ls', snapshot], { password: PASSWORD }).stdout.split('\n').slice(1).filter(Boolean);
  const snapshotOf = (output: string): string => /snapshot ([0-9a-f]{8}) saved/.exec(output)?.[1] ?? '';

  beforeAll(() => {
    dir = makeTempDir('filters');
    repo = path.join(dir, 'repo');
    tree = path.join(dir, 'tree');
    lockstepOk(['init'], { repo, password: PASSWORD });
    write('cache/CACHEDIR.TAG', 'Signature: 8a477f597d28d172789f06886806bc55\n(a cache)\n');
    write('cache/blob', 'cached');
    write('fake-cache/CACHEDIR.TAG', 'no signature here\n');
    write('fake-cache/blob', 'kept');
    write('private/.nobackup', 'hi there');
    write('private/secret', 's');
    write('private/deeper/more', 'm');
    write('docs/Notes.TXT', 'n');
    write('docs/readme.md', 'r');
    write('docs/build/out.o', 'o');
    write('media/big.bin', Buffer.alloc(3000));
    write('media/small.bin', Buffer.alloc(100));
    write('env-named/x', 'x');
    write('patterns', '# a comment\n\n  *.o  \n$FILTER_DIR\n');
    write('ipatterns', '*.md\n');
  });

  // Each case: its flags, paths they leave out and paths they keep (checked on restic's snapshot, so the case tests something).
  const cases: [string, string[], string[], string[]][] = [
    [
      '--exclude-file, --iexclude, --exclude-larger-than',
      ['--exclude-file', 'PATTERNS', '--iexclude', '*.txt', '--exclude-larger-than', '2k'],
      ['docs/Notes.TXT', 'docs/build/out.o', 'env-named', 'media/big.bin'],
      ['media/small.bin', 'docs/readme.md'],
    ],
    [
      '--iexclude-file, --exclude-caches, --exclude-if-present with a header',
      ['--iexclude-file', 'IPATTERNS', '--exclude-caches', '--exclude-if-present', '.nobackup:hi'],
      ['docs/readme.md', 'cache/blob', 'private/secret', 'private/deeper'],
      ['cache/CACHEDIR.TAG', 'fake-cache/blob', 'private/.nobackup'],
    ],
    [
      '--exclude-if-present without a header, a header that does not match',
      ['--exclude-if-present', 'blob', '--exclude-if-present', '.nobackup:ho'],
      ['cache/CACHEDIR.TAG', 'fake-cache/CACHEDIR.TAG'],
      ['cache/blob', 'private/secret'],
    ],
  ];
  for (const [title, flags, gone, kept] of cases) {
    it(title, () => {
      const args = flags.map((f) => (f === 'PATTERNS' ? path.join(tree, 'patterns') : f === 'IPATTERNS' ? path.join(tree, 'ipatterns') : f));
      const env = { FILTER_DIR: 'env-named' };
      const theirs = snapshotOf(runRestic(restic, repo, ['backup', ...args, tree], { password: PASSWORD, env }).stdout);
      const ours = snapshotOf(lockstepOk(['backup', ...args, tree], { repo, password: PASSWORD, env }).stdout);
      expect(theirs).not.toBe('');
      expect(ours).not.toBe('');
      const want = listed(theirs);
      expect(listed(ours)).toEqual(want);
      for (const rel of gone) expect(want).not.toContain(path.join(tree, rel));
      for (const rel of kept) expect(want).toContain(path.join(tree, rel));
    });
  }

  it('--files-from and --files-from-raw name the same targets for both tools', () => {
    const list = path.join(dir, 'list');
    const raw = path.join(dir, 'list-raw');
    writeFileSync(list, `# what to back up\n${path.join(tree, 'docs')}\n\n${path.join(tree, 'media/small.bin')}\n`);
    writeFileSync(raw, `${path.join(tree, 'private')}\0${path.join(tree, 'env-named')}\0`);
    const args = ['--files-from', list, '--files-from-raw', raw];
    const theirs = snapshotOf(runRestic(restic, repo, ['backup', ...args], { password: PASSWORD }).stdout);
    const ours = snapshotOf(lockstepOk(['backup', ...args], { repo, password: PASSWORD }).stdout);
    const want = listed(theirs);
    expect(want).toContain(path.join(tree, 'private/secret'));
    expect(want).not.toContain(path.join(tree, 'media/big.bin'));
    expect(listed(ours)).toEqual(want);
  });

  // A file system of its own needs a mount, which only root may make: skipped for a developer who is not root;
  // CI runs as root, and there it fails rather than skips (as tests needing a peer do).
  it.skipIf(process.getuid?.() !== 0 && !process.env.CI)('--one-file-system (-x) keeps a mount point below the path as an empty folder, as restic 0.18', () => {
    const mountPoint = path.join(tree, 'mounted');
    mkdirSync(mountPoint);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint]);
    try {
      writeFileSync(path.join(mountPoint, 'on-tmpfs'), 'elsewhere');
      const theirs = snapshotOf(runRestic(restic, repo, ['backup', '--one-file-system', tree], { password: PASSWORD }).stdout);
      const ours = snapshotOf(lockstepOk(['backup', '-x', tree], { repo, password: PASSWORD }).stdout);
      const want = listed(theirs);
      expect(want).toContain(mountPoint);
      expect(want).not.toContain(path.join(mountPoint, 'on-tmpfs'));
      expect(listed(ours)).toEqual(want);
      // Named as a backup path, the other file system is backed up whole.
      const whole = snapshotOf(lockstepOk(['backup', '--one-file-system', tree, mountPoint], { repo, password: PASSWORD }).stdout);
      expect(listed(whole)).toContain(path.join(mountPoint, 'on-tmpfs'));
    } finally {
      execFileSync('umount', [mountPoint]);
    }
  });

  it('--dry-run writes nothing to the repository and says what it would add', () => {
    const files = (): string[] => ['data', 'index', 'snapshots'].flatMap((type) => readdirSync(path.join(repo, type), { recursive: true }).map(String));
    const before = files();
    write('fresh/new-file', 'never stored');
    const dry = lockstepOk(['backup', '--json', '-n', tree], { repo, password: PASSWORD });
    const summary = JSON.parse(dry.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(summary).toMatchObject({ message_type: 'summary', dry_run: true });
    expect(summary).not.toHaveProperty('snapshot_id');
    expect(summary.data_added).toEqual(expect.any(Number));
    expect(lockstepOk(['backup', '--dry-run', tree], { repo, password: PASSWORD }).stdout).toMatch(/^Would add to the repository: /m);
    expect(files()).toEqual(before);
  });

  it('--skip-if-unchanged saves no snapshot when nothing changed, as restic 0.18; a bad size is a clear error', () => {
    const count = (): number => (JSON.parse(runRestic(restic, repo, ['snapshots', '--json'], { password: PASSWORD }).stdout) as unknown[]).length;
    // Relative to the tree, so the snapshot's root holds only docs (not /tmp, which other processes change), and
    // twice: the first backup's reading changes the folders' access times, which the second records.
    const docs = { repo, password: PASSWORD, cwd: tree };
    lockstepOk(['backup', 'docs'], docs);
    lockstepOk(['backup', 'docs'], docs);
    const before = count();
    const skipped = lockstepOk(['backup', '--skip-if-unchanged', 'docs'], docs);
    expect(skipped.stdout).toContain('skipped creating snapshot');
    const json = lockstepOk(['backup', '--json', '--skip-if-unchanged', 'docs'], docs);
    expect(JSON.parse(json.stdout.trim().split('\n').at(-1)!)).not.toHaveProperty('snapshot_id');
    expect(count()).toBe(before);
    const bad = lockstep(['backup', '--exclude-larger-than', 'lots', tree], { repo, password: PASSWORD });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('invalid --exclude-larger-than "lots"');
    expect(count()).toBe(before);
  });
});
