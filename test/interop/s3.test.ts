// S3 repositories against s3rver 3.7.1 on 127.0.0.1 (a child process; see test/helpers/s3rver-main.mjs for what it
// does not enforce), with the shared remote scenarios and restic 0.14/0.18. The backend's own behaviour (layout,
// bucket lookup, credentials, errors, a hung or dead server) is in test/unit/backend/s3.test.ts.
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockstepOk } from '../helpers/cli';
import { expectSameTree, makeSourceTree } from '../helpers/fstree';
import { peerAvailable, requirePeer, runRestic } from '../helpers/peers';
import { RemoteServer } from '../helpers/remote-server';
import { remoteBackendSuite } from '../helpers/remote-suite';
import { S3_CREDENTIALS, s3rverAvailable, startS3rver } from '../helpers/s3server';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

const PASSWORD = 's3 password';
const available = (): boolean => s3rverAvailable() && peerAvailable('restic-0.18') && peerAvailable('restic-0.14');

remoteBackendSuite('S3 (s3rver)', startS3rver, available);

(available() || process.env.CI ? describe : describe.skip)('S3 specifics', () => {
  let server: RemoteServer;
  let work: string;
  beforeAll(async () => {
    work = makeTempDir('s3');
    server = await startS3rver(work);
  });
  afterAll(async () => {
    await server?.stop();
    cleanupTempDirs();
  });

  it('restic 0.14 makes a repository under another prefix; Lockstep lists, restores and adds to it; restic 0.14 checks it', () => {
    const location = server.location.replace(/\/repo$/, '/from-restic');
    const source = path.join(work, 'source');
    makeSourceTree(source);
    const restic14 = requirePeer('restic-0.14');
    runRestic(restic14, location, ['init'], { password: PASSWORD, env: S3_CREDENTIALS });
    runRestic(restic14, location, ['backup', source], { password: PASSWORD, env: S3_CREDENTIALS });
    const options = { repo: location, password: PASSWORD, env: S3_CREDENTIALS };
    expect(JSON.parse(lockstepOk(['snapshots', '--json'], options).stdout)).toHaveLength(1);
    const target = path.join(work, 'restored');
    lockstepOk(['restore', 'latest', '--target', target], options);
    expectSameTree(path.join(target, source), source);
    const summary = JSON.parse(lockstepOk(['backup', '--json', '--force', source], options).stdout.trim().split('\n').pop() ?? '{}') as { data_blobs?: number };
    expect(summary.data_blobs).toBe(0);
    runRestic(restic14, location, ['check', '--read-data'], { password: PASSWORD, env: S3_CREDENTIALS });
  }, 60_000);
});
