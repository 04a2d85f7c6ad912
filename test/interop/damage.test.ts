// One damaged file: which commands go on without it (with a warning naming the file) and which fail, each compared
// with restic 0.18 on the same damage; a truncated pack and a damaged key file are called what they are.
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LocalBackend } from '../../server/src/backend/local';
import { ForgetRequest, SnapshotsRequest } from '../../shared/src/protocol';
import { lockstep, lockstepOk } from '../helpers/cli';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { startBackend } from '../helpers/rpc';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'pw-damage';
const OTHER_PASSWORD = 'pw-damage-second-key';

function idsIn(dir: string): string[] {
  return readdirSync(dir).filter((n) => /^[0-9a-f]{64}$/.test(n));
}

function packsIn(repo: string): string[] {
  return readdirSync(path.join(repo, 'data')).flatMap((d) => idsIn(path.join(repo, 'data', d)).map((f) => path.join(repo, 'data', d, f)));
}

function rewrite(file: string, change: (bytes: Buffer) => Buffer): void {
  chmodSync(file, 0o600);
  writeFileSync(file, change(readFileSync(file)));
}

function flipByte(file: string, offset: number): void {
  rewrite(file, (bytes) => {
    bytes[offset] ^= 0x40;
    return bytes;
  });
}

/** One line of "Fatal: …" and nothing like a stack trace. */
function expectOneLineError(stderr: string, pattern: RegExp): void {
  expect(stderr).toMatch(pattern);
  expect(stderr.trim().split('\n').filter((l) => l.startsWith('Fatal:'))).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describeWithPeer('restic-0.18', 'a damaged file in the repository, compared with restic 0.18', () => {
  let restic: string;
  let work: string;
  let pristine: string;
  let source: string;
  /** Snapshot IDs, oldest first. */
  let snaps: string[];
  beforeAll(() => {
    restic = requirePeer('restic-0.18');
    work = makeTempDir('damage');
    pristine = path.join(work, 'pristine');
    source = path.join(work, 'source');
    cpSync(path.join(__dirname, '..', 'helpers'), path.join(source, 'a'), { recursive: true });
    writeFileSync(path.join(source, 'big.bin'), Buffer.alloc(3 * 1024 * 1024 + 77, 'lockstep damage test '));
    lockstepOk(['init'], { repo: pristine, password: PASSWORD });
    for (let i = 0; i < 3; i++) {
      writeFileSync(path.join(source, 'n.txt'), `run ${i}\n`);
      lockstepOk(['backup', source], { repo: pristine, password: PASSWORD });
    }
    snaps = (JSON.parse(lockstepOk(['snapshots', '--json'], { repo: pristine, password: PASSWORD }).stdout) as { id: string }[]).map((s) => s.id);
    expect(snaps).toHaveLength(3);
  });

  let copies = 0;
  function copy(): string {
    const repo = path.join(work, `copy-${copies++}`);
    cpSync(pristine, repo, { recursive: true });
    return repo;
  }
  const both = (repo: string, args: string[], password = PASSWORD) => ({
    ours: lockstep(args, { repo, password }),
    theirs: runRestic(restic, repo, ['--no-cache', ...args], { password, allowFail: true }),
  });

  it('a damaged snapshot file: snapshots and forget leave it out with a warning naming it, and exit 0, as restic does', () => {
    const repo = copy();
    const [oldest, middle, newest] = snaps;
    flipByte(path.join(repo, 'snapshots', middle), 40);
    const warning = new RegExp(`^Ignoring a damaged snapshot: snapshots/${middle} is damaged: its content does not match its name \\(hash mismatch\\)$`, 'm');

    const listed = both(repo, ['snapshots', '--json']);
    expect([listed.ours.code, listed.theirs.code]).toEqual([0, 0]);
    const ids = (r: { stdout: string }): string[] => (JSON.parse(r.stdout) as { id: string }[]).map((s) => s.id);
    expect(ids(listed.ours)).toEqual([oldest, newest]);
    expect(ids(listed.theirs)).toEqual([oldest, newest]);
    expect(listed.theirs.stderr).toContain(`Ignoring "${middle}"`);
    expect(JSON.parse(listed.ours.stderr.trim())).toEqual({ message_type: 'error', error: { message: expect.stringContaining(`snapshots/${middle} is damaged`) }, item: `snapshots/${middle}` });

    const table = lockstep(['snapshots'], { repo, password: PASSWORD });
    expect(table.code).toBe(0);
    expect(table.stderr).toMatch(warning);
    expect(table.stdout).toContain('2 snapshots');

    const policy = both(repo, ['forget', '--keep-last', '1', '--dry-run']);
    expect([policy.ours.code, policy.theirs.code]).toEqual([0, 0]);
    expect(policy.ours.stderr).toMatch(warning);
    expect(policy.ours.stdout).toMatch(new RegExp(`keep 1 snapshots:[^]*${newest.slice(0, 8)}[^]*remove 1 snapshots:[^]*${oldest.slice(0, 8)}`));

    // Named by ID: restic says "Ignoring" and leaves the file; so does Lockstep.
    const named = lockstep(['forget', middle], { repo, password: PASSWORD });
    expect(named.code).toBe(0);
    expect(named.stderr).toMatch(warning);
    expect(existsSync(path.join(repo, 'snapshots', middle))).toBe(true);
  });

  it('over JSON-RPC (the extension): snapshots and a forget preview list the others and name the damaged file in `damaged`', async () => {
    const repo = copy();
    const [oldest, middle, newest] = snaps;
    flipByte(path.join(repo, 'snapshots', middle), 40);
    const b = await startBackend({ RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: PASSWORD });
    try {
      const listed = await b.connection.sendRequest(SnapshotsRequest.type, {});
      expect(listed.snapshots.map((s) => s.id)).toEqual([oldest, newest]);
      expect(listed.damaged).toEqual([`snapshots/${middle} is damaged: its content does not match its name (hash mismatch)`]);
      const preview = await b.connection.sendRequest(ForgetRequest.type, { keepLast: 1, dryRun: true });
      expect(preview).toMatchObject({ kept: [newest], removed: [oldest], damaged: listed.damaged });
    } finally {
      await b.stop();
    }
  });

  it('a damaged snapshot file: latest, a backup\'s parent and prune need every snapshot, so they fail (exit 1) as in restic, naming it', () => {
    const repo = copy();
    const [oldest, middle] = snaps;
    flipByte(path.join(repo, 'snapshots', middle), 40);
    const damaged = `snapshots/${middle} is damaged: its content does not match its name \\(hash mismatch\\)`;

    const latest = both(repo, ['restore', 'latest', '--target', path.join(work, 'out-latest')]);
    expect([latest.ours.code, latest.theirs.code]).toEqual([1, 1]);
    expectOneLineError(latest.ours.stderr, new RegExp(`^Fatal: cannot tell which snapshot is the latest: ${damaged}$`, 'm'));

    const byId = both(repo, ['restore', oldest, '--target', path.join(work, 'out-oldest')]);
    expect([byId.ours.code, byId.theirs.code]).toEqual([0, 0]);

    const packs = packsIn(repo).length;
    const pruned = both(repo, ['prune']);
    expect([pruned.ours.code, pruned.theirs.code]).toEqual([1, 1]);
    expectOneLineError(pruned.ours.stderr, new RegExp(`^Fatal: cannot tell which data is still in use: ${damaged}; prune removes nothing while a snapshot cannot be read$`, 'm'));
    expect(packsIn(repo)).toHaveLength(packs);

    const checked = both(repo, ['check']);
    expect([checked.ours.code, checked.theirs.code]).toEqual([1, 1]);
    expect(checked.ours.stdout + checked.ours.stderr).toMatch(new RegExp(damaged));

    const backup = both(repo, ['backup', source]);
    expect([backup.ours.code, backup.theirs.code]).toEqual([1, 1]);
    expectOneLineError(backup.ours.stderr, new RegExp(`^Fatal: cannot choose a parent snapshot: ${damaged}; name one with --parent, or back up without one with --force$`, 'm'));
    const forced = both(repo, ['backup', '--force', source]);
    expect([forced.ours.code, forced.theirs.code]).toEqual([0, 0]);
  });

  it('a truncated pack: restore says which pack is truncated and where, not "MAC check failed" (exit 1, as restic)', () => {
    const repo = copy();
    const pack = packsIn(repo).sort((a, b) => statSync(b).size - statSync(a).size)[0];
    rewrite(pack, (bytes) => bytes.subarray(0, 1000));
    const restored = both(repo, ['restore', snaps[0], '--target', path.join(work, 'out-truncated')]);
    expect([restored.ours.code, restored.theirs.code]).toEqual([1, 1]);
    expectOneLineError(
      restored.ours.stderr,
      new RegExp(`^Fatal: data/${path.basename(pack)} is damaged: it is truncated, ending at byte 1000, (inside|before) data blob [0-9a-f]{64} \\(bytes \\d+ to \\d+ by the index\\)$`, 'm'),
    );
    expect(restored.ours.stderr).not.toMatch(/MAC/);
  });

  it('a damaged key file is called damaged, not a wrong password (exit 1, as restic 0.18)', () => {
    const repo = copy();
    const [key] = idsIn(path.join(repo, 'keys'));
    // A character of the sealed master key: the file still parses, but its name's hash no longer matches.
    rewrite(path.join(repo, 'keys', key), (bytes) => {
      const text = bytes.toString('utf8');
      const at = text.indexOf('"data":"') + 20;
      return Buffer.from(text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
    });
    for (const password of [PASSWORD, 'not the password']) {
      const opened = both(repo, ['snapshots'], password);
      expect([opened.ours.code, opened.theirs.code]).toEqual([1, 1]);
      expectOneLineError(opened.ours.stderr, new RegExp(`^Fatal: keys/${key} is damaged: its content does not match its name \\(hash mismatch\\)$`, 'm'));
    }
  });

  it('with two key files, one damaged: the other still opens, and a refused password names the damaged file as the other possibility', async () => {
    const repo = copy();
    const passwordFile = path.join(work, 'second-password');
    writeFileSync(passwordFile, OTHER_PASSWORD);
    runRestic(restic, repo, ['--no-cache', 'key', 'add', '--new-password-file', passwordFile], { password: PASSWORD });
    // The key file listed first is damaged, so that opening cannot succeed before it is met.
    const listed = (await new LocalBackend(repo).list('keys')).map((f) => f.name);
    expect(listed).toHaveLength(2);
    const [damagedKey, intactKey] = listed;
    const lockstepKey = idsIn(path.join(pristine, 'keys'))[0];
    const intactPassword = intactKey === lockstepKey ? PASSWORD : OTHER_PASSWORD;
    const damagedPassword = intactKey === lockstepKey ? OTHER_PASSWORD : PASSWORD;

    rewrite(path.join(repo, 'keys', damagedKey), (bytes) => bytes.subarray(0, bytes.length / 2)); // not JSON any more
    expect(lockstep(['snapshots'], { repo, password: intactPassword }).code).toBe(0);
    const refused = lockstep(['snapshots'], { repo, password: damagedPassword });
    expect(refused.code).toBe(12);
    expectOneLineError(
      refused.stderr,
      new RegExp(`^Fatal: wrong password or no key found \\(or the password is that of a damaged key file: keys/${damagedKey} is damaged: it is not a valid key file \\(not JSON\\)\\)$`, 'm'),
    );
  });
});
