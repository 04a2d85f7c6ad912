// Browsing a snapshot over JSON-RPC, as the extension's Snapshots view and lockstep-snapshot: editors do: one folder
// at a time (lockstep/ls) and one file's bytes (lockstep/readFile), from a snapshot restic 0.18 made.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ResponseError } from 'vscode-jsonrpc/node';
import { afterAll, describe, expect, it } from 'vitest';
import { LockstepErrorCodes, LsFolderRequest, ReadFileRequest, SnapshotsRequest } from '../../shared/src/protocol';
import { lockstepOk } from '../helpers/cli';
import { requirePeer, runRestic } from '../helpers/peers';
import { backendsStoppedAfterEach } from '../helpers/rpc';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'browse';
const backendFor = backendsStoppedAfterEach(PASSWORD);

describe('browsing a snapshot over JSON-RPC', () => {
  it("lists one folder, reads one file's bytes, and names what is wrong with a bad path", async () => {
    const restic = requirePeer('restic-0.18');
    const work = makeTempDir('rpc-browse');
    const repo = path.join(work, 'repo');
    const src = path.join(work, 'src');
    mkdirSync(path.join(src, 'docs', 'deep'), { recursive: true });
    writeFileSync(path.join(src, 'a.txt'), 'version one\n');
    writeFileSync(path.join(src, 'docs', 'b.bin'), Buffer.alloc(70_000, 7));
    writeFileSync(path.join(src, 'docs', 'deep', 'c.txt'), 'deep\n');
    lockstepOk(['init'], { repo, password: PASSWORD });
    runRestic(restic, repo, ['backup', '--host', 'browser', src], { password: PASSWORD });
    const b = await backendFor(repo);

    const top = await b.connection.sendRequest(LsFolderRequest.type, { snapshot: 'latest', path: src });
    expect(top.snapshotId).toMatch(/^[0-9a-f]{64}$/);
    const entries = top.entries ?? [];
    expect(entries.map((e) => [e.name, e.type, e.path, e.size])).toEqual([
      ['a.txt', 'file', `${src}/a.txt`, 12],
      ['docs', 'dir', `${src}/docs`, undefined],
    ]);
    expect(entries[0].permissions).toBe(0o644);
    const root = await b.connection.sendRequest(LsFolderRequest.type, { snapshot: top.snapshotId.slice(0, 8) });
    expect((root.entries ?? []).map((e) => e.path)).toEqual([`/${src.split('/')[1]}`]);

    const file = await b.connection.sendRequest(ReadFileRequest.type, { snapshot: top.snapshotId, path: `${src}/docs/b.bin` });
    expect(file.size).toBe(70_000);
    expect(Buffer.from(file.data, 'base64').equals(readFileSync(path.join(src, 'docs', 'b.bin')))).toBe(true);

    // The Snapshots view shows a snapshot's size: what restic's summary says the backup read.
    const listed = await b.connection.sendRequest(SnapshotsRequest.type, {});
    expect(listed.snapshots.map((s) => s.size)).toEqual([12 + 70_000 + 5]);

    const failure = (p: Promise<unknown>) => p.then(() => undefined, (err: unknown) => err as ResponseError<unknown>);
    expect(await failure(b.connection.sendRequest(ReadFileRequest.type, { snapshot: 'latest', path: `${src}/docs` }))).toMatchObject({ code: LockstepErrorCodes.failed, message: `${src}/docs is a dir, not a file` });
    expect(await failure(b.connection.sendRequest(LsFolderRequest.type, { snapshot: 'latest', path: `${src}/nope/x` }))).toMatchObject({ message: `cannot list: path "${src}/nope/x" not found in snapshot` });
    expect(await failure(b.connection.sendRequest(ReadFileRequest.type, { snapshot: 'latest', path: `${src}/docs/b.bin`, maxBytes: 1000 }))).toMatchObject({ message: `${src}/docs/b.bin is 70000 bytes, more than the 1000 that may be read at once` });
  });
});
