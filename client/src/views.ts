// The Lockstep view container's two trees: Snapshots (host and paths → snapshots, newest first → folders and files,
// read lazily) and Locks (every lock in the repository).
import * as vscode from 'vscode';
import { LockListEntry, SnapshotNodeInfo, SnapshotInfo, SnapshotsRequest } from '../../shared/src/protocol';
import { BackendClient } from './backend';
import { groupSnapshots, lockLine, plural, SnapshotGroup, sizeText } from './describe';
import { snapshotUri, SnapshotFileSystem } from './snapshotFs';

export type SnapshotsNode =
  | { kind: 'group'; group: SnapshotGroup }
  | { kind: 'snapshot'; snapshot: SnapshotInfo }
  | { kind: 'entry'; snapshot: SnapshotInfo; entry: SnapshotNodeInfo; label?: string }
  | { kind: 'message'; text: string };

export class SnapshotsTree implements vscode.TreeDataProvider<SnapshotsNode> {
  private readonly changed = new vscode.EventEmitter<SnapshotsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private listing?: Promise<SnapshotGroup[] | string>;

  constructor(
    private readonly backend: BackendClient,
    private readonly files: SnapshotFileSystem,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  refresh(): void {
    this.listing = undefined;
    this.changed.fire(undefined);
  }

  /** The snapshots as last listed (for the file history). */
  async snapshots(): Promise<SnapshotInfo[]> {
    const groups = await this.groups();
    return typeof groups === 'string' ? [] : groups.flatMap((g) => g.snapshots);
  }

  private groups(): Promise<SnapshotGroup[] | string> {
    this.listing ??= this.backend.request(SnapshotsRequest.type, {}).then(
      (r) => {
        for (const message of r.damaged) this.log.warn(`left out: ${message}`);
        return groupSnapshots(r.snapshots);
      },
      (err: unknown) => {
        this.log.error(`listing snapshots: ${String(err)}`);
        return `cannot list snapshots: ${err instanceof Error ? err.message : String(err)}`;
      },
    );
    return this.listing;
  }

  async getChildren(node?: SnapshotsNode): Promise<SnapshotsNode[]> {
    if (!node) {
      // Empty, so that the view's welcome (no repository, no password) shows.
      if (!this.backend.configured() || !(await this.backend.hasPassword())) return [];
      const groups = await this.groups();
      if (typeof groups === 'string') return [{ kind: 'message', text: groups }];
      if (groups.length === 0) return [{ kind: 'message', text: 'no snapshots yet: run "Back Up Now"' }];
      return groups.map((group) => ({ kind: 'group', group }));
    }
    if (node.kind === 'group') return node.group.snapshots.map((snapshot) => ({ kind: 'snapshot', snapshot }));
    if (node.kind === 'message' || (node.kind === 'entry' && node.entry.type !== 'dir')) return [];
    try {
      if (node.kind === 'snapshot') return await this.backedUpPaths(node.snapshot);
      const entries = await this.files.folder(node.snapshot.id, node.entry.path);
      return entries.map((entry) => ({ kind: 'entry', snapshot: node.snapshot, entry }));
    } catch (err) {
      return [{ kind: 'message', text: err instanceof Error ? err.message : String(err) }];
    }
  }

  /** A snapshot opens at what was backed up: one folder's contents, or each path it holds (full path as label). */
  private async backedUpPaths(snapshot: SnapshotInfo): Promise<SnapshotsNode[]> {
    const paths = [...snapshot.paths].sort();
    if (paths.length === 1 && (await this.files.entry(snapshot.id, paths[0]))?.type === 'dir') {
      return (await this.files.folder(snapshot.id, paths[0])).map((entry) => ({ kind: 'entry', snapshot, entry }));
    }
    const nodes: SnapshotsNode[] = [];
    for (const p of paths) {
      const entry = await this.files.entry(snapshot.id, p);
      if (entry) nodes.push({ kind: 'entry', snapshot, entry, label: p });
    }
    return nodes;
  }

  getTreeItem(node: SnapshotsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'message':
        return new vscode.TreeItem(node.text);
      case 'group': {
        const item = new vscode.TreeItem(`${node.group.hostname || '(no host)'} · ${node.group.paths.join(', ')}`, vscode.TreeItemCollapsibleState.Expanded);
        item.description = plural(node.group.snapshots.length, 'snapshot');
        item.iconPath = new vscode.ThemeIcon('device-desktop');
        item.id = `group:${node.group.hostname}:${node.group.paths.join('\0')}`;
        return item;
      }
      case 'snapshot': {
        const s = node.snapshot;
        const item = new vscode.TreeItem(new Date(s.time).toLocaleString(), vscode.TreeItemCollapsibleState.Collapsed);
        item.description = [s.id.slice(0, 8), s.size !== undefined ? sizeText(s.size) : undefined, ...s.tags].filter((part) => part !== undefined).join(' · ');
        item.tooltip = `snapshot ${s.id}\n${s.time}\nhost ${s.hostname ?? ''}, user ${s.username ?? ''}\n${s.paths.join('\n')}${s.tags.length ? `\ntags: ${s.tags.join(', ')}` : ''}`;
        item.iconPath = new vscode.ThemeIcon('history');
        item.contextValue = 'snapshot';
        item.id = `snapshot:${s.id}`;
        return item;
      }
      case 'entry': {
        const e = node.entry;
        const isDir = e.type === 'dir';
        const item = new vscode.TreeItem(snapshotUri(node.snapshot.id, e.path), isDir ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.label = node.label ?? e.name;
        item.description = isDir ? undefined : e.type === 'file' ? sizeText(e.size ?? 0) : e.type;
        item.tooltip = `${e.path}\n${e.type}${e.size !== undefined ? `, ${e.size} bytes` : ''}, modified ${e.mtime}`;
        item.contextValue = isDir ? 'snapshotFolder' : 'snapshotFile';
        item.id = `entry:${node.snapshot.id}:${e.path}`;
        if (!isDir) item.command = { command: 'lockstep.openSnapshotFile', title: 'Open', arguments: [node] };
        return item;
      }
    }
  }
}

export interface LocksNode {
  lock?: LockListEntry;
  text?: string;
}

export class LocksTree implements vscode.TreeDataProvider<LocksNode> {
  private readonly changed = new vscode.EventEmitter<LocksNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private latest: LockListEntry[] | string = [];

