// Backups the workspace starts by itself: after saves (debounced), on an interval, when the window opens. Each is a
// setting; a trigger never starts a second run while one runs, and without a password it asks once, not in a loop.
import * as vscode from 'vscode';
import { BackendClient } from './backend';
import { BackupRunner } from './commands';
import { readSettings } from './settings';

export class BackupTriggers implements vscode.Disposable {
  private saveTimer?: ReturnType<typeof setTimeout>;
  private intervalTimer?: ReturnType<typeof setInterval>;
  private askedForPassword = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly backend: BackendClient,
    private readonly runner: BackupRunner,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.workspace.onDidSaveTextDocument((doc) => this.onSave(doc)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('lockstep')) this.scheduleInterval();
      }),
    );
    this.scheduleInterval();
  }

  /** The window just opened. */
  onOpen(): void {
    if (readSettings().backupOnOpen) void this.fire('window opened');
  }

  private onSave(doc: vscode.TextDocument): void {
    const settings = readSettings();
    if (!settings.backupOnSave || doc.uri.scheme !== 'file' || !vscode.workspace.getWorkspaceFolder(doc.uri)) return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.fire('files saved');
    }, Math.max(1, settings.backupOnSaveDelaySeconds) * 1000);
  }

  private scheduleInterval(): void {
    if (this.intervalTimer) clearInterval(this.intervalTimer);
    this.intervalTimer = undefined;
    const minutes = readSettings().backupIntervalMinutes;
    if (minutes > 0) this.intervalTimer = setInterval(() => void this.fire(`every ${minutes} min`), minutes * 60_000);
  }

  private async fire(reason: string): Promise<void> {
    if (!this.backend.configured()) return;
    if (this.runner.busy) {
      this.log.info(`backup (${reason}) skipped: one is already running`);
      return;
    }
    if (!(await this.backend.hasPassword())) {
      this.log.warn(`backup (${reason}) skipped: no repository password is set`);
      if (!this.askedForPassword) {
        this.askedForPassword = true;
        const choice = await vscode.window.showWarningMessage('Lockstep: automatic backups need the repository password.', 'Set Password');
        if (choice) await vscode.commands.executeCommand('lockstep.setPassword');
      }
      return;
    }
    await this.runner.run(reason);
  }

  dispose(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    if (this.intervalTimer) clearInterval(this.intervalTimer);
    for (const d of this.disposables) d.dispose();
  }
}
