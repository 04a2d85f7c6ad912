// The read-only `lockstep-snapshot:` file system: lockstep-snapshot:/<snapshot ID>/<path in the snapshot>. Editors,
// diffs, search in a file and copy work on it as on any file; every write is refused. A snapshot never changes, so
// what was read is kept (folders always, file bytes up to a budget).
import * as vscode from 'vscode';
import { LsFolderRequest, ReadFileRequest, SnapshotNodeInfo } from '../../shared/src/protocol';
import { BackendClient } from './backend';

export const SNAPSHOT_SCHEME = 'lockstep-snapshot';

export function snapshotUri(snapshotId: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SNAPSHOT_SCHEME, path: `/${snapshotId}${path === '/' ? '' : path}` });
}

/** The snapshot ID and the path inside it of a lockstep-snapshot: URI. */
export function parseSnapshotUri(uri: vscode.Uri): { snapshotId: string; path: string } {
  const [, snapshotId = '', ...rest] = uri.path.split('/');
  if (!/^[0-9a-f]{8,64}$/.test(snapshotId)) throw vscode.FileSystemError.FileNotFound(uri);
  return { snapshotId, path: `/${rest.join('/')}` };
}

const FILE_CACHE_BYTES = 32 * 1024 * 1024;

/** A folder's entries as the views show them: folders first, then by name (the tree keeps them by name alone). */
function foldersFirst(entries: SnapshotNodeInfo[]): SnapshotNodeInfo[] {
  return [...entries].sort((a, b) => Number(b.type === 'dir') - Number(a.type === 'dir') || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export class SnapshotFileSystem implements vscode.FileSystemProvider {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  private readonly folders = new Map<string, Promise<SnapshotNodeInfo[]>>();
  private readonly files = new Map<string, Uint8Array>();
  private cachedBytes = 0;

  constructor(private readonly backend: BackendClient) {}

  /** One folder's entries, from the backend once per snapshot and path. */
  folder(snapshotId: string, path: string): Promise<SnapshotNodeInfo[]> {
    const key = `${snapshotId}:${path}`;
    let listed = this.folders.get(key);
    if (!listed) {
      listed = this.backend.request(LsFolderRequest.type, { snapshot: snapshotId, path }).then((r) => foldersFirst(r.entries ?? []));
      listed.catch(() => this.folders.delete(key));
      this.folders.set(key, listed);
    }
    return listed;
  }

  async entry(snapshotId: string, path: string): Promise<SnapshotNodeInfo | undefined> {
    if (path === '/') return undefined;
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    const name = path.slice(path.lastIndexOf('/') + 1);
    return (await this.folder(snapshotId, parent)).find((e) => e.name === name);
  }

  async bytes(snapshotId: string, path: string): Promise<Uint8Array> {
    const key = `${snapshotId}:${path}`;
    const kept = this.files.get(key);
    if (kept) return kept;
    const read = await this.backend.request(ReadFileRequest.type, { snapshot: snapshotId, path });
    const data = Buffer.from(read.data, 'base64');
    if (data.length <= FILE_CACHE_BYTES) {
      for (const [k, v] of this.files) {
        if (this.cachedBytes + data.length <= FILE_CACHE_BYTES) break;
        this.files.delete(k);
        this.cachedBytes -= v.length;
      }
      this.files.set(key, data);
      this.cachedBytes += data.length;
    }
    return data;
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const { snapshotId, path } = parseSnapshotUri(uri);
    if (path === '/') return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0, permissions: vscode.FilePermission.Readonly };
    const found = await this.lookup(uri, snapshotId, path);
    const mtime = Date.parse(found.mtime) || 0;
    const type = found.type === 'dir' ? vscode.FileType.Directory : found.type === 'symlink' ? vscode.FileType.SymbolicLink | vscode.FileType.File : vscode.FileType.File;
    return { type, ctime: mtime, mtime, size: found.size ?? 0, permissions: vscode.FilePermission.Readonly };
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    const { snapshotId, path } = parseSnapshotUri(uri);
    const entries = await this.folder(snapshotId, path).catch((err: unknown) => this.notFound(uri, err));
    return entries.map((e) => [e.name, e.type === 'dir' ? vscode.FileType.Directory : vscode.FileType.File]);
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { snapshotId, path } = parseSnapshotUri(uri);
    return this.bytes(snapshotId, path).catch((err: unknown) => this.notFound(uri, err));
  }

  private async lookup(uri: vscode.Uri, snapshotId: string, path: string): Promise<SnapshotNodeInfo> {
    const found = await this.entry(snapshotId, path).catch((err: unknown) => this.notFound(uri, err));
    if (!found) throw vscode.FileSystemError.FileNotFound(uri);
    return found;
  }

  private notFound(uri: vscode.Uri, err: unknown): never {
    const message = err instanceof Error ? err.message : String(err);
    throw /not found|no snapshot matched/.test(message) ? vscode.FileSystemError.FileNotFound(uri) : vscode.FileSystemError.Unavailable(`${uri.path}: ${message}`);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  private readOnly(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(`${uri.path} is in a snapshot, which is read-only`);
  }

  createDirectory(uri: vscode.Uri): void {
    this.readOnly(uri);
  }
  writeFile(uri: vscode.Uri): void {
    this.readOnly(uri);
  }
  delete(uri: vscode.Uri): void {
    this.readOnly(uri);
  }
  rename(uri: vscode.Uri): void {
    this.readOnly(uri);
  }
}
