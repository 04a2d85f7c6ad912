// What the Snapshots view and the file history do: open a snapshot's file read-only, compare it with the workspace,
// restore a file or folder (to where it was, or to a chosen folder) after saving aside whatever it overwrites, copy
// an ID, forget a snapshot, and list the versions of the active editor's file.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ForgetRequest, SnapshotNodeInfo, SnapshotInfo } from '../../shared/src/protocol';
import { CommandDeps, withProgress } from './commands';
import { changedVersions, plural, sizeText, snapshotCovers } from './describe';
import { readSettings } from './settings';
import { snapshotUri, SnapshotFileSystem } from './snapshotFs';
import { SnapshotsNode, SnapshotsTree } from './views';

export interface SnapshotViewDeps extends CommandDeps {
  files: SnapshotFileSystem;
  tree: SnapshotsTree;
  /** Where overwritten files are saved before a restore writes over them. */
  asideRoot: string;
}

type EntryNode = Extract<SnapshotsNode, { kind: 'entry' }>;
type SnapshotNode = Extract<SnapshotsNode, { kind: 'snapshot' }>;

function diffTitle(snapshot: SnapshotInfo, file: string): string {
  return `${path.basename(file)} (snapshot ${snapshot.id.slice(0, 8)}) ↔ workspace`;
}

async function openSnapshotFile(node: EntryNode): Promise<void> {
  await vscode.commands.executeCommand('vscode.open', snapshotUri(node.snapshot.id, node.entry.path), { preview: true });
}

async function compareWithWorkspace(node: EntryNode): Promise<void> {
  const local = vscode.Uri.file(node.entry.path);
  await vscode.commands.executeCommand('vscode.diff', snapshotUri(node.snapshot.id, node.entry.path), local, diffTitle(node.snapshot, node.entry.path));
}

/** Every file and link under an entry of the snapshot (the entry itself when it is one). */
async function filesUnder(files: SnapshotFileSystem, snapshotId: string, entry: SnapshotNodeInfo, signal: vscode.CancellationToken): Promise<SnapshotNodeInfo[]> {
  if (entry.type !== 'dir') return [entry];
  const found: SnapshotNodeInfo[] = [];
  for (const child of await files.folder(snapshotId, entry.path)) {
    if (signal.isCancellationRequested) throw new vscode.CancellationError();
    found.push(...(await filesUnder(files, snapshotId, child, signal)));
  }
  return found;
}

