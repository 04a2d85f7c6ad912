import { readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../server/src/backend/backend';
import { LocalBackend } from '../../../server/src/backend/local';
import { cleanupTempDirs, makeTempDir } from '../../helpers/tmp';

afterAll(cleanupTempDirs);
const ID = 'ab'.repeat(32);

describe('local backend', () => {
  it('creates restic\'s layout with 256 data folders', async () => {
    const dir = path.join(makeTempDir('local'), 'repo');
    await new LocalBackend(dir).create();
    expect(readdirSync(dir).sort()).toEqual(['data', 'index', 'keys', 'locks', 'snapshots']);
    expect(readdirSync(path.join(dir, 'data'))).toHaveLength(256);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('saves atomically into data/XX, read-only, and loads ranges', async () => {
    const dir = path.join(makeTempDir('local'), 'repo');
    const backend = new LocalBackend(dir);
    await backend.create();
    await backend.save({ type: 'data', name: ID }, [Buffer.from('hello '), Buffer.from('world')]);
    const file = path.join(dir, 'data', 'ab', ID);
    expect(statSync(file).mode & 0o777).toBe(0o400);
    expect(readdirSync(path.join(dir, 'data', 'ab'))).toEqual([ID]);
    expect((await backend.load({ type: 'data', name: ID }, { offset: 6, length: 5 })).toString()).toBe('world');
    expect((await backend.stat({ type: 'data', name: ID })).size).toBe(11);
    expect(await backend.list('data')).toEqual([{ name: ID, size: 11 }]);
  });

  it('missing files are NotFoundError; removing twice is fine; temp files are not listed', async () => {
    const dir = path.join(makeTempDir('local'), 'repo');
    const backend = new LocalBackend(dir);
    await backend.create();
    await expect(backend.load({ type: 'snapshots', name: ID })).rejects.toBeInstanceOf(NotFoundError);
    await expect(backend.stat({ type: 'config', name: '' })).rejects.toBeInstanceOf(NotFoundError);
    writeFileSync(path.join(dir, 'snapshots', `${ID}-tmp-123`), 'partial');
    expect(await backend.list('snapshots')).toEqual([]);
    await backend.remove({ type: 'snapshots', name: ID });
  });

  it('honours an aborted signal before touching anything', async () => {
    const dir = path.join(makeTempDir('local'), 'repo');
    const backend = new LocalBackend(dir);
    const controller = new AbortController();
    controller.abort();
    await expect(backend.create(controller.signal)).rejects.toThrow(/cancelled/);
  });
});
