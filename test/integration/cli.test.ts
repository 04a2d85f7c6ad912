// The CLI as a user drives it, checked against what the real restic sees in the same repository.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished, waitFor } from '../helpers/process';
import { lockstep, lockstepOk, spawnLockstep } from '../helpers/cli';
import { makeSourceTree, randomFile } from '../helpers/fstree';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);
const PASSWORD = 'cli-pw';

describeWithPeer('restic-0.14', 'lockstep CLI', () => {
  let work: string;
  let repo: string;
  let source: string;
  let restic: string;
  beforeAll(() => {
    restic = requirePeer('restic-0.14');
    work = makeTempDir('cli');
    repo = path.join(work, 'repo');
    source = path.join(work, 'src');
    makeSourceTree(source);
    writeFileSync(path.join(source, 'debug.log'), 'noise\n');
    lockstepOk(['init'], { repo, password: PASSWORD });
  });

  it('init refuses an existing repository', () => {
    const result = lockstep(['init'], { repo, password: PASSWORD });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/already exists/);
  });

  it('backup honours --exclude, --tag and --host; restic sees the same snapshot', () => {
    const out = lockstepOk(['backup', '--exclude', '*.log', '--tag', 'a,b', '--host', 'laptop', source], { repo, password: PASSWORD });
    expect(out.stdout).toMatch(/snapshot [0-9a-f]{8} saved/);
    const files = runRestic(restic, repo, ['ls', 'latest'], { password: PASSWORD }).stdout;
    expect(files).toContain(`${source}/small.txt`);
    expect(files).not.toContain('debug.log');
    expect(files).not.toContain('text.log');
    const [snap] = JSON.parse(runRestic(restic, repo, ['snapshots', '--json'], { password: PASSWORD }).stdout);
    expect(snap.hostname).toBe('laptop');
    expect(snap.tags).toEqual(['a', 'b']);
    expect(snap.excludes).toEqual(['*.log']);
  });

  it('ls lists what restic ls lists', () => {
    const ours = lockstepOk(['ls', 'latest'], { repo, password: PASSWORD }).stdout.split('\n').slice(1).filter(Boolean).sort();
    const theirs = runRestic(restic, repo, ['ls', 'latest'], { password: PASSWORD }).stdout.split('\n').slice(1).filter(Boolean).sort();
    expect(ours).toEqual(theirs);
    const json = lockstepOk(['ls', '--json', 'latest', `${source}/sub`], { repo, password: PASSWORD }).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(json[0].struct_type).toBe('snapshot');
    expect(json.slice(1).map((n: { path: string }) => n.path)).toContain(`${source}/sub/script.sh`);
    expect(json.slice(1).every((n: { path: string }) => n.path.startsWith(`${source}/sub`))).toBe(true);
  });

  it('relative targets sit in the snapshot where restic puts them ("a/b", "../x/y", ".", ". ../x/y")', () => {
    const repos = makeTempDir('relative-repos');
    const base = makeTempDir('relative');
    const cwd = path.join(base, 'w');
    mkdirSync(path.join(cwd, 'a', 'b'), { recursive: true });
    mkdirSync(path.join(base, 'x', 'y'), { recursive: true });
    writeFileSync(path.join(cwd, 'a', 'b', 'f'), 'f\n');
    writeFileSync(path.join(cwd, 'top'), 'top\n');
    writeFileSync(path.join(base, 'x', 'y', 'g'), 'g\n');
    // Made by Lockstep, whose test keys are cheap to open, so that restic's many commands here are quick too.
    const theirsRepo = path.join(repos, 'restic');
    lockstepOk(['init'], { repo: theirsRepo, password: PASSWORD });
    const oursRepo = path.join(repos, 'lockstep');
    lockstepOk(['init'], { repo: oursRepo, password: PASSWORD });
    for (const targets of [['a/b'], ['./a/b'], ['../x/y'], ['.'], ['.', '../x/y'], ['..'], ['a', '../x']]) {
      runRestic(restic, theirsRepo, ['backup', ...targets], { password: PASSWORD, cwd });
      lockstepOk(['backup', ...targets], { repo: oursRepo, password: PASSWORD, cwd });
      const theirs = runRestic(restic, theirsRepo, ['--no-lock', 'ls', 'latest'], { password: PASSWORD }).stdout.split('\n').slice(1).filter(Boolean);
      const ours = lockstepOk(['--no-lock', 'ls', 'latest'], { repo: oursRepo, password: PASSWORD }).stdout.split('\n').slice(1).filter(Boolean);
      expect({ targets, entries: ours.sort() }).toEqual({ targets, entries: theirs.sort() });
      const [theirSnap] = JSON.parse(runRestic(restic, theirsRepo, ['--no-lock', 'snapshots', '--json', 'latest'], { password: PASSWORD }).stdout);
      const [ourSnap] = JSON.parse(lockstepOk(['--no-lock', 'snapshots', '--json', '--latest', '1'], { repo: oursRepo, password: PASSWORD }).stdout).slice(-1);
      expect(ourSnap.paths).toEqual(theirSnap.paths);
    }
  });

  it('cat config and cat snapshot agree with restic', () => {
    const ours = JSON.parse(lockstepOk(['cat', 'config'], { repo, password: PASSWORD }).stdout);
    const theirs = JSON.parse(runRestic(restic, repo, ['cat', 'config'], { password: PASSWORD }).stdout);
    expect(ours).toEqual(theirs);
    const [snap] = JSON.parse(lockstepOk(['snapshots', '--json'], { repo, password: PASSWORD }).stdout);
    expect(JSON.parse(lockstepOk(['cat', 'snapshot', snap.short_id], { repo, password: PASSWORD }).stdout).tree).toBe(snap.tree);
  });

  it('--json backup prints a restic-style summary line', () => {
    const lines = lockstepOk(['backup', '--json', source], { repo, password: PASSWORD }).stdout.trim().split('\n').map((l) => JSON.parse(l));
    const summary = lines.at(-1);
    expect(summary.message_type).toBe('summary');
    expect(summary.snapshot_id).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof summary.total_duration).toBe('number');
  });

  it('the password can come from a file or a command', () => {
    const file = path.join(work, 'pwfile');
    writeFileSync(file, `${PASSWORD}\n`);
    lockstepOk(['snapshots', '--password-file', file], { repo });
    lockstepOk(['snapshots'], { repo, env: { RESTIC_PASSWORD_FILE: file } });
    lockstepOk(['snapshots', '--password-command', `cat ${file}`], { repo });
  });

  it('ls whose reader goes away (| head) stops, removes its lock and exits 0', async () => {
    const manyRepo = path.join(work, 'many-repo');
    const many = path.join(work, 'many');
    for (let d = 0; d < 20; d++) {
      mkdirSync(path.join(many, `folder-${d}`), { recursive: true });
      for (let f = 0; f < 150; f++) writeFileSync(path.join(many, `folder-${d}`, `a-file-with-a-long-enough-name-${f}.txt`), '');
    }
    lockstepOk(['init'], { repo: manyRepo, password: PASSWORD });
    lockstepOk(['backup', '-q', many], { repo: manyRepo, password: PASSWORD });
    const child = spawnLockstep(['ls', 'latest'], { repo: manyRepo, password: PASSWORD });
    // The reader takes the first lines, as head does, and closes the pipe: ls still has most of its 200 KB to write.
    child.stdout.once('data', () => child.stdout.destroy());
    const result = await finished(child);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readdirSync(path.join(manyRepo, 'locks'))).toEqual([]);
  });

  it('an interrupted backup exits 130, writes no snapshot and leaves a valid repository', async () => {
    const big = path.join(work, 'big');
    mkdirSync(big);
    randomFile(path.join(big, 'a.bin'), 64 * 1024 * 1024);
    randomFile(path.join(big, 'b.bin'), 64 * 1024 * 1024);
    const before = readdirSync(path.join(repo, 'snapshots')).length;
    const packsBefore = packFiles(repo).length;
    const child = spawnLockstep(['backup', big], { repo, password: PASSWORD });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Interrupted in the middle: once its first pack has landed (a fixed delay let a fast run finish first).
    await waitFor('the backup to write its first pack', () => packFiles(repo).length > packsBefore, 60_000);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    expect(readdirSync(path.join(repo, 'snapshots'))).toHaveLength(before);
    expect(readdirSync(path.join(repo, 'locks'))).toEqual([]);
    runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
    expect(existsSync(path.join(repo, 'config'))).toBe(true);
  });

  it('a backup cancelled at any moment (SIGINT or SIGTERM) removes its lock and leaves a repository restic checks', async () => {
    const big = path.join(work, 'cancel-source');
    mkdirSync(big);
    for (let i = 0; i < 4; i++) randomFile(path.join(big, `f${i}.bin`), 12 * 1024 * 1024);
    for (const [delay, signal] of [[150, 'SIGINT'], [400, 'SIGTERM'], [700, 'SIGINT'], [1000, 'SIGTERM'], [1400, 'SIGINT']] as const) {
      const before = readdirSync(path.join(repo, 'snapshots')).length;
      const child = spawnLockstep(['backup', '--force', big], { repo, password: PASSWORD });
      const done = finished(child);
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill(signal);
      const { code, stdout, stderr } = await done;
      // A run that finished before the signal arrived is fine too (it must then have saved its snapshot). Killed by
      // the signal itself (no exit code), it was either not yet started (before it could touch the repository) or
      // already ending, its work done and said: Node restores the default signal action while the process exits.
      const saidSaved = /^snapshot [0-9a-f]{8} saved$/m.test(stdout);
      const what = `${signal} after ${delay} ms: exit ${code}, stdout ${JSON.stringify(stdout)}, stderr ${JSON.stringify(stderr)}`;
      expect([0, 130, null], what).toContain(code);
      if (code === 130) expect(stderr, what).toMatch(/^Fatal: interrupted\n$/);
      if (code === 0) expect(saidSaved, what).toBe(true);
      expect(readdirSync(path.join(repo, 'snapshots')), what).toHaveLength(code === 0 || (code === null && saidSaved) ? before + 1 : before);
      expect(readdirSync(path.join(repo, 'locks'))).toEqual([]);
      runRestic(restic, repo, ['check'], { password: PASSWORD });
    }
  });
});

/** The pack files under data/ (in their fan-out folders), temporary files left out. */
function packFiles(repo: string): string[] {
  const data = path.join(repo, 'data');
  return readdirSync(data).flatMap((dir) => readdirSync(path.join(data, dir)).filter((name) => /^[0-9a-f]{64}$/.test(name)));
}