async function currentBytes(file: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

interface RestorePlan {
  /** Snapshot path → where it goes. */
  writes: { entry: SnapshotNodeInfo; target: string }[];
  /** Targets that exist with other content. */
  overwritten: string[];
  unchanged: number;
}

/**
 * Restores a file or folder of a snapshot: `targetOf` maps each snapshot path to a local one. A modal names what
 * will be overwritten; those files are copied to a folder of their own first, so nothing is lost.
 */
async function restoreEntry(deps: SnapshotViewDeps, node: EntryNode, where: string, targetOf: (snapshotPath: string) => string): Promise<void> {
  const snapshotId = node.snapshot.id;
  const plan = await withProgress(deps, 'restore (looking at the files)', () => Promise.resolve(), async (token) => {
    const planned: RestorePlan = { writes: [], overwritten: [], unchanged: 0 };
    for (const entry of await filesUnder(deps.files, snapshotId, node.entry, token)) {
      if (entry.type !== 'file' && entry.type !== 'symlink') {
        deps.log.warn(`restore: ${entry.path} is a ${entry.type}; left out`);
        continue;
      }
      const target = targetOf(entry.path);
      const now = await currentBytes(target);
      if (now && entry.type === 'file' && now.equals(await deps.files.bytes(snapshotId, entry.path))) planned.unchanged++;
      else {
        planned.writes.push({ entry, target });
        if (now) planned.overwritten.push(target);
      }
    }
    return planned;
  });
  if (!plan) return;
  if (plan.writes.length === 0) {
    void vscode.window.showInformationMessage(`Lockstep: ${where} already holds the snapshot's version (${plural(plan.unchanged, 'file')} unchanged).`);
    return;
  }
  const aside = path.join(deps.asideRoot, new Date().toISOString().replace(/[:.]/g, '-'));
  const listed = plan.overwritten.slice(0, 12).map((f) => `• ${f}`);
  if (plan.overwritten.length > 12) listed.push(`• … and ${plan.overwritten.length - 12} more`);
  const detail =
    plan.overwritten.length === 0
      ? `No existing file is overwritten.${plan.unchanged ? ` ${plural(plan.unchanged, 'file')} already match the snapshot.` : ''}`
      : `${plural(plan.overwritten.length, 'file')} will be overwritten; their current versions are first saved to\n${aside}\n\n${listed.join('\n')}`;
  const restore = 'Restore';
  const answer = await vscode.window.showWarningMessage(`Restore ${plural(plan.writes.length, 'file')} of snapshot ${snapshotId.slice(0, 8)} to ${where}?`, { modal: true, detail }, restore);
  if (answer !== restore) return;
  const done = await withProgress(deps, 'restore', () => restoreEntry(deps, node, where, targetOf), async (token, progress) => {
    for (const file of plan.overwritten) {
      const saved = path.join(aside, file);
      await fs.mkdir(path.dirname(saved), { recursive: true });
      await fs.copyFile(file, saved);
    }
    for (const { entry, target } of plan.writes) {
      if (token.isCancellationRequested) throw new vscode.CancellationError();
      progress.report({ message: entry.path });
      const data = await deps.files.bytes(snapshotId, entry.path);
      await fs.mkdir(path.dirname(target), { recursive: true });
      if (entry.type === 'symlink') {
        await fs.rm(target, { force: true });
        await fs.symlink(Buffer.from(data).toString(), target);
        continue;
      }
      await fs.writeFile(target, data);
      if (entry.permissions !== undefined) await fs.chmod(target, entry.permissions & 0o7777);
      const mtime = new Date(entry.mtime);
      if (!Number.isNaN(mtime.getTime())) await fs.utimes(target, mtime, mtime);
    }
    return true;
  });
  if (!done) return;
  const savedText = plan.overwritten.length ? `; the ${plural(plan.overwritten.length, 'overwritten file')} ${plan.overwritten.length === 1 ? 'was' : 'were'} saved to ${aside}` : '';
  deps.log.info(`restored ${plural(plan.writes.length, 'file')} of ${snapshotId.slice(0, 8)} to ${where}${savedText}`);
  void vscode.window.showInformationMessage(`Lockstep: restored ${plural(plan.writes.length, 'file')} from ${snapshotId.slice(0, 8)}${savedText}.`);
}

async function restoreToWorkspace(deps: SnapshotViewDeps, node: EntryNode): Promise<void> {
  await restoreEntry(deps, node, node.entry.path, (p) => p);
}

async function restoreToFolder(deps: SnapshotViewDeps, node: EntryNode): Promise<void> {
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Restore here', title: `Restore ${node.entry.name} of snapshot ${node.snapshot.id.slice(0, 8)} into…` });
  const folder = picked?.[0]?.fsPath;
  if (!folder) return;
  const base = path.posix.dirname(node.entry.path);
  await restoreEntry(deps, node, folder, (p) => path.join(folder, path.posix.relative(base, p)));
}

async function forgetSnapshot(deps: SnapshotViewDeps, node: SnapshotNode): Promise<void> {
  const s = node.snapshot;
  const forget = 'Forget Snapshot';
  const answer = await vscode.window.showWarningMessage(
    `Forget snapshot ${s.id.slice(0, 8)} of ${new Date(s.time).toLocaleString()}?`,
    { modal: true, detail: `${s.hostname ?? ''} · ${s.paths.join(', ')}\n\nThe snapshot is removed from the repository; its data stays until a prune removes what no snapshot uses.` },
    forget,
  );
  if (answer !== forget) return;
  const result = await withProgress(deps, 'forget', () => forgetSnapshot(deps, node), (token, progress) =>
    deps.backend.request(ForgetRequest.type, { snapshots: [s.id], retryLockMs: readSettings().retryLockSeconds * 1000 }, token, progress),
  );
  deps.tree.refresh();
  if (result) void vscode.window.showInformationMessage(`Lockstep: forgot snapshot ${s.id.slice(0, 8)}.`);
}

/** The snapshots in which the file differs from the older one, as a quick pick; the chosen one opens as a diff. */
async function showFileHistory(deps: SnapshotViewDeps, arg?: vscode.Uri): Promise<void> {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== 'file') {
    void vscode.window.showInformationMessage('Lockstep: open a file of the workspace to see its history.');
    return;
  }
  const file = uri.fsPath;
  const versions = await withProgress(deps, `history of ${path.basename(file)}`, () => showFileHistory(deps, uri), async (token) => {
    deps.tree.refresh();
    const found = [];
    for (const snapshot of (await deps.tree.snapshots()).filter((s) => snapshotCovers(s, file)).sort((a, b) => Date.parse(b.time) - Date.parse(a.time))) {
      if (token.isCancellationRequested) throw new vscode.CancellationError();
      const entry = await deps.files.entry(snapshot.id, file).catch(() => undefined);
      if (entry && entry.type === 'file') found.push({ snapshot, size: entry.size, mtime: entry.mtime });
    }
    return changedVersions(found);
  });
  if (!versions) return;
  if (versions.length === 0) {
    void vscode.window.showInformationMessage(`Lockstep: no snapshot holds ${path.basename(file)}.`);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    versions.map((v) => ({
      label: `$(history) ${new Date(v.snapshot.time).toLocaleString()}`,
      description: v.snapshot.id.slice(0, 8),
      detail: `${v.size !== undefined ? sizeText(v.size) : ''} · modified ${new Date(v.mtime).toLocaleString()}${v.snapshot.tags.length ? ` · tags: ${v.snapshot.tags.join(', ')}` : ''}`,
      version: v,
    })),
    { placeHolder: `${plural(versions.length, 'version')} of ${path.basename(file)} (newest first); pick one to compare it with the file` },
  );
  if (picked) await vscode.commands.executeCommand('vscode.diff', snapshotUri(picked.version.snapshot.id, file), uri, diffTitle(picked.version.snapshot, file));
}

export function registerSnapshotCommands(deps: SnapshotViewDeps): vscode.Disposable[] {
  const register = vscode.commands.registerCommand;
  return [
    register('lockstep.refreshSnapshots', () => deps.tree.refresh()),
    register('lockstep.openSnapshotFile', (node: EntryNode) => openSnapshotFile(node)),
    register('lockstep.compareWithWorkspace', (node: EntryNode) => compareWithWorkspace(node)),
    register('lockstep.restoreToWorkspace', (node: EntryNode) => restoreToWorkspace(deps, node)),
    register('lockstep.restoreToFolder', (node: EntryNode) => restoreToFolder(deps, node)),
    register('lockstep.copySnapshotId', async (node: SnapshotNode) => {
      await vscode.env.clipboard.writeText(node.snapshot.id);
      vscode.window.setStatusBarMessage(`Lockstep: copied ${node.snapshot.id.slice(0, 8)}…`, 3000);
    }),
    register('lockstep.forgetSnapshot', (node: SnapshotNode) => forgetSnapshot(deps, node)),
    register('lockstep.showFileHistory', (uri?: vscode.Uri) => showFileHistory(deps, uri)),
  ];
}
