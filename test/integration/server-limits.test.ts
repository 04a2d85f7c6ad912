// What the backend takes on at once is bounded: requests beyond the running and waiting bounds are refused with a
// clear error, params beyond the size bounds get InvalidParams, and no lock is ever left behind. Before, 200
// concurrent `snapshots` on a repository with a 50 MB snapshot ran V8 into its heap limit and the abort left 85
// locks. With the smaller snapshot here the old backend did not run out of memory, but took minutes and answered
// some requests "locked by another" (200 lock acquisitions read each other's lock files half-written).
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ResponseError } from 'vscode-jsonrpc/node';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../server/src/backend/local';
import { BackupRequest, LocksRequest, LockstepErrorCodes, SnapshotsRequest } from '../../shared/src/protocol';
import { Repository } from '../../server/src/repo/repository';
import { DEFAULT_ADMISSION_LIMITS } from '../../server/src/rpc/admission';
import { lockstepOk } from '../helpers/cli';
import { repoFiles } from '../helpers/process';
import { backendsStoppedAfterEach } from '../helpers/rpc';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'limits';
const backendFor = backendsStoppedAfterEach(PASSWORD);


/** A repository whose one snapshot carries `tagBytes` of tags (written directly: the backend no longer accepts them). */
async function repositoryWithBigSnapshot(work: string, tagBytes: number): Promise<string> {
  const repo = path.join(work, 'repo');
  const source = path.join(work, 'source');
  mkdirSync(source);
  writeFileSync(path.join(source, 'file'), 'some data');
  lockstepOk(['init'], { repo, password: PASSWORD });
  lockstepOk(['backup', source], { repo, password: PASSWORD });
  const repository = await Repository.open(new LocalBackend(repo), PASSWORD);
  const [{ id, snapshot }] = await repository.listSnapshots();
  const tags = Array.from({ length: tagBytes / 65536 }, () => randomBytes(32768).toString('hex'));
  await repository.saveSnapshot({ ...snapshot, tags });
  await repository.backend.remove({ type: 'snapshots', name: id });
  await repository.close();
  return repo;
}

describe('the backend bounds what it takes on', () => {
  it('200 concurrent snapshots of a big snapshot: a bounded number run, the rest are refused clearly, no lock is left', async () => {
    const work = makeTempDir('limits-many');
    const repo = await repositoryWithBigSnapshot(work, 512 * 1024);
    const b = await backendFor(repo);
    const answers = Array.from({ length: 200 }, () =>
      b.connection.sendRequest(SnapshotsRequest.type, {}).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      ),
    );
    // The lock-free line is not behind the full one (design.md: locks and unlock answer meanwhile).
    expect(await b.connection.sendRequest(LocksRequest.type, {})).toMatchObject({ locks: expect.any(Array) });
    const outcomes = await Promise.all(answers);
    const served = outcomes.filter((o) => 'result' in o);
    const refused = outcomes.flatMap((o) => ('error' in o ? [o.error] : []));
    for (const err of refused) {
      expect(err).toBeInstanceOf(ResponseError);
      expect((err as ResponseError<unknown>).code).toBe(LockstepErrorCodes.failed);
      expect((err as ResponseError<unknown>).message).toMatch(/^snapshots: the backend is busy \(4 operations running and 32 waiting\); try again/);
    }
    const { running: run, waiting } = DEFAULT_ADMISSION_LIMITS;
    expect(served.length).toBeGreaterThanOrEqual(run + waiting);
    for (const o of served) expect('result' in o && o.result.snapshots[0].tags.join('').length).toBe(512 * 1024);
    expect(b.child.exitCode).toBe(null);
    expect(repoFiles(repo, 'locks')).toEqual([]);
    // And it serves on.
    expect((await b.connection.sendRequest(SnapshotsRequest.type, {})).snapshots).toHaveLength(1);
  });

  it('params beyond the size bounds get InvalidParams naming the field (a 50 MB tag was accepted)', async () => {
    const work = makeTempDir('limits-params');
    const repo = path.join(work, 'repo');
    lockstepOk(['init'], { repo, password: PASSWORD });
    const b = await backendFor(repo);
    const paths = [path.join(work, 'missing')];
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ paths, tags: ['x'.repeat(5 * 1024 * 1024)] }, /^params\.tags has an entry longer than 4096 characters$/],
      [{ paths, tags: Array.from({ length: 10_001 }, () => 't') }, /^params\.tags has more than 10000 entries$/],
      [{ paths, excludes: Array.from({ length: 300 }, () => 'e'.repeat(4096)) }, /^params\.excludes is longer than 1048576 characters in all$/],
      [{ paths, host: 'h'.repeat(4097) }, /^params\.host is longer than 4096 characters$/],
      [{ paths: ['p'.repeat(4097)] }, /^params\.paths has an entry longer than 4096 characters$/],
    ];
    for (const [params, message] of cases) {
      const err = await b.connection.sendRequest(BackupRequest.type, params as never).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, JSON.stringify(params).slice(0, 80)).toBeInstanceOf(ResponseError);
      expect((err as ResponseError<unknown>).code).toBe(-32602);
      expect((err as ResponseError<unknown>).message).toMatch(message);
    }
    expect(repoFiles(repo, 'locks')).toEqual([]);
    expect(repoFiles(repo, 'snapshots')).toEqual([]);
  });
});
