// The backend between operations (issue 12, item 4): a backup's worker threads end with the backup, so the
// backend's threads after a backup are those it had before plus libuv's pool (started by the first file system
// call), and a second backup leaves no more. Figures (RSS at rest) are measured by the bench, not here.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, expect, it, describe } from 'vitest';
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
