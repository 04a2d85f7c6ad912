// The workspace's file watcher for change-driven backups: every create, change and delete it reports, and every save,
// goes into the change list. It watches the workspace folders (recursively, with files.watcherExclude applied by
// VS Code); it is created again, which the change list counts as a restart, when the folders change.
import * as vscode from 'vscode';
import { BackupChanges } from '../../shared/src/protocol';
import { ChangeList, TakenChanges } from './changelist';
import { readSettings } from './settings';

export class WorkspaceChanges implements vscode.Disposable {
  readonly list = new ChangeList();
  private watcher?: vscode.FileSystemWatcher;
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.start();
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.start()),
      vscode.workspace.onDidSaveTextDocument((doc) => this.record(doc.uri)),
    );
  }

  /** The change list for one backup request, with the watcher's coverage; `full` for Back Up Now. */
  take(full: boolean): { changes: BackupChanges; settle: TakenChanges['settle'] } {
    const taken = this.list.take(full);
    const excludes = vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('watcherExclude', {});
    return {
      changes: {
        ...taken.changes,
        watchedFolders: watchedFolders(),
        watcherExcludes: Object.entries(excludes).filter(([, on]) => on).map(([pattern]) => pattern),
        fullScanMinutes: readSettings().fullScanMinutes,
      },
      settle: taken.settle,
    };
  }

  private start(): void {
    this.watcher?.dispose();
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    watcher.onDidCreate((uri) => this.record(uri));
    watcher.onDidChange((uri) => this.record(uri));
    watcher.onDidDelete((uri) => this.record(uri));
    this.watcher = watcher;
    this.list.watcherStarted();
  }

  private record(uri: vscode.Uri): void {
    if (uri.scheme === 'file') this.list.record(uri.fsPath);
  }

  dispose(): void {
    this.watcher?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function watchedFolders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}
