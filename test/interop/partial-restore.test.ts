// Partial restores, dump and browsing one folder, side by side with restic 0.18 on the same repository: the same
// files restored (bytes, modes, times, links), the same summary counts and exit codes, the same tar entries.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, linkSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ResponseError } from 'vscode-jsonrpc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LsFolderRequest, ReadFileRequest, RestoreRequest } from '../../shared/src/protocol';
import { lockstep, lockstepOk } from '../helpers/cli';
import { expectSameTree } from '../helpers/fstree';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { backendsStoppedAfterEach } from '../helpers/rpc';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'partial';
const backendFor = backendsStoppedAfterEach(PASSWORD);

describeWithPeer('restic-0.18', 'partial restores, dump and browsing, compared with restic 0.18', () => {
  let restic: string;
  let work: string;
  let repo: string;
  let source: string;

  beforeAll(() => {
    restic = requirePeer('restic-0.18');
    work = makeTempDir('partial');
    repo = path.join(work, 'repo');
    source = path.join(work, 'src');
    mkdirSync(path.join(source, 'docs', 'old'), { recursive: true });
    mkdirSync(path.join(source, 'code'));
    writeFileSync(path.join(source, 'docs', 'a.txt'), 'alpha\n');
    writeFileSync(path.join(source, 'docs', 'B.TXT'), 'bravo, in capitals\n');
    writeFileSync(path.join(source, 'docs', 'old', 'c.txt'), 'charlie\n');
    writeFileSync(path.join(source, 'code', 'main.ts'), 'export {};\n');
    chmodSync(path.join(source, 'code', 'main.ts'), 0o640);
    symlinkSync('../docs/a.txt', path.join(source, 'code', 'link'));
    // Two names of one file: restic counts its size once.
    linkSync(path.join(source, 'docs', 'a.txt'), path.join(source, 'code', 'a-again.txt'));
    const t = new Date('2024-05-06T07:08:09.123Z');
    for (const p of ['docs/a.txt', 'docs/old', 'docs', 'code']) utimesSync(path.join(source, p), t, t);
    lockstepOk(['init'], { repo, password: PASSWORD });
    runRestic(restic, repo, ['backup', '-q', source], { password: PASSWORD });
  });

  /** Both tools restore with the same arguments into their own target; their summaries and exit codes are returned. */
  function restoreBoth(name: string, args: string[]): { restic: Record<string, unknown>; lockstep: Record<string, unknown>; targets: [string, string] } {
    const targets: [string, string] = [path.join(work, `${name}-restic`), path.join(work, `${name}-lockstep`)];
    const theirs = runRestic(restic, repo, ['--json', 'restore', ...args, '--target', targets[0]], { password: PASSWORD, allowFail: true });
    const ours = lockstep(['--json', 'restore', ...args, '--target', targets[1]], { repo, password: PASSWORD });
    const summary = (out: string, code: number): Record<string, unknown> => {
      const last = out.trim().split('\n').filter((l) => l.includes('"summary"')).at(-1);
      const { total_files, files_restored, total_bytes, bytes_restored } = last ? (JSON.parse(last) as Record<string, unknown>) : {};
      return { code, total_files, files_restored, total_bytes, bytes_restored };
    };
    return { restic: summary(theirs.stdout, theirs.code), lockstep: summary(ours.stdout, ours.code), targets };
  }

  it.each([
    ['include-glob', ['latest', '--include', '*.txt']],
    ['include-absolute', ['latest', '--include', '/SRC/docs/old/c.txt']],
    ['exclude', ['latest', '--exclude', 'old', '--iexclude', 'b.txt']],
    ['iinclude', ['latest', '--iinclude', '*.TXT']],
    ['subfolder', ['latest:SRC/docs']],
    ['subfolder-include', ['latest:SRC/docs', '--include', '/old']],
  ])('restore %s: the same files, counts and exit code', (name, args) => {
    const concrete = args.map((a) => a.replace('/SRC', source).replace('SRC', source));
    const both = restoreBoth(name, concrete);
    expect(both.lockstep).toEqual(both.restic);
    expect(both.lockstep.code).toBe(0);
    expectSameTree(both.targets[1], both.targets[0]);
  });

  it('refuses SNAPSHOT:PATH naming a file or nothing, and includes with excludes, with exit code 1 as restic', () => {
    const mixed = restoreBoth('mixed', ['latest', '--include', 'docs', '--exclude', 'a.txt']);
    expect(mixed.lockstep.code).toBe(1);
    expect(mixed.restic.code).toBe(1);
    for (const sub of ['docs/a.txt', 'nothing']) {
      const both = restoreBoth(`bad-${sub.replace('/', '-')}`, [`latest:${source}/${sub}`]);
      expect(both.lockstep.code).toBe(1);
      expect(both.restic.code).toBe(1);
    }
    const ours = lockstep(['restore', `latest:${source}/docs/a.txt`, '--target', path.join(work, 'bad')], { repo, password: PASSWORD });
    expect(ours.stderr).toContain(`path ${source.slice(1)}/docs/a.txt: not a directory`);
  });

  it('--dry-run lists what restic lists and writes nothing', () => {
    const items = (out: string): string[] =>
      out
        .split('\n')
        .filter((l) => l.includes('verbose_status'))
        .map((l) => JSON.parse(l) as { action: string; item: string; size: number })
        .map((m) => `${m.action} ${m.item} ${m.size}`)
        .sort();
    const theirs = runRestic(restic, repo, ['--json', '-vv', 'restore', 'latest', '--include', '*.txt', '--dry-run', '--target', path.join(work, 'dry-r')], { password: PASSWORD });
    const ours = lockstepOk(['--json', '-v', 'restore', 'latest', '--include', '*.txt', '--dry-run', '--target', path.join(work, 'dry-l')], { repo, password: PASSWORD });
    expect(items(ours.stdout)).toEqual(items(theirs.stdout));
    expect(items(ours.stdout).length).toBeGreaterThan(0);
    expect(existsSync(path.join(work, 'dry-l'))).toBe(false);
  });

  it('--verify reads back as many files as restic and says so', () => {
    const theirs = runRestic(restic, repo, ['restore', 'latest', '--verify', '--target', path.join(work, 'verify-r')], { password: PASSWORD });
    const ours = lockstepOk(['restore', 'latest', '--verify', '--target', path.join(work, 'verify-l')], { repo, password: PASSWORD });
    const said = (out: string): string | undefined => /finished verifying (\d+) files/.exec(out)?.[1];
    expect(said(ours.stdout)).toBe(said(theirs.stdout));
    expect(Number(said(ours.stdout))).toBeGreaterThan(0);
    expect(ours.stdout).toMatch(/^restoring snapshot [0-9a-f]{8} of \[.*\] at .* by .*@.* to /m);
    const summary = (out: string): string | undefined => /^Summary: Restored \d+ files\/dirs \(\d+ B\) in/m.exec(out)?.[0];
    expect(summary(ours.stdout)).toBe(summary(theirs.stdout));
  });

  it('dump: a file byte for byte, a folder as the same tar and zip entries, a missing path exit 1', () => {
    const both = (args: string[]): [Buffer, Buffer] => [
      runRestic(restic, repo, ['dump', ...args], { password: PASSWORD, binaryStdout: true }).stdoutBuffer ?? Buffer.alloc(0),
      execFileSync(process.execPath, [path.resolve(__dirname, '../../dist/cli.js'), 'dump', ...args], { env: { ...process.env, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: PASSWORD } }),
    ];
    const [fileR, fileL] = both(['latest', `${source}/docs/B.TXT`]);
    expect(fileL.equals(fileR)).toBe(true);
    for (const folder of [`${source}/docs`]) {
      const [tarR, tarL] = both(['latest', folder]);
      const list = (tar: Buffer): string => execFileSync('tar', ['-tvf', '-'], { input: tar, env: { TZ: 'UTC' } }).toString();
      expect(list(tarL)).toBe(list(tarR));
      const out = path.join(work, `untar-${folder.length}`);
      mkdirSync(out);
      execFileSync('tar', ['-xf', '-', '-C', out], { input: tarL });
      expect(execFileSync('cat', [path.join(out, source.slice(1), 'docs', 'old', 'c.txt')]).toString()).toBe('charlie\n');
    }
    // zip: the same entries (names, modes, sizes, methods, times) as restic's, and a valid archive.
    const [zipR, zipL] = both(['--archive', 'zip', 'latest', `${source}/docs`]);
    const zipList = (zip: Buffer, name: string): string[] => {
      const file = path.join(work, name);
      writeFileSync(file, zip);
      return execFileSync('zipinfo', [file], { env: { TZ: 'UTC' } }).toString().split('\n').filter((l) => /^[-dl]r/.test(l));
    };
    expect(zipList(zipL, 'l.zip')).toEqual(zipList(zipR, 'r.zip'));
    expect(zipList(zipL, 'l.zip').length).toBe(4);
    execFileSync('unzip', ['-tq', path.join(work, 'l.zip')]);
    const missing = lockstep(['dump', 'latest', '/no/such/file'], { repo, password: PASSWORD });
    expect(missing.code).toBe(runRestic(restic, repo, ['dump', 'latest', '/no/such/file'], { password: PASSWORD, allowFail: true }).code);
    expect(missing.stderr).toContain('cannot dump file: path "/no/such/file" not found in snapshot');
  });

  it('over JSON-RPC: lists one folder, reads one file (bounded), restores one file by an include pattern', async () => {
    const b = await backendFor(repo);
    const root = await b.connection.sendRequest(LsFolderRequest.type, { snapshot: 'latest' });
    expect(root.node).toMatchObject({ path: '/', type: 'dir' });
    const folder = await b.connection.sendRequest(LsFolderRequest.type, { snapshot: 'latest', path: `${source}/docs` });
    expect(folder.entries?.map((e) => [e.path, e.type, e.size])).toEqual([
      [`${source}/docs/B.TXT`, 'file', 19],
      [`${source}/docs/a.txt`, 'file', 6],
      [`${source}/docs/old`, 'dir', undefined],
    ]);
    const stat = await b.connection.sendRequest(LsFolderRequest.type, { snapshot: 'latest', path: `${source}/code/main.ts` });
    expect(stat.entries).toBeUndefined();
    expect(stat.node).toMatchObject({ name: 'main.ts', type: 'file', size: 11, permissions: 0o640 });
    const file = await b.connection.sendRequest(ReadFileRequest.type, { snapshot: 'latest', path: `${source}/docs/old/c.txt` });
    expect(Buffer.from(file.data, 'base64').toString()).toBe('charlie\n');
    const tooBig = await b.connection.sendRequest(ReadFileRequest.type, { snapshot: 'latest', path: `${source}/docs/old/c.txt`, maxBytes: 3 }).catch((e: unknown) => e);
    expect(tooBig).toBeInstanceOf(ResponseError);
    expect((tooBig as ResponseError<unknown>).message).toContain('is 8 bytes, more than the 3');
    const missing = await b.connection.sendRequest(ReadFileRequest.type, { snapshot: 'latest', path: `${source}/nothing` }).catch((e: unknown) => e);
    expect((missing as ResponseError<unknown>).message).toContain('not found in snapshot');
    const target = path.join(work, 'rpc-target');
    const restored = await b.connection.sendRequest(RestoreRequest.type, { snapshot: `latest:${source}`, target, includes: ['/docs/old/c.txt'], verify: true });
    expect(restored).toMatchObject({ filesRestored: 1, filesVerified: 1 });
    expect(execFileSync('find', [target, '-printf', '%P\\n']).toString().split('\n').filter(Boolean).sort()).toEqual(['docs', 'docs/old', 'docs/old/c.txt']);
  });
});
