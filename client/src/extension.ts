// The VS Code extension client: a thin layer over the backend process (dist/server.js). It owns the status bar
// lock indicator and the watch over the repository's locks, the Lockstep views (Snapshots, Locks), the read-only
// `lockstep-snapshot:` file system, the palette commands, the workspace triggers, the password in SecretStorage
// and the log.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BackendClient } from './backend';
import { BackupRunner, registerCommands } from './commands';
import { CredentialStore } from './credentials';
import { LockWatch } from './lockWatch';
import { PasswordStore } from './secrets';
import { registerSnapshotCommands } from './snapshotCommands';
import { SNAPSHOT_SCHEME, SnapshotFileSystem } from './snapshotFs';
import { LockIndicator } from './statusBar';
import { BackupTriggers } from './triggers';
import { LocksTree, SnapshotsTree } from './views';
import { WorkspaceChanges } from './watcher';

let backend: BackendClient | undefined;

export function activate(context: vscode.ExtensionContext): { backend: BackendClient; indicator: LockIndicator; runner: BackupRunner } {
  const log = vscode.window.createOutputChannel('Lockstep', { log: true });
  const passwords = new PasswordStore(context.secrets);
  const credentials = new CredentialStore(context.secrets);
  backend = new BackendClient(context, passwords, credentials, log);
  const client = backend;
  const indicator = new LockIndicator(() => client.configured());
  const deps = { backend: client, passwords, credentials, indicator, log };
  const changes = new WorkspaceChanges();
  const runner = new BackupRunner(deps, changes);
  const triggers = new BackupTriggers(client, runner, log);
  const files = new SnapshotFileSystem(client);
  const snapshots = new SnapshotsTree(client, files, log);
  const locks = new LocksTree(client);
  const watch = new LockWatch(client, indicator, locks, log);
  const updateContext = async (): Promise<void> => {
    await vscode.commands.executeCommand('setContext', 'lockstep.configured', client.configured());
    await vscode.commands.executeCommand('setContext', 'lockstep.hasPassword', await client.hasPassword());
  };
  const repositoryChanged = (): void => {
    void client.restart();
    indicator.render();
    void updateContext();
    snapshots.refresh();
    void watch.poll();
  };
  context.subscriptions.push(
    log,
    client,
    indicator,
    changes,
    triggers,
    watch,
    vscode.workspace.registerFileSystemProvider(SNAPSHOT_SCHEME, files, { isReadonly: true, isCaseSensitive: true }),
    vscode.window.createTreeView('lockstep.snapshots', { treeDataProvider: snapshots, showCollapseAll: true }),
    vscode.window.createTreeView('lockstep.locks', { treeDataProvider: locks }),
    client.onLockState((p) => {
      indicator.update(p);
      // Browsing a snapshot takes a shared lock for each folder or file read: worth a trace, not the log.
      (p.operation.startsWith('snapshot ') ? log.trace : log.info).call(log, `lock ${p.state} for ${p.operation}${p.lockId ? ` (${p.lockId.slice(0, 8)})` : ''}${p.holder ? `: held by PID ${p.holder.pid} on ${p.holder.hostname}` : ''}${p.message ? `: ${p.message}` : ''}`);
    }),
    client.onLockLost((p) => log.error(`${p.operation} lost its lock (${p.reason}): ${p.message}; ${p.notCommitted}`)),
    client.onTrouble((t) => {
      indicator.backendState(t);
      // Back up after a crash: what the dead process left (a stale lock) shows at once.
      if (!t) void watch.poll();
    }),
    client.onDidFinishOperation(() => snapshots.refresh()),
    passwords.onDidChange(repositoryChanged),
    credentials.onDidChange(() => void client.restart()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('lockstep.repository') || e.affectsConfiguration('lockstep.passwordFile') || e.affectsConfiguration('lockstep.lockTiming')) repositoryChanged();
    }),
    ...registerCommands(deps, runner),
    ...registerSnapshotCommands({ ...deps, files, tree: snapshots, asideRoot: path.join(context.globalStorageUri.fsPath, 'overwritten') }),
    vscode.commands.registerCommand('lockstep.refreshLocks', () => watch.poll()),
    vscode.commands.registerCommand('lockstep.restartBackend', () => client.restartNow().then(() => watch.poll())),
    vscode.commands.registerCommand('lockstep.indicatorClicked', () => {
      if (indicator.clickStartsBackup()) return runner.run('status bar');
      log.info('status bar click right after acknowledging a lost lock: no backup started');
      return undefined;
    }),
  );
  void updateContext();
  triggers.onOpen();
  void watch.poll();
  return { backend: client, indicator, runner };
}

export async function deactivate(): Promise<void> {
  await backend?.stop();
}
