// The backend between operations (issue 12, item 4): a backup's worker threads end with the backup, so the
// backend's threads after a backup are those it had before plus libuv's pool (started by the first file system
// call), and a second backup leaves no more. Figures (RSS at rest) are measured by the bench, not here.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, expect, it, describe } from 'vitest';
import { backendMemoryEnv, JEMALLOC_PATHS } from '../../client/src/backendMemory';
import { BackupRequest } from '../../shared/src/protocol';
import { lockstepOk } from '../helpers/cli';
import { backendsStoppedAfterEach } from '../helpers/rpc';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'server-idle';
const backendFor = backendsStoppedAfterEach(PASSWORD);
const POOL = 4;

function threads(pid: number): number {
  return Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

describe('the backend at rest', () => {
  it.runIf(process.platform === 'linux')('stops the worker threads of a backup when it ends', async () => {
    const repo = path.join(makeTempDir('server-idle-repo'), 'repo');
    lockstepOk(['init'], { repo, password: PASSWORD });
    const src = makeTempDir('server-idle-src');
    for (let i = 0; i < 150; i++) {
      mkdirSync(path.join(src, `d${i % 3}`), { recursive: true });
      writeFileSync(path.join(src, `d${i % 3}`, `f${i}`), `file ${i}\n`.repeat(200 + i));
    }
    // Larger than a chunk's minimum: its chunks go to a worker thread.
    writeFileSync(path.join(src, 'large'), randomBytes(700 * 1024));
    const backend = await backendFor(repo, { UV_THREADPOOL_SIZE: String(POOL), LOCKSTEP_WORKERS: '1' });
    const pid = backend.child.pid as number;
    const atStart = threads(pid);
    await backend.connection.sendRequest(BackupRequest.type, { paths: [src] });
    const afterFirst = threads(pid);
    expect(afterFirst).toBeLessThanOrEqual(atStart + POOL);
    writeFileSync(path.join(src, 'd0', 'f0'), 'changed\n');
    writeFileSync(path.join(src, 'd1', 'new'), 'new\n'.repeat(300));
    await backend.connection.sendRequest(BackupRequest.type, { paths: [src] });
    expect(threads(pid)).toBe(afterFirst);
  });
});

// Debian's libjemalloc2 (scripts/install-peers.sh installs it); outside CI, a machine without it skips.
const jemalloc = JEMALLOC_PATHS.find((file) => existsSync(file));

describe('the backend on jemalloc, started as the extension starts it', () => {
  it.runIf(process.platform === 'linux' && (jemalloc !== undefined || process.env.CI))('runs on it, backs up, and starts its own child processes without it', async () => {
    expect(jemalloc, 'libjemalloc2 is installed').toBeDefined();
    const work = makeTempDir('server-jemalloc');
    const repo = path.join(work, 'repo');
    lockstepOk(['init'], { repo, password: PASSWORD });
    writeFileSync(path.join(work, 'file.txt'), 'on jemalloc\n');
    // The password command is the backend's child: it answers only if the allocator settings are not its own.
    const check = path.join(work, 'password.sh');
    writeFileSync(check, `test -z "$LD_PRELOAD$MALLOC_CONF$LOCKSTEP_PRELOADED_ALLOCATOR" || { echo "child sees LD_PRELOAD=$LD_PRELOAD MALLOC_CONF=$MALLOC_CONF" >&2; exit 1; }\necho ${PASSWORD}\n`);
    const backend = await backendFor(repo, { ...backendMemoryEnv(), RESTIC_PASSWORD: '', RESTIC_PASSWORD_COMMAND: `sh ${check}` });
    const maps = readFileSync(`/proc/${backend.child.pid}/maps`, 'utf8');
    expect(maps).toContain(jemalloc);
    const result = await backend.connection.sendRequest(BackupRequest.type, { paths: [path.join(work, 'file.txt')] });
    expect(result.snapshotId).toMatch(/^[0-9a-f]{64}$/);
  });
});

