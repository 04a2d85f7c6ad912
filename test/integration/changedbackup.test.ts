// Change-driven backups through the real backend over JSON-RPC: a backup that looks again only at the folders on the
// reported paths makes the snapshot a full walk of the same files makes (folders' access times aside), and every
// reason to distrust the change list makes the backend walk everything.
import { chmodSync, lstatSync, lutimesSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../server/src/backend/local';
import { Repository } from '../../server/src/repo/repository';
import { readTree, TreeNode } from '../../server/src/repo/format/tree';
import { BackupChanges, BackupParams, BackupRequest, BackupResult } from '../../shared/src/protocol';
import { lockstepOk } from '../helpers/cli';
import { describeWithPeer, requirePeer, runRestic } from '../helpers/peers';
import { Backend, backendsStoppedAfterEach, savedBackup } from '../helpers/rpc';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

afterAll(cleanupTempDirs);

const PASSWORD = 'pw-changed-backup';
const UNWATCHED = '**/cache/**';
const startBackendFor = backendsStoppedAfterEach(PASSWORD);

/** mulberry32: a small seeded generator, so that a failing run can be repeated with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Workspace {
  repo: string;
  ws: string;
  backend: Backend;
  reader: Repository;
}

async function workspace(prefix: string): Promise<Workspace> {
  const dir = makeTempDir(prefix);
  const repo = path.join(dir, 'repo');
  const ws = path.join(dir, 'ws');
  mkdirSync(ws);
  lockstepOk(['init'], { repo, password: PASSWORD });
  const backend = await startBackendFor(repo);
  const reader = await Repository.open(new LocalBackend(repo), PASSWORD);
  return { repo, ws, backend, reader };
}

function backupRequest(w: Workspace, host: string, changes?: BackupChanges): Promise<BackupResult & { snapshotId: string }> {
  const params: BackupParams = { paths: [w.ws], host, changes };
  return savedBackup(w.backend.connection.sendRequest(BackupRequest.type, params));
}

/** Every node of a snapshot under `root` by path, folders' access times and tree IDs left out. */
async function snapshotNodes(reader: Repository, snapshotId: string, root: string): Promise<Map<string, string>> {
  await reader.loadIndex();
  const snapshot = await reader.loadSnapshot(snapshotId);
  const out = new Map<string, string>();
  const walk = async (treeId: string, prefix: string): Promise<void> => {
    for (const node of readTree(await reader.loadBlob('tree', treeId), treeId).nodes) {
      const p = `${prefix}/${node.name.toString()}`;
      // The folders above the workspace (/tmp …) change between two backups: others write there.
      if (p.startsWith(root)) out.set(p, describeNode(node));
      if (node.type === 'dir' && node.subtree) await walk(node.subtree, p);
    }
  };
  await walk(snapshot.tree, '');
  return out;
}

function describeNode(node: TreeNode): string {
  const { subtree: _subtree, atime, ...rest } = node;
  return JSON.stringify({ ...rest, atime: node.type === 'dir' ? undefined : atime }, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer' ? Buffer.from((value as { data: number[] }).data).toString('hex') : value,
  );
}

/** Reading a file does not change its access time from now on (relatime): it is later than its mtime and ctime. */
function settleAccessTimes(root: string): void {
  const future = new Date(Date.now() + 3_600_000);
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      const st = lstatSync(p);
      if (st.isDirectory()) visit(p);
      else if (st.atimeMs < Date.now() + 1_800_000) lutimesSync(p, future, st.mtime);
    }
  };
  visit(root);
}

/** The random edits of one round, applied to the workspace; returns the paths VS Code's watcher would report. */
class RandomEdits {
  private counter = 0;

  constructor(
    private readonly ws: string,
    private readonly random: () => number,
  ) {}

  private pick<T>(list: T[]): T {
    return list[Math.floor(this.random() * list.length)];
  }

  private entries(): { files: string[]; dirs: string[]; links: string[] } {
    const files: string[] = [];
    const dirs: string[] = [this.ws];
    const links: string[] = [];
    const visit = (dir: string): void => {
      for (const name of readdirSync(dir).sort()) {
        const p = path.join(dir, name);
        const st = lstatSync(p);
        if (st.isDirectory()) {
          dirs.push(p);
          visit(p);
        } else if (st.isSymbolicLink()) links.push(p);
        else files.push(p);
      }
    };
    visit(this.ws);
    return { files, dirs, links };
  }

  private content(): string {
    return `content ${this.counter++} ${'x'.repeat(Math.floor(this.random() * 2000))}\n`;
  }

  populate(): void {
    for (const d of ['a', 'a/b', 'a/b/c', 'd', 'd/cache', 'd/cache/inner', 'e']) mkdirSync(path.join(this.ws, d), { recursive: true });
    for (let i = 0; i < 40; i++) writeFileSync(path.join(this.pick(this.entries().dirs), `f${i}`), this.content());
    symlinkSync('a/f1', path.join(this.ws, 'link'));
  }