  constructor(private readonly backend: BackendClient) {}

  /** New locks from the watch, shown without asking the backend again. */
  show(locks: LockListEntry[]): void {
    this.latest = locks;
    this.changed.fire(undefined);
  }

  /** Why the locks could not be listed. */
  showError(message: string): void {
    this.latest = `cannot list locks: ${message}`;
    this.changed.fire(undefined);
  }

  getChildren(node?: LocksNode): LocksNode[] {
    if (node || !this.backend.configured()) return [];
    if (typeof this.latest === 'string') return [{ text: this.latest }];
    if (this.latest.length === 0) return [{ text: 'the repository is not locked' }];
    return this.latest.map((lock) => ({ lock }));
  }

  getTreeItem(node: LocksNode): vscode.TreeItem {
    if (!node.lock) return new vscode.TreeItem(node.text ?? '');
    const line = lockLine(node.lock);
    const item = new vscode.TreeItem(line.label);
    item.description = line.description;
    const h = node.lock.holder;
    item.tooltip = h
      ? `lock ${node.lock.id}\n${h.exclusive ? 'exclusive' : 'shared'} lock of PID ${h.pid} on ${h.hostname} by ${h.username}\nwritten ${new Date(h.time).toLocaleString()}${line.stale ? '\nstale: "Unlock (stale)" removes it' : ''}`
      : `lock ${node.lock.id} cannot be read: ${node.lock.error ?? ''}\nIt counts as held until "Unlock All…" removes it.`;
    item.iconPath = new vscode.ThemeIcon(!h ? 'warning' : line.stale ? 'debug-disconnect' : 'lock');
    item.contextValue = line.stale ? 'staleLock' : 'lock';
    item.id = `lock:${node.lock.id}`;
    return item;
  }
}
