// REST repositories against restic's rest-server 0.13 and `rclone serve restic`, both on 127.0.0.1, with the
// shared remote scenarios, plus what is REST's own: credentials in the URL, an unreachable server, restic's repos.
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockstep, lockstepOk } from '../helpers/cli';
import { expectSameTree, makeSourceTree } from '../helpers/fstree';
import { freePort } from '../helpers/net';
import { peerAvailable, requirePeer, runRestic } from '../helpers/peers';
import { RemoteServer } from '../helpers/remote-server';
import { remoteBackendSuite } from '../helpers/remote-suite';
import { startRcloneRestic, startRcloneResticWithAuth, startRestServer } from '../helpers/restserver';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

const PASSWORD = 'rest password';
const haveRestServer = (): boolean => peerAvailable('rest-server') && peerAvailable('restic-0.18');
const haveRclone = (): boolean => peerAvailable('rclone') && peerAvailable('restic-0.18');

remoteBackendSuite('REST (rest-server 0.13)', startRestServer, haveRestServer);
remoteBackendSuite('REST (rclone serve restic)', startRcloneRestic, haveRclone);

(haveRclone() || process.env.CI ? describe : describe.skip)('REST specifics', () => {
  const servers: RemoteServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
    cleanupTempDirs();
  });

  it('credentials in the URL: right ones work (and restic reads the result), wrong ones are a clear error', async () => {
    const work = makeTempDir('rest-auth');
    const server = await startRcloneResticWithAuth('alice', 's3cret:/@x')(work);
    servers.push(server);
    const location = server.location.replace('alice:s3cret:/@x@', `alice:${encodeURIComponent('s3cret:/@x')}@`);
    const source = path.join(work, 'source');
    makeSourceTree(source);
    const init = lockstepOk(['init'], { repo: location, password: PASSWORD });
    expect(init.stdout).not.toContain('s3cret');
    expect(init.stdout).toContain('alice:***@');
    lockstepOk(['backup', source], { repo: location, password: PASSWORD });
    runRestic(requirePeer('restic-0.18'), location, ['check', '--read-data'], { password: PASSWORD });
    const target = path.join(work, 'restored');
    runRestic(requirePeer('restic-0.18'), location, ['restore', 'latest', '--target', target], { password: PASSWORD });
    expectSameTree(path.join(target, source), source);

    const wrong = lockstep(['snapshots'], { repo: location.replace(encodeURIComponent('s3cret:/@x'), 'nope'), password: PASSWORD });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/refused the credentials \(HTTP 401\)/);
    expect(wrong.stderr).not.toContain('nope');
  }, 60_000);

  it('a server that is not there: a clear error after the retry budget, exit 1', async () => {
    const port = await freePort();
    const started = Date.now();
    const result = lockstep(['snapshots'], { repo: `rest:http://127.0.0.1:${port}/repo/`, password: PASSWORD, env: { LOCKSTEP_BACKEND_RETRY_MS: '1000' } });
    expect(result.stderr).toMatch(new RegExp(`^Fatal: .*cannot reach the REST server http://127\\.0\\.0\\.1:${port}/repo/: connection refused`, 'm'));
    expect(result.code).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a repository restic 0.14 made on the REST server: Lockstep lists, restores and adds to it, deduplicated', async () => {
    const work = makeTempDir('rest-restic');
    const server = await startRestServer(work);
    servers.push(server);
    const source = path.join(work, 'source');
    makeSourceTree(source);
    const restic14 = requirePeer('restic-0.14');
    runRestic(restic14, server.location, ['init'], { password: PASSWORD });
    runRestic(restic14, server.location, ['backup', source], { password: PASSWORD });
    const listed = JSON.parse(lockstepOk(['snapshots', '--json'], { repo: server.location, password: PASSWORD }).stdout) as unknown[];
    expect(listed).toHaveLength(1);
    const target = path.join(work, 'restored');
    lockstepOk(['restore', 'latest', '--target', target], { repo: server.location, password: PASSWORD });
    expectSameTree(path.join(target, source), source);
    // Reading every file again (--force) finds every chunk already stored by restic (tree blobs may be new: atimes moved).
    const backup = JSON.parse(lockstepOk(['backup', '--json', '--force', source], { repo: server.location, password: PASSWORD }).stdout.trim().split('\n').pop() ?? '{}') as { data_blobs?: number };
    expect(backup.data_blobs).toBe(0);
    runRestic(restic14, server.location, ['check', '--read-data'], { password: PASSWORD });
  }, 60_000);
});