  /** One to five changes; the paths they touched. */
  round(): string[] {
    const changed: string[] = [];
    for (let n = 1 + Math.floor(this.random() * 5); n > 0; n--) changed.push(...this.apply());
    return changed;
  }

  /** One change; the paths it touched (the old and new name of a rename). */
  private apply(): string[] {
    const { files, dirs, links } = this.entries();
    const movable = dirs.filter((d) => d !== this.ws && !d.endsWith('/d/cache') && !d.endsWith('/d'));
    const fresh = (): string => path.join(this.pick(dirs), `n${this.counter++}`);
    const picked = this.pick(['create', 'edit', 'edit', 'delete', 'rename', 'chmod', 'symlink', 'mkdir', 'rmdir', 'moveDir', 'chmodDir']);
    // Hundreds of rounds can remove every file or folder (rmdir takes what is inside): then the change is a create.
    const nothingToChange = (['edit', 'chmod'].includes(picked) && files.length === 0) || (['delete', 'rename'].includes(picked) && files.length + links.length === 0) || (picked === 'chmodDir' && dirs.length < 2);
    const kind = nothingToChange ? 'create' : picked;
    const target = fresh();
    switch (kind) {
      case 'create':
        writeFileSync(target, this.content());
        return [target];
      case 'edit': {
        const f = this.pick(files);
        writeFileSync(f, this.content());
        return [f];
      }
      case 'delete': {
        const f = this.pick([...files, ...links]);
        unlinkSync(f);
        return [f];
      }
      case 'rename': {
        const f = this.pick([...files, ...links]);
        renameSync(f, target);
        return [f, target];
      }
      case 'chmod': {
        const f = this.pick(files);
        chmodSync(f, this.pick([0o644, 0o755, 0o600, 0o640]));
        return [f];
      }
      case 'symlink': {
        const existing = links.length > 0 && this.random() < 0.5 ? this.pick(links) : undefined;
        const at = existing ?? target;
        if (existing) unlinkSync(existing);
        symlinkSync(this.pick(['../x', 'f1', `target-${this.counter++}`]), at);
        return [at];
      }
      case 'mkdir':
        mkdirSync(target);
        writeFileSync(path.join(target, 'inside'), this.content());
        return [target];
      case 'rmdir': {
        if (movable.length === 0) return [];
        const d = this.pick(movable);
        rmSync(d, { recursive: true });
        return [d];
      }
      case 'moveDir': {
        const d = this.pick(movable);
        if (!d || target.startsWith(`${d}/`)) return [];
        renameSync(d, target);
        return [d, target];
      }
      default: {
        const d = this.pick(dirs.filter((x) => x !== this.ws));
        chmodSync(d, this.pick([0o755, 0o700, 0o750]));
        return [d];
      }
    }
  }
}

/** The paths the watcher reports of those changed: none in d/cache, which it leaves out (`**\/cache/**`). */
function reported(ws: string, paths: string[]): string[] {
  return paths.filter((p) => !`${path.relative(ws, p)}/`.startsWith('d/cache/'));
}

// Each round is two backups through the backend (~250 ms each on the loaded test machine, most of it opening the
// repository and starting the writer per request); LOCKSTEP_CHANGE_ROUNDS=400 for a longer search.
const ROUNDS = Number(process.env.LOCKSTEP_CHANGE_ROUNDS ?? 25);

describeWithPeer('restic-0.18', 'change-driven backups', () => {
  it(`make the snapshot a full walk makes, over ${ROUNDS} rounds of random changes`, async () => {
    const restic = requirePeer('restic-0.18');
    const seed = Number(process.env.LOCKSTEP_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const w = await workspace('changed-equal');
    const edits = new RandomEdits(w.ws, prng(seed));
    edits.populate();
    settleAccessTimes(w.ws);
    const watch = { watchedFolders: [w.ws], watcherExcludes: [UNWATCHED], fullScanMinutes: 1e6 };
    let since = (await backupRequest(w, 'changes', { ...watch, paths: [], fullWalk: 'watcher-started' })).snapshotId;
    let changeDriven = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const where = `seed ${seed} (LOCKSTEP_SEED=${seed}), round ${round}`;
      const changed = edits.round();
      // Inside d/cache the watcher reports nothing: the backend must walk it by itself.
      if (round % 7 === 3) mkdirSync(path.join(w.ws, 'd', 'cache', 'inner'), { recursive: true });
      if (round % 7 === 3) writeFileSync(path.join(w.ws, 'd', 'cache', 'inner', `quiet${round}`), `unreported ${round}\n`);
      settleAccessTimes(w.ws);
      const viaChanges = await backupRequest(w, 'changes', { ...watch, since, paths: reported(w.ws, changed) });
      expect(viaChanges.walk, where).toMatchObject({ changeDriven: true });
      changeDriven++;
      since = viaChanges.snapshotId;
      const full = await backupRequest(w, 'full');
      const [a, b] = [await snapshotNodes(w.reader, viaChanges.snapshotId, w.ws), await snapshotNodes(w.reader, full.snapshotId, w.ws)];
      expect(Object.fromEntries(a), where).toEqual(Object.fromEntries(b));
      if (round % 12 === 11 || round === ROUNDS - 1) {
        const ls = (id: string): string => runRestic(restic, w.repo, ['ls', '-l', id, w.ws], { password: PASSWORD }).stdout.split('\n').slice(1).join('\n');
        expect(ls(viaChanges.snapshotId), where).toBe(ls(full.snapshotId));
        const diff = runRestic(restic, w.repo, ['diff', viaChanges.snapshotId, full.snapshotId], { password: PASSWORD }).stdout;
        expect(diff.split('\n').filter((line) => /^[+\-MTU?] /.test(line)), where).toEqual([]);
      }
    }
    expect(changeDriven).toBe(ROUNDS);
    await w.reader.close();
  }, 60_000 + ROUNDS * 2_000);
});

