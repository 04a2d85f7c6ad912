// The backend process keeps the repository open between requests (key, connection, index, trees): driven over
// JSON-RPC while restic 0.18 changes the repository underneath it (a backup, forget and prune; a password change;
// the seed scenario), its next operation must act on what the repository holds then, never on what it remembers.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { BackupRequest, InitRequest, LockstepErrorCodes, SnapshotsRequest } from '../../shared/src/protocol';
import { randomFile } from '../helpers/fstree';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { packFiles, repoFiles, sleep, waitFor } from '../helpers/process';
import { Backend, backendsStoppedAfterEach, savedBackup, rpcError } from '../helpers/rpc';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'kept open';
const backendFor = backendsStoppedAfterEach(PASSWORD);

/** Every file of the repository with its size, to tell that nothing was written. */
function repositoryListing(repo: string): string[] {
  return (readdirSync(repo, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(repo, path.join(e.parentPath, e.name)))
    .sort();
}

function smallTree(root: string): void {
  mkdirSync(path.join(root, 'docs'), { recursive: true });
  for (let i = 0; i < 8; i++) writeFileSync(path.join(root, 'docs', `note${i}.md`), `note ${i}\n`.repeat(50 + i));
  writeFileSync(path.join(root, 'readme.txt'), 'kept open\n');
}

async function initialized(work: string, env: Record<string, string> = {}): Promise<{ repo: string; source: string; b: Backend }> {
  const repo = path.join(work, 'repo');
  const source = path.join(work, 'source');
  smallTree(source);
  const b = await backendFor(repo, env);
  await b.connection.sendRequest(InitRequest.type, {});
  return { repo, source, b };
}

describeWithPeer('restic-0.18', 'the repository kept open by the backend between requests', () => {
  it("a backup after restic 0.18 backed up, forgot and pruned uses restic's new index and no pruned blob", async () => {
    const restic = requirePeer('restic-0.18');
    const { repo, source, b } = await initialized(makeTempDir('session-prune'));
    const goneFile = path.join(source, 'docs', 'gone.bin');
    const gone = randomBytes(300 * 1024);
    writeFileSync(goneFile, gone);
    const first = await savedBackup(b.connection.sendRequest(BackupRequest.type, { paths: [source] }));
    const indexBefore = repoFiles(repo, 'index');

    // restic backs up without the file, forgets the backend's snapshot and prunes the file's data away.
    rmSync(goneFile);
    runRestic(restic, repo, ['backup', source], { password: PASSWORD });
    runRestic(restic, repo, ['forget', first.snapshotId, '--prune', '--max-unused', '0'], { password: PASSWORD });
    const resticSnapshot = repoFiles(repo, 'snapshots');
    expect(resticSnapshot).toHaveLength(1);
    expect(repoFiles(repo, 'index').filter((id) => indexBefore.includes(id))).toEqual([]); // the index was rewritten

    // The same bytes come back: the backend saw their blob an operation ago, but the repository no longer has it.
    writeFileSync(goneFile, gone);
    const second = await savedBackup(b.connection.sendRequest(BackupRequest.type, { paths: [source] }));
    expect(second.parent).toBe(resticSnapshot[0]);
    expect(second.filesNew).toBe(1);
    expect(second.dataAdded).toBeGreaterThanOrEqual(gone.length);
    runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
    const dumped = runRestic(restic, repo, ['dump', second.snapshotId, goneFile], { password: PASSWORD, binaryStdout: true });
    expect(dumped.stdoutBuffer?.equals(gone)).toBe(true);
  });

  it("a password changed with restic 0.18's key passwd: wrongPassword and nothing written, then the new one opens", async () => {
    const restic = requirePeer('restic-0.18');
    const work = makeTempDir('session-passwd');
    const passwordFile = path.join(work, 'password');
    writeFileSync(passwordFile, `${PASSWORD}\n`);
    // The extension's lockstep.passwordFile setting reaches the backend as RESTIC_PASSWORD_FILE.
    const { repo, source, b } = await initialized(work, { RESTIC_PASSWORD: '', RESTIC_PASSWORD_FILE: passwordFile });
    const first = await savedBackup(b.connection.sendRequest(BackupRequest.type, { paths: [source] }));

    const newPasswordFile = path.join(work, 'new-password');
    writeFileSync(newPasswordFile, 'changed elsewhere\n');
    runRestic(restic, repo, ['key', 'passwd', '--new-password-file', newPasswordFile], { password: PASSWORD });
    const before = repositoryListing(repo);
    writeFileSync(path.join(source, 'readme.txt'), 'changed before the next backup\n');

    const refused = await rpcError(b.connection.sendRequest(BackupRequest.type, { paths: [source] }));
    expect(refused.code).toBe(LockstepErrorCodes.wrongPassword);
    expect(refused.message).toMatch(/wrong password or no key found: the key file this backend opened .* is gone.*set the new password/);
    expect(repositoryListing(repo)).toEqual(before);

    writeFileSync(passwordFile, 'changed elsewhere\n');
    const second = await savedBackup(b.connection.sendRequest(BackupRequest.type, { paths: [source] }));
    expect(second).toMatchObject({ parent: first.snapshotId, filesChanged: 1 });
  });

  it('the seed scenario with warm caches: frozen mid-backup, unlock --remove-all and prune by restic 0.18, resumed: no snapshot, and the next backup stores its data again', async () => {
    const restic = requirePeer('restic-0.18');
    const { repo, source, b } = await initialized(makeTempDir('session-seed'), { LOCKSTEP_LOCK_REFRESH_MS: '2000', LOCKSTEP_LOCK_STALE_MS: '40000' });
    await b.connection.sendRequest(BackupRequest.type, { paths: [source] }); // index, snapshots and trees now kept
    const snapshotsBefore = repoFiles(repo, 'snapshots');
    const packsBefore = new Set(packFiles(repo));
    const indexBefore = repoFiles(repo, 'index');
    // Each storing thread fills a 16 MiB pack before it is stored: 40 MiB leave at least 8 MiB to store after it.
    mkdirSync(path.join(source, 'big'));
    for (const name of ['a', 'b', 'c', 'd', 'e']) randomFile(path.join(source, 'big', `${name}.bin`), 8 * 1024 * 1024);

    const statesBefore = b.lockStates.length;
    const request = b.connection.sendRequest(BackupRequest.type, { paths: [source] });
    let settled = false;
    request.then(
      () => (settled = true),
      () => (settled = true),
    );
    await waitFor('the backup to hold its lock', () => b.lockStates.slice(statesBefore).some((s) => s.state === 'held'));
    // Frozen, then let run in short steps until its first pack is stored.
    const pid = b.child.pid!;
    try {
      process.kill(pid, 'SIGSTOP');
      while (!packFiles(repo).some((p) => !packsBefore.has(p))) {
        if (settled) throw new Error('the backup ended before it stored a pack');
        process.kill(pid, 'SIGCONT');
        await sleep(10);
        process.kill(pid, 'SIGSTOP');
      }
      const pausedAt = Date.now();
      expect(repoFiles(repo, 'locks')).toHaveLength(1);
      expect(repoFiles(repo, 'index')).toEqual(indexBefore); // still storing data
      runRestic(restic, repo, ['unlock', '--remove-all'], { password: PASSWORD });
      runRestic(restic, repo, ['prune'], { password: PASSWORD });
      expect(packFiles(repo).filter((p) => !packsBefore.has(p))).toEqual([]); // prune took the backup's pack
      await sleep(Math.max(0, 1500 - (Date.now() - pausedAt)));
    } finally {
      process.kill(pid, 'SIGCONT'); // also when an expectation failed: a stopped backend would never stop
    }

    const lost = await rpcError(request);
    expect(lost.code).toBe(LockstepErrorCodes.lockLost);
    expect(lost.data).toMatchObject({ reason: 'lock-removed' });
    expect(repoFiles(repo, 'snapshots')).toEqual(snapshotsBefore);
    expect(repoFiles(repo, 'locks')).toEqual([]);
    runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });

    // The same process, its caches warm: the big files' blobs are not in the repository, so they are stored again.
    const next = await savedBackup(b.connection.sendRequest(BackupRequest.type, { paths: [source] }));
    expect(next.dataAdded).toBeGreaterThanOrEqual(40 * 1024 * 1024);
    expect((await b.connection.sendRequest(SnapshotsRequest.type, {})).snapshots).toHaveLength(2);
    runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
  });
});
