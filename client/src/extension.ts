// The VS Code extension client: a thin layer over the backend process (dist/server.js). It owns the status bar
// lock indicator, the palette commands, the workspace triggers, the password in SecretStorage and the log.
import * as vscode from 'vscode';
import { BackendClient } from './backend';
import { BackupRunner, registerCommands } from './commands';
import { CredentialStore } from './credentials';
import { PasswordStore } from './secrets';
import { LockIndicator } from './statusBar';
import { BackupTriggers } from './triggers';
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
  context.subscriptions.push(
    log,
    client,
    indicator,
    changes,
    triggers,
    client.onLockState((p) => {
      indicator.update(p);
      log.info(`lock ${p.state} for ${p.operation}${p.lockId ? ` (${p.lockId.slice(0, 8)})` : ''}${p.holder ? `: held by PID ${p.holder.pid} on ${p.holder.hostname}` : ''}${p.message ? `: ${p.message}` : ''}`);
    }),
    client.onLockLost((p) => log.error(`${p.operation} lost its lock (${p.reason}): ${p.message}; ${p.notCommitted}`)),
    passwords.onDidChange(() => void client.restart()),
    credentials.onDidChange(() => void client.restart()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('lockstep.repository') || e.affectsConfiguration('lockstep.passwordFile') || e.affectsConfiguration('lockstep.lockTiming')) {
        void client.restart();
        indicator.render();
      }
    }),
    ...registerCommands(deps, runner),
  );
  triggers.onOpen();
  return { backend: client, indicator, runner };
}

export async function deactivate(): Promise<void> {
  await backend?.stop();
}
