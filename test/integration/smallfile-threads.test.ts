// With LOCKSTEP_SMALL_FILE_WORKER=1, small files are read on the main thread and stored in batches by a worker thread or, when the worker holds two
// batches, by the main thread (server/src/repo/engine/smallbatch.ts). Whichever thread stored a file, the repository
// must hold exactly its bytes: restic checks every pack, restores the files byte for byte, and a second backup of
// the same contents under new names (the index's blobs, found through the workers' table) adds no data blob.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { lockstepOk } from '../helpers/cli';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'small-threads';

/** 400 files of 1-12 KiB in 8 folders (several batches), some empty, some the same bytes as another. */
function makeTree(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (let i = 0; i < 400; i++) {
    const dir = path.join(root, `d${i % 8}`);
    mkdirSync(dir, { recursive: true });
    let data: Buffer;
    if (i % 50 === 7) data = Buffer.alloc(0);
    else if (i % 10 === 3) data = files.get(path.join(root, `d${(i - 1) % 8}`, `f${i - 1}`)) ?? randomBytes(100);
    else if (i % 2 === 0) data = randomBytes(1024 + ((i * 37) % 11) * 1024);
    else data = Buffer.from(`line ${i} of a text file\n`.repeat(50 + (i % 400)));
    const file = path.join(dir, `f${i}`);
    writeFileSync(file, data);
    files.set(file, data);
  }
  return files;
}

describeWithPeer('restic-0.18', 'small files stored by a worker thread and the main thread', () => {
  it('leaves every byte in the repository as restic reads it back, and a renamed copy adds no data blob', () => {
    const restic = requirePeer('restic-0.18');
    const repo = path.join(makeTempDir('small-threads-repo'), 'repo');
    const src = makeTempDir('small-threads-src');
    const files = makeTree(src);
    const opts = { repo, password: PASSWORD, env: { LOCKSTEP_WORKERS: '1', LOCKSTEP_SMALL_FILE_WORKER: '1' } };
    lockstepOk(['init'], opts);
    lockstepOk(['backup', '--quiet', src], opts);
    runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
    const target = makeTempDir('small-threads-restore');
    runRestic(restic, repo, ['restore', 'latest', '--target', target], { password: PASSWORD });
    for (const [file, data] of files) expect(readFileSync(path.join(target, file)).equals(data), file).toBe(true);

    const copy = path.join(src, 'copy');
    mkdirSync(copy);
    for (const [i, data] of [...files.values()].entries()) writeFileSync(path.join(copy, `c${i}`), data);
    const summary = lockstepOk(['backup', '--json', src], opts)
      .stdout.split('\n')
      .filter((line) => line.includes('"summary"'))
      .map((line) => JSON.parse(line) as { data_blobs: number; files_new: number })[0];
    expect(summary.files_new).toBe(files.size);
    expect(summary.data_blobs).toBe(0);
    runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
  });
});