/** A file's text as a snapshot holds it. */
async function textIn(reader: Repository, snapshotId: string, file: string): Promise<string> {
  await reader.loadIndex();
  let treeId = (await reader.loadSnapshot(snapshotId)).tree;
  const parts = file.split('/').filter(Boolean);
  for (const [i, name] of parts.entries()) {
    const node = readTree(await reader.loadBlob('tree', treeId), treeId).nodes.find((n) => n.name.toString() === name);
    if (!node) throw new Error(`${file} is not in snapshot ${snapshotId}`);
    if (i < parts.length - 1) treeId = node.subtree!;
    else return Buffer.concat(await Promise.all((node.content ?? []).map((id) => reader.loadBlob('data', id)))).toString();
  }
  throw new Error('no file named');
}

describe('a change list the backend cannot trust', () => {
  it('makes it walk everything: the watcher restarted or overflowed, the last full walk too old, a newer snapshot, other settings', async () => {
    const w = await workspace('changed-full');
    // Each file in a folder of its own: a backup that looks again at one folder does not see the others' files.
    const file = (name: string): string => path.join(w.ws, name, 'file');
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) {
      mkdirSync(path.join(w.ws, name));
      writeFileSync(file(name), 'one');
    }
    const watch = { watchedFolders: [w.ws], watcherExcludes: [], fullScanMinutes: 60 };
    let last = await backupRequest(w, 'h', { ...watch, paths: [], fullWalk: 'watcher-started' });
    expect(last.walk).toEqual({ changeDriven: false, fullWalkReason: 'the file watcher was (re)started' });
    /** Changes `name` without reporting it, backs up with `changes`, and says what the snapshot holds of it. */
    const unreported = async (name: string, changes: Partial<BackupChanges>): Promise<string> => {
      writeFileSync(file(name), 'two');
      last = await backupRequest(w, 'h', { ...watch, since: last.snapshotId, paths: [], ...changes });
      return textIn(w.reader, last.snapshotId, file(name));
    };

    // A change the watcher did not report is not seen by a change-driven backup; the reported one is.
    writeFileSync(file('a'), 'two');
    expect(await unreported('b', { paths: [file('a')] })).toBe('one');
    expect(last.walk).toEqual({ changeDriven: true });
    expect(await textIn(w.reader, last.snapshotId, file('a'))).toBe('two');

    expect(await unreported('b', { fullWalk: 'watcher-overflowed' })).toBe('two');
    expect(last.walk).toEqual({ changeDriven: false, fullWalkReason: 'the file watcher overflowed' });
    expect(await unreported('c', { fullWalk: 'watcher-started' })).toBe('two');
    expect(await unreported('d', {})).toBe('one'); // the list was trusted again
    expect(await unreported('d', { fullScanMinutes: 0 })).toBe('two');
    expect(last.walk?.fullWalkReason).toMatch(/older than 0 minutes/);
    expect(await unreported('e', { watcherExcludes: ['**/build/**'] })).toBe('two');
    expect(last.walk?.fullWalkReason).toMatch(/settings changed/);

    // Another client's snapshot of the same paths: the backend's own is no longer the latest.
    lockstepOk(['backup', '--host', 'h', w.ws], { repo: w.repo, password: PASSWORD });
    expect(await unreported('f', { watcherExcludes: ['**/build/**'] })).toBe('two');
    expect(last.walk?.fullWalkReason).toMatch(/is newer than/);
    await w.reader.close();
  }, 60_000);

  it('refuses a change list with relative paths or an unknown reason, and names the field', async () => {
    const w = await workspace('changed-bad');
    const bad = (changes: unknown): Promise<unknown> => w.backend.connection.sendRequest(BackupRequest.type, { paths: [w.ws], changes } as unknown as BackupParams);
    await expect(bad({ paths: ['relative/file'], watchedFolders: [w.ws] })).rejects.toThrow(/params\.changes\.paths must hold absolute paths/);
    await expect(bad({ paths: [], watchedFolders: [w.ws], fullWalk: 'sometimes' })).rejects.toThrow(/params\.changes\.fullWalk must be/);
    await expect(bad('all')).rejects.toThrow(/params\.changes must be an object/);
    await w.reader.close();
  });
});
