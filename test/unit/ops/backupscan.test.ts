// A backup with progress counts its targets' files beside the walk (ops/scan.ts), as restic's scanner does. The count
// belongs to the backup: once the backup is over (here an unchanged one, done long before a count of 4,000 files
// through the thread pool), it makes no further system call.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { LocalBackend } from '../../../server/src/backend/local';
import { backup } from '../../../server/src/ops/backup';
import { Repository } from '../../../server/src/repo/repository';
import { makeFolderOfSmallFiles } from '../../helpers/fstree';
import { cleanupTempDirs, makeTempDir } from '../../helpers/tmp';

afterAll(cleanupTempDirs);
afterEach(() => vi.restoreAllMocks());

describe("a backup's count for progress", () => {
  it('stops with the backup', async () => {
    const work = makeTempDir('backupscan');
    const source = path.join(work, 'source');
    makeFolderOfSmallFiles(source, 40, 100, (d, f) => `file ${d}/${f}\n`);
    const repo = await Repository.init(new LocalBackend(path.join(work, 'repo')), 'scan', { kdf: { N: 1024, r: 8, p: 1 } });
    await backup(repo, { paths: [source], threads: 0 });

    const lstat = vi.spyOn(fsp, 'lstat');
    const summary = await backup(repo, { paths: [source], threads: 0, onProgress: () => undefined });
    const atEnd = lstat.mock.calls.length;
    for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setImmediate(resolve));
    await repo.close();
    expect(summary.filesUnmodified).toBe(4000);
    expect(atEnd).toBeGreaterThan(0);
    expect(lstat.mock.calls.length - atEnd).toBe(0);
  });
});
