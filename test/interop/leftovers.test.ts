// Temporary files killed writers leave: check reports them (a hint, not damage), and prune removes those older
// than the stale-lock timeout whose writer cannot still be running, and nothing else.
import { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { lockstep, lockstepOk, spawnLockstep } from '../helpers/cli';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { finished, stopChild, waitFor } from '../helpers/process';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'pw-leftovers';
const HOUR = 3600;

/** Temporary files in the repository's folders, as paths inside it. */
function temporaryFiles(repo: string): string[] {
  const folders = ['', 'index', 'keys', 'locks', 'snapshots', ...readdirSync(path.join(repo, 'data')).map((d) => `data/${d}`)];
  return folders.flatMap((f) => readdirSync(path.join(repo, f)).filter((n) => n.includes('-tmp-')).map((n) => (f ? `${f}/${n}` : n))).sort();
}

function age(repo: string, relative: string, seconds: number): void {
  const t = Date.now() / 1000 - seconds;
  utimesSync(path.join(repo, relative), t, t);
}

let child: ChildProcess | undefined;
afterEach(() => stopChild(child));

describeWithPeer('restic-0.18', 'temporary files left by killed writers', () => {
  let repo: string;
  let staged: string;
  /** What the killed backup left: its staged packs, perhaps a file it was saving. */
  let killedLeft: string[];
  beforeAll(async () => {
    const work = makeTempDir('leftovers');
    repo = path.join(work, 'repo');
    lockstepOk(['init'], { repo, password: PASSWORD });
    lockstepOk(['backup', '--stdin', '--stdin-filename', 'small.txt'], { repo, password: PASSWORD, input: 'a first snapshot\n' });
    // A backup killed while it stages a pack: the half-made pack stays behind, named for this host and its PID.
    child = spawnLockstep(['backup', '--stdin', '--stdin-filename', 'big.bin'], { repo, password: PASSWORD });
    child.stdin?.write(randomBytes(26 * 1024 * 1024));
    await waitFor('the backup to stage a pack', () => temporaryFiles(repo).some((f) => /^data\/[0-9a-f]{2}\/lockstep-.*-tmp-/.test(f) && statSync(path.join(repo, f)).size > 0), 60_000);
    const pid = child.pid;
    child.kill('SIGKILL');
    await finished(child);
    child = undefined;
    killedLeft = temporaryFiles(repo);
    staged = killedLeft.find((f) => f.includes('/lockstep-'))!;
    expect(path.basename(staged)).toMatch(new RegExp(`^lockstep-${hostname().replace(/[^A-Za-z0-9._-]/g, '_')}-${pid}-[0-9a-f]{8}-\\d+-tmp-\\d+$`));
    lockstepOk(['unlock'], { repo, password: PASSWORD }); // its lock is stale: its process is gone
  }, 120_000);

  it('check reports a young leftover as one prune keeps for now; prune keeps it', () => {
    const checked = lockstepOk(['check'], { repo, password: PASSWORD });
    expect(checked.stdout).toMatch(/^\d+ temporary files left by interrupted writers, e\.g\. .*: \d+ \([\d.]+ MiB\) newer, or of a process still running here, that prune keeps for now$/m);
    expect(checked.stdout).toContain('no errors were found');
    lockstepOk(['prune'], { repo, password: PASSWORD });
    expect(temporaryFiles(repo)).toContain(staged);
  });

  it('prune removes what is older than the stale-lock timeout and cannot have a live writer, and keeps the rest', () => {
    const snapshot = `snapshots/${'a'.repeat(64)}-tmp-${randomBytes(6).toString('hex')}`; // Lockstep's save
    const resticPack = `data/0c/${'0c'.repeat(32)}-tmp-2786402718`; // restic's local backend
    const live = `data/0d/lockstep-${hostname().replace(/[^A-Za-z0-9._-]/g, '_')}-${process.pid}-0123abcd-0-tmp-1`; // this test's own process runs
    const otherHost = 'data/0e/lockstep-elsewhere.example-4242-0123abcd-0-tmp-1';
    const future = `index/${'b'.repeat(64)}-tmp-${randomBytes(6).toString('hex')}`;
    const young = `keys/${'c'.repeat(64)}-tmp-${randomBytes(6).toString('hex')}`;
    const notOurs = 'data/0c/notes.txt';
    for (const f of [snapshot, resticPack, live, otherHost, future, young, notOurs]) {
      mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
      writeFileSync(path.join(repo, f), randomBytes(1000));
    }
    for (const f of [...killedLeft, snapshot, resticPack, live, otherHost, notOurs]) age(repo, f, 2 * HOUR);
    const k = killedLeft.length;
    age(repo, future, -2 * HOUR);
    age(repo, young, 10 * 60);

    const checked = lockstepOk(['check'], { repo, password: PASSWORD });
    expect(checked.stdout).toMatch(new RegExp(`^${k + 6} temporary files left by interrupted writers, e\\.g\\. .*: ${k + 3} \\([\\d.]+ MiB\\) older than 30m0s that prune removes; 3 \\(0\\.0 MiB\\) newer, or of a process still running here, that prune keeps for now$`, 'm'));

    const dryRun = lockstepOk(['prune', '--dry-run'], { repo, password: PASSWORD });
    expect(dryRun.stdout).toMatch(new RegExp(`^temporary files: +${k + 3} left by interrupted writers / .* \\(3 newer ones kept for now\\)$`, 'm'));
    expect(temporaryFiles(repo)).toHaveLength(k + 6);

    const pruned = lockstepOk(['prune', '--json'], { repo, password: PASSWORD });
    expect(JSON.parse(pruned.stdout.trim().split('\n').at(-1)!)).toMatchObject({ removed_temporary_files: k + 3 });
    expect(temporaryFiles(repo)).toEqual([live, future, young].sort());
    expect(existsSync(path.join(repo, notOurs))).toBe(true);
    runRestic(requirePeer('restic-0.18'), repo, ['--no-cache', 'check'], { password: PASSWORD });
  });

  it('a path outside the temporary files is refused, never removed', async () => {
    const { LocalBackend } = await import('../../server/src/backend/local');
    const backend = new LocalBackend(repo);
    for (const bad of ['config', '../x-tmp-1', 'data/0c/../../config-tmp-', 'snapshots/x/y-tmp-1', 'data/0c/notes.txt']) {
      await expect(backend.removeTemporary(bad), bad).rejects.toThrow(/not a temporary file of the repository/);
    }
    expect(existsSync(path.join(repo, 'config'))).toBe(true);
  });
});
