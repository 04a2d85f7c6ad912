// The local cache of a remote (REST) repository's index and snapshots: filled by a listing, verified before use (a
// damaged cached file is fetched again), never trusted for existence (a snapshot restic 0.18 forgot disappears from
// the listing and from the cache), and --no-cache leaves it alone.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lockstepOk } from '../helpers/cli';
import { describeWithPeer, peerAvailable, requirePeer, runRestic } from '../helpers/peers';
import { RemoteServer } from '../helpers/remote-server';
import { startRestServer } from '../helpers/restserver';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

const PASSWORD = 'cache';
let server: RemoteServer | undefined;
afterAll(async () => {
  await server?.stop();
  cleanupTempDirs();
});

describeWithPeer('restic-0.18', 'the local cache of a remote repository', () => {
  const restic = requirePeer('restic-0.18');
  let cacheDir = '';
  let repo = '';
  const snapshotIds = (args: string[]): string[] =>
    (JSON.parse(lockstepOk([...args, 'snapshots', '--json'], { repo, password: PASSWORD }).stdout) as { id: string }[]).map((s) => s.id).sort();
  const cached = (type: string): string[] => {
    const [folder] = readdirSync(cacheDir);
    const dir = path.join(cacheDir, folder, type);
    return existsSync(dir) ? readdirSync(dir).sort() : [];
  };

  beforeAll(async () => {
    if (!peerAvailable('rest-server')) return;
    const work = makeTempDir('cache');
    cacheDir = path.join(work, 'cache');
    server = await startRestServer(work);
    repo = server.location;
    writeFileSync(`${work}/file`, 'x');
    lockstepOk(['init'], { repo, password: PASSWORD });
    for (let i = 0; i < 2; i++) lockstepOk(['backup', '--tag', `t${i}`, `${work}/file`], { repo, password: PASSWORD });
  });

  it('keeps, verifies and prunes cached snapshots and indexes; --no-cache writes none', () => {
    if (!peerAvailable('rest-server')) return;
    const all = snapshotIds(['--no-cache', '--cache-dir', cacheDir]);
    expect(all).toHaveLength(2);
    expect(existsSync(cacheDir)).toBe(false);

    expect(snapshotIds(['--cache-dir', cacheDir])).toEqual(all);
    expect(cached('snapshots')).toEqual(all);
    lockstepOk(['--cache-dir', cacheDir, 'ls', 'latest'], { repo, password: PASSWORD });
    expect(cached('index').length).toBeGreaterThan(0);

    // A damaged cached file is not used: the listing is still right.
    const [folder] = readdirSync(cacheDir);
    writeFileSync(path.join(cacheDir, folder, 'snapshots', all[0]), 'damaged');
    expect(snapshotIds(['--cache-dir', cacheDir])).toEqual(all);

    // restic forgets one: the cache does not bring it back, and its cached copy goes.
    runRestic(restic, repo, ['forget', all[1]], { password: PASSWORD, env: server!.resticEnv });
    expect(snapshotIds(['--cache-dir', cacheDir])).toEqual([all[0]]);
    expect(cached('snapshots')).toEqual([all[0]]);
  });
});
