// The palette commands. Each one asks the backend; none touches a repository itself.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ResponseError } from 'vscode-languageclient/node';
import {
  BackupRequest,
  BackupResult,
  CheckRequest,
  ForgetParams,
  ForgetRequest,
  InitRequest,
  LockLostData,
  LocksRequest,
  LocksResult,
  LockstepErrorCodes,
  PruneRequest,
  RestoreRequest,
  SnapshotInfo,
  SnapshotsRequest,
  UnknownHostKeyData,
  UnlockRequest,
} from '../../shared/src/protocol';
import { parseLocation } from '../../shared/src/location';
import { BackendClient, NotConfiguredError } from './backend';
import { askForCredentials, CredentialStore, credentialsNeeded, splitRestPassword } from './credentials';
import { PasswordStore } from './secrets';
import { backupPaths, readSettings } from './settings';
import { lockLine, plural, waitingText } from './describe';
import type { WorkspaceChanges } from './watcher';
import { LockIndicator } from './statusBar';

export interface CommandDeps {
  backend: BackendClient;
  passwords: PasswordStore;
  credentials: CredentialStore;
  indicator: LockIndicator;
  log: vscode.LogOutputChannel;
}

const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;

/**
 * Runs one backend call in a cancellable notification progress; failures end as one clear message. While the
 * operation waits for another client's lock, the notification says whose and since when.
 */
export async function withProgress<R>(deps: CommandDeps, title: string, retry: () => Thenable<unknown>, work: (token: vscode.CancellationToken, progress: vscode.Progress<{ message?: string }>) => Promise<R>): Promise<R | undefined> {
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Lockstep: ${title}`, cancellable: true }, async (progress, token) => {
      const waiting = deps.backend.onLockState((p) => {
        if (p.state === 'waiting' && p.holder && p.operation === title) progress.report({ message: waitingText(p.holder, Date.now(), (ms) => new Date(ms).toLocaleTimeString()) });
      });
      try {
        return await work(token, progress);
      } finally {
        waiting.dispose();
      }
    });
  } catch (err) {
    // Not awaited: the operation is over, even while its error message waits for the user.
    void reportFailure(deps, title, err, retry);
    return undefined;
  }
}

export async function reportFailure(deps: CommandDeps, title: string, err: unknown, retry?: () => Thenable<unknown>): Promise<void> {
  const { log } = deps;
  if (err instanceof NotConfiguredError) {
    const choice = await vscode.window.showWarningMessage(`Lockstep: ${err.message}`, 'Initialize Repository');
    if (choice) await vscode.commands.executeCommand('lockstep.init');
    return;
  }
  if (!(err instanceof ResponseError)) {
    log.error(`${title}: ${String(err)}`);
    void vscode.window.showErrorMessage(`Lockstep: ${title} failed: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  log.error(`${title}: ${err.message}`);
  switch (err.code) {
    case LockstepErrorCodes.cancelled:
      void vscode.window.showInformationMessage(`Lockstep: ${title} cancelled; the repository is unchanged and the lock was removed.`);
      return;
    case LockstepErrorCodes.lockLost: {
      const data = err.data as LockLostData | undefined;
      const choice = await vscode.window.showErrorMessage(
        `Lockstep: ${title} lost its repository lock (${data?.reason ?? 'lost'}) and was stopped; ${data?.notCommitted ?? 'nothing more was committed'}. Another client may have run unlock and prune.`,
        'Retry',
        'Show Locks',
        'Show Log',
      );
      deps.indicator.acknowledge();
      if (choice === 'Retry' && retry) await retry();
      else if (choice === 'Show Locks') await vscode.commands.executeCommand('lockstep.showLocks');
      else if (choice === 'Show Log') log.show();
      return;
    }
    case LockstepErrorCodes.lockedByOther: {
      const choice = await vscode.window.showWarningMessage(`Lockstep: ${err.message.split('\n')[0]}`, 'Show Locks', 'Retry');
      if (choice === 'Show Locks') await vscode.commands.executeCommand('lockstep.showLocks');
      else if (choice === 'Retry' && retry) await retry();
      return;
    }
    case LockstepErrorCodes.unknownHostKey: {
      const key = err.data as UnknownHostKeyData;
      const answer = await vscode.window.showWarningMessage(
        `Trust the SFTP server ${key.host}:${key.port}?`,
        {
          modal: true,
          detail: `Lockstep has not seen this server before. Its ${key.keyType} host key fingerprint is\n\n${key.fingerprint}\n\nCompare it with the server's own (ssh-keygen -lf on its host key) before trusting it; it is then added to your known_hosts.`,
        },
        'Trust and Retry',
      );
      if (answer === 'Trust and Retry') {
        await deps.backend.acceptHostKey(key.fingerprint);
        if (retry) await retry();
      }
      return;
    }
    case LockstepErrorCodes.wrongPassword: {
      const choice = await vscode.window.showErrorMessage('Lockstep: wrong repository password.', 'Set Password');
      if (choice) await vscode.commands.executeCommand('lockstep.setPassword');
      return;
    }
    default:
      void vscode.window.showErrorMessage(`Lockstep: ${err.message}`);
  }
}

