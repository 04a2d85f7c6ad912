// SFTP repositories against OpenSSH's sshd on 127.0.0.1 (test/helpers/sshd.ts) with the shared remote scenarios:
// restic 0.18 reaches the same repository through `-o sftp.command=ssh …`. Plus the extension's side of an unknown
// host key: the backend process answers with its own error code and the fingerprint, and trusting it works.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LockstepErrorCodes, SnapshotsRequest, UnknownHostKeyData } from '../../shared/src/protocol';
import { lockstepOk } from '../helpers/cli';
import { peerAvailable } from '../helpers/peers';
import { remoteBackendSuite } from '../helpers/remote-suite';
import { Backend as RpcBackend, startBackend } from '../helpers/rpc';
import { SshdServer, sshdAvailable, startSshd, startSshdServer } from '../helpers/sshd';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

const available = (): boolean => sshdAvailable() && peerAvailable('restic-0.18');

remoteBackendSuite('SFTP (OpenSSH sshd)', startSshd, available);

(available() || process.env.CI ? describe : describe.skip)('SFTP host keys over JSON-RPC', () => {
  let server: SshdServer | undefined;
  const backends: RpcBackend[] = [];
  afterAll(async () => {
    for (const b of backends) await b.stop();
    await server?.stop();
    cleanupTempDirs();
  });

  it('an unknown host key fails the request with unknownHostKey and the fingerprint; accepting it adds the key to known_hosts', async () => {
    const work = makeTempDir('sftp-rpc');
    server = await startSshdServer(work);
    lockstepOk(['init'], { repo: server.location, password: 'pw', env: server.lockstepEnv });
    const knownHosts = path.join(work, 'fresh_known_hosts');
    const env = { RESTIC_REPOSITORY: server.location, RESTIC_PASSWORD: 'pw', LOCKSTEP_SFTP_IDENTITY: server.lockstepEnv.LOCKSTEP_SFTP_IDENTITY, LOCKSTEP_SFTP_KNOWN_HOSTS: knownHosts };
    const first = await startBackend(env);
    backends.push(first);
    const err = await first.connection.sendRequest(SnapshotsRequest.type, {}).then(
      () => undefined,
      (e: { code: number; message: string; data: UnknownHostKeyData }) => e,
    );
    expect(err?.code).toBe(LockstepErrorCodes.unknownHostKey);
    const expected = spawnSync('ssh-keygen', ['-lf', `${server.hostKey}.pub`], { encoding: 'utf8' }).stdout.split(' ')[1];
    expect(err?.data).toEqual({ host: '127.0.0.1', port: server.port, keyType: 'ssh-ed25519', fingerprint: expected });

    // What the extension does after "Trust and Retry": a backend started with the accepted fingerprint.
    const trusted = await startBackend({ ...env, LOCKSTEP_SFTP_ACCEPT_HOST_KEY: expected });
    backends.push(trusted);
    expect(await trusted.connection.sendRequest(SnapshotsRequest.type, {})).toEqual({ snapshots: [], damaged: [] });
    const plain = await startBackend(env);
    backends.push(plain);
    expect(await plain.connection.sendRequest(SnapshotsRequest.type, {})).toEqual({ snapshots: [], damaged: [] });
  }, 60_000);
});