/** One backup at a time per window: a trigger or a second click while one runs does not start another. */
export class BackupRunner {
  private running?: Promise<BackupResult | undefined>;

  constructor(
    private readonly deps: CommandDeps,
    /** The file watcher's change list; without it every backup walks everything. */
    private readonly changes?: WorkspaceChanges,
  ) {}

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** `full`: walk every folder whatever the watcher reported (Back Up Now). */
  run(reason: string, full = false): Promise<BackupResult | undefined> {
    if (this.running) {
      this.deps.log.info(`backup (${reason}) skipped: one is already running`);
      return this.running;
    }
    this.running = this.backup(reason, full).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async backup(reason: string, full: boolean): Promise<BackupResult | undefined> {
    const settings = readSettings();
    const paths = backupPaths(settings);
    if (paths.length === 0) {
      void vscode.window.showWarningMessage('Lockstep: nothing to back up (open a folder, or set lockstep.paths).');
      return undefined;
    }
    this.deps.log.info(`backup (${reason}) of ${paths.join(', ')}`);
    const taken = this.changes?.take(full);
    let result: BackupResult | undefined;
    try {
      result = await withProgress(this.deps, 'backup', () => this.run('retry', full), (token, progress) =>
        this.deps.backend.request(BackupRequest.type, { paths, excludes: settings.excludes, host: settings.host || undefined, retryLockMs: settings.retryLockSeconds * 1000, changes: taken?.changes }, token, progress),
      );
    } finally {
      taken?.settle(result?.snapshotId);
    }
    if (result?.walk) this.deps.log.info(result.walk.changeDriven ? 'looked again only at the folders the file watcher reported' : `walked every folder: ${result.walk.fullWalkReason ?? ''}`);
    if (result) {
      const text = `${result.snapshotId === undefined ? 'no snapshot (nothing changed)' : `snapshot ${result.snapshotId.slice(0, 8)} saved`}: ${result.filesNew} new, ${result.filesChanged} changed, ${plural(result.filesUnmodified, 'unmodified file')}, ${mib(result.dataAdded)} added`;
      this.deps.log.info(text);
      if (result.unreadable.length > 0) void vscode.window.showWarningMessage(`Lockstep: ${text}; ${plural(result.unreadable.length, 'file')} could not be read (see the log).`);
      else void vscode.window.showInformationMessage(`Lockstep: ${text}`);
      for (const file of result.unreadable) this.deps.log.warn(`not backed up (unreadable): ${file}`);
    }
    return result;
  }
}

async function pickSnapshot(deps: CommandDeps, placeHolder: string): Promise<SnapshotInfo | undefined> {
  const listed = await withProgress(deps, 'snapshots', () => Promise.resolve(), (token) => deps.backend.request(SnapshotsRequest.type, {}, token));
  if (!listed) return undefined;
  reportDamaged(deps, listed.damaged);
  if (listed.snapshots.length === 0) {
    void vscode.window.showInformationMessage('Lockstep: the repository has no snapshots yet.');
    return undefined;
  }
  const items = [...listed.snapshots].reverse().map((s) => ({
    label: `$(history) ${s.id.slice(0, 8)}`,
    description: new Date(s.time).toLocaleString(),
    detail: `${s.hostname ?? ''} · ${s.paths.join(', ')}${s.tags.length ? ` · tags: ${s.tags.join(', ')}` : ''}`,
    snapshot: s,
  }));
  return (await vscode.window.showQuickPick(items, { placeHolder, matchOnDetail: true }))?.snapshot;
}

/** Snapshot files the backend left out of a listing because they are damaged: each in the log, one warning. */
function reportDamaged(deps: CommandDeps, damaged: string[]): void {
  if (damaged.length === 0) return;
  for (const message of damaged) deps.log.warn(`left out: ${message}`);
  void vscode.window.showWarningMessage(`Lockstep: ${damaged.length} damaged snapshot file${damaged.length === 1 ? ' was' : 's were'} left out (see the log; check reports it).`);
}

async function restoreSnapshot(deps: CommandDeps, snapshot?: SnapshotInfo): Promise<void> {
  const chosen = snapshot ?? (await pickSnapshot(deps, 'Snapshot to restore'));
  if (!chosen) return;
  const target = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Restore here', title: `Restore snapshot ${chosen.id.slice(0, 8)} into…` });
  if (!target?.[0]) return;
  const result = await withProgress(deps, 'restore', () => restoreSnapshot(deps, chosen), (token, progress) =>
    deps.backend.request(RestoreRequest.type, { snapshot: chosen.id, target: target[0].fsPath }, token, progress),
  );
  if (result) void vscode.window.showInformationMessage(`Lockstep: restored ${plural(result.filesRestored, 'file')} (${mib(result.bytesRestored)}) from ${result.snapshotId.slice(0, 8)} into ${target[0].fsPath}`);
}

const FORGET_POLICIES: { label: string; detail: string; params: ForgetParams }[] = [
  { label: 'Keep the last 10 snapshots', detail: '--keep-last 10', params: { keepLast: 10 } },
  { label: 'Keep 7 daily, 4 weekly, 12 monthly', detail: '--keep-daily 7 --keep-weekly 4 --keep-monthly 12', params: { keepDaily: 7, keepWeekly: 4, keepMonthly: 12 } },
  { label: 'Keep everything from the last 30 days', detail: '--keep-within 30d', params: { keepWithin: '30d' } },
];

async function forgetSnapshots(deps: CommandDeps): Promise<void> {
  const policy = await vscode.window.showQuickPick(FORGET_POLICIES, { placeHolder: 'Which snapshots to keep (the rest are forgotten)' });
  if (!policy) return;
  const preview = await withProgress(deps, 'forget (dry run)', () => Promise.resolve(), (token) => deps.backend.request(ForgetRequest.type, { ...policy.params, dryRun: true }, token));
  if (!preview) return;
  reportDamaged(deps, preview.damaged);
  if (preview.removed.length === 0) {
    void vscode.window.showInformationMessage(`Lockstep: that policy keeps all ${plural(preview.kept.length, 'snapshot')}.`);
    return;
  }
  const answer = await vscode.window.showWarningMessage(
    `Forget ${plural(preview.removed.length, 'snapshot')} and keep ${preview.kept.length}?`,
    { modal: true, detail: 'Forgetting removes the snapshots; "Forget and Prune" also deletes the data only they used (exclusive lock).' },
    'Forget',
    'Forget and Prune',
  );
  if (!answer) return;
  const result = await withProgress(deps, 'forget', () => forgetSnapshots(deps), (token, progress) =>
    deps.backend.request(ForgetRequest.type, { ...policy.params, prune: answer === 'Forget and Prune', retryLockMs: readSettings().retryLockSeconds * 1000 }, token, progress),
  );
  if (result) void vscode.window.showInformationMessage(`Lockstep: forgot ${plural(result.removed.length, 'snapshot')}${result.prune ? `, pruned ${mib(result.prune.removedBytes)}` : ''}.`);
}

/** The repository's locks, or undefined (and a message saying why) when there are none or the call failed. */
async function listLocks(deps: CommandDeps, retry: () => Thenable<unknown>): Promise<LocksResult | undefined> {
  const listed = await withProgress(deps, 'locks', retry, (token) => deps.backend.request(LocksRequest.type, {}, token));
  if (listed?.locks.length === 0) {
    void vscode.window.showInformationMessage('Lockstep: the repository is not locked.');
    return undefined;
  }
  return listed;
}

async function showLocks(deps: CommandDeps): Promise<void> {
  const listed = await listLocks(deps, () => showLocks(deps));
  if (!listed) return;
  const items = listed.locks.map((l) => ({
    label: `${l.holder ? (l.holder.exclusive ? '$(lock) exclusive' : '$(lock) shared') : '$(warning) unreadable'} ${l.id.slice(0, 8)}`,
    description: l.holder ? `PID ${l.holder.pid} on ${l.holder.hostname} by ${l.holder.username}` : l.error,
    detail: l.holder ? `created ${Math.round((l.ageMs ?? 0) / 1000)} s ago${l.stale ? ' · stale: "Unlock" removes it' : ''}` : 'counts as held until removed with "Unlock All…"',
  }));
  for (const item of items) deps.log.info(`lock ${item.label}: ${item.description ?? ''} (${item.detail})`);
  await vscode.window.showQuickPick(items, { placeHolder: `${plural(listed.locks.length, 'lock')} in the repository` });
}

async function unlockAll(deps: CommandDeps): Promise<void> {
  const listed = await listLocks(deps, () => unlockAll(deps));
  if (!listed) return;
  const holders = listed.locks.map((l) => {
    const line = lockLine(l);
    return `• ${line.label}: ${line.description}`;
  });
  // The safe choice comes first, so Enter (the dialog's default button) keeps the locks.
  const keep: vscode.MessageItem = { title: 'Keep the Locks' };
  const remove: vscode.MessageItem = { title: 'Remove All Locks' };
  const answer = await vscode.window.showWarningMessage(
    `Remove ${listed.locks.length === 1 ? 'the only lock' : `all ${plural(listed.locks.length, 'lock')}`}?`,
    { modal: true, detail: `Only do this when none of these is still running; a running backup would lose its lock and stop.\n\n${holders.join('\n')}` },
    keep,
    remove,
  );
  if (answer !== remove) return;
  const result = await withProgress(deps, 'unlock', () => unlockAll(deps), (token) => deps.backend.request(UnlockRequest.type, { removeAll: true }, token));
  if (result) void vscode.window.showInformationMessage(`Lockstep: removed ${plural(result.removed.length, 'lock')}.`);
}

async function setPassword(deps: CommandDeps, confirm = false): Promise<boolean> {
  const password = await vscode.window.showInputBox({ prompt: 'Repository password (kept in VS Code secret storage)', password: true, ignoreFocusOut: true });
  if (!password) return false;
  if (confirm && (await vscode.window.showInputBox({ prompt: 'The same password again', password: true, ignoreFocusOut: true })) !== password) {
    void vscode.window.showErrorMessage('Lockstep: the passwords do not match.');
    return false;
  }
  await deps.passwords.set(password);
  await deps.backend.restart();
  return true;
}

/** Checks a location as restic spells it; the message for the input box, or undefined when it is fine. */
function locationProblem(value: string): string | undefined {
  if (value.trim() === '') return 'a folder, rest:http://host:port/path, sftp:user@host:/path or s3:http://host:port/bucket';
  try {
    parseLocation(value.trim());
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

async function initialize(deps: CommandDeps): Promise<void> {
  let repository = readSettings().repository;
  if (!repository) {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const suggestion = path.join(os.homedir(), '.local', 'share', 'lockstep', folder ? path.basename(folder.uri.fsPath) : 'repo');
    const typed = await vscode.window.showInputBox({
      prompt: 'Where to create the repository: a folder, rest:http://host:port/path, sftp:user@host:/path or s3:http://host:port/bucket',
      value: suggestion,
      ignoreFocusOut: true,
      validateInput: locationProblem,
    });
    if (!typed) return;
    // A password typed into a REST URL goes to secret storage; the setting keeps the URL without it.
    const split = splitRestPassword(typed.trim());
    repository = split.location;
    if (split.password !== undefined) await deps.credentials.set(repository, { restPassword: split.password });
    await vscode.workspace.getConfiguration('lockstep').update('repository', repository, vscode.ConfigurationTarget.Global);
  }
  const needed = credentialsNeeded(parseLocation(repository));
  const stored = await deps.credentials.get(repository);
  if (needed && Object.keys(stored).length === 0 && !(await askForCredentials(deps.credentials, repository))) return;
  if (!(await deps.backend.hasPassword()) && !(await setPassword(deps, true))) return;
  await deps.backend.restart();
  const result = await withProgress(deps, 'init', () => initialize(deps), (token) => deps.backend.request(InitRequest.type, {}, token));
  if (result) void vscode.window.showInformationMessage(`Lockstep: created repository ${result.repositoryId.slice(0, 10)} at ${result.location}`);
  deps.indicator.render();
}

/** Points the extension at a repository that exists already (restic's or Lockstep's), then asks for its password. */
async function useRepository(deps: CommandDeps): Promise<void> {
  const typed = await vscode.window.showInputBox({
    prompt: 'The existing repository: a folder, rest:http://host:port/path, sftp:user@host:/path or s3:http://host:port/bucket',
    value: readSettings().repository,
    ignoreFocusOut: true,
    validateInput: locationProblem,
  });
  if (!typed) return;
  const split = splitRestPassword(typed.trim());
  if (split.password !== undefined) await deps.credentials.set(split.location, { restPassword: split.password });
  await vscode.workspace.getConfiguration('lockstep').update('repository', split.location, vscode.ConfigurationTarget.Global);
  if (credentialsNeeded(parseLocation(split.location)) && Object.keys(await deps.credentials.get(split.location)).length === 0) await askForCredentials(deps.credentials, split.location);
  if (!(await deps.backend.hasPassword())) await setPassword(deps);
  deps.indicator.render();
}

async function setCredentials(deps: CommandDeps): Promise<void> {
  const repository = readSettings().repository;
  if (!repository) {
    void vscode.window.showWarningMessage('Lockstep: set lockstep.repository first (or run "Lockstep: Initialize Repository").');
    return;
  }
  if (!credentialsNeeded(parseLocation(repository))) {
    void vscode.window.showInformationMessage('Lockstep: this repository needs no credentials beyond its password (SFTP uses your SSH agent or key files).');
    return;
  }
  if (await askForCredentials(deps.credentials, repository)) await deps.backend.restart();
}

export function registerCommands(deps: CommandDeps, runner: BackupRunner): vscode.Disposable[] {
  const { backend, log } = deps;
  const register = (id: string, fn: () => unknown): vscode.Disposable => vscode.commands.registerCommand(id, fn);
  return [
    register('lockstep.backupNow', () => runner.run('command', true)),
    register('lockstep.prune', async () => {
      const result = await withProgress(deps, 'prune', () => vscode.commands.executeCommand('lockstep.prune'), (token, progress) =>
        backend.request(PruneRequest.type, { retryLockMs: readSettings().retryLockSeconds * 1000 }, token, progress),
      );
      if (result) void vscode.window.showInformationMessage(`Lockstep: prune removed ${result.removedPacks} packs (${mib(result.removedBytes)}); ${mib(result.remainingBytes)} remain.`);
      return result;
    }),
    register('lockstep.forget', () => forgetSnapshots(deps)),
    register('lockstep.unlock', async () => {
      const result = await withProgress(deps, 'unlock', () => vscode.commands.executeCommand('lockstep.unlock'), (token) => backend.request(UnlockRequest.type, {}, token));
      if (result) void vscode.window.showInformationMessage(result.removed.length > 0 ? `Lockstep: removed ${plural(result.removed.length, 'stale lock')}.` : 'Lockstep: no stale locks to remove.');
      return result;
    }),
    register('lockstep.unlockAll', () => unlockAll(deps)),
    register('lockstep.showSnapshots', async () => {
      const snapshot = await pickSnapshot(deps, 'Snapshots (newest first); pick one to restore it');
      if (snapshot) await restoreSnapshot(deps, snapshot);
    }),
    register('lockstep.restore', () => restoreSnapshot(deps)),
    register('lockstep.check', async () => {
      const result = await withProgress(deps, 'check', () => vscode.commands.executeCommand('lockstep.check'), (token, progress) =>
        backend.request(CheckRequest.type, { retryLockMs: readSettings().retryLockSeconds * 1000 }, token, progress),
      );
      if (!result) return;
      for (const hint of result.hints) log.info(`check: ${hint}`);
      for (const error of result.errors) log.error(`check: ${error}`);
      if (result.errors.length === 0) void vscode.window.showInformationMessage('Lockstep: no errors were found in the repository.');
      else if ((await vscode.window.showErrorMessage(`Lockstep: the repository has ${plural(result.errors.length, 'problem')}.`, 'Show Log')) !== undefined) log.show();
      return result;
    }),
    register('lockstep.init', () => initialize(deps)),
    register('lockstep.showLocks', () => showLocks(deps)),
    register('lockstep.setPassword', () => setPassword(deps)),
    register('lockstep.useRepository', () => useRepository(deps)),
    register('lockstep.setCredentials', () => setCredentials(deps)),
    register('lockstep.showLog', () => log.show()),
    register('lockstep.acknowledgeLostLock', () => {
      deps.indicator.acknowledge();
      log.show();
    }),
  ];
}
