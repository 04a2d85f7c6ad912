import * as vscode from 'vscode';

/** The extension's settings (lockstep.*), read fresh each time: users change them while the window is open. */
export interface Settings {
  /** Repository location as restic spells it; empty when none is configured. */
  repository: string;
  /** Folders to back up; empty means the workspace folders. */
  paths: string[];
  excludes: string[];
  host: string;
  passwordFile: string;
  backupOnSave: boolean;
  backupOnSaveDelaySeconds: number;
  backupIntervalMinutes: number;
  backupOnOpen: boolean;
  /** How long a triggered or manual run waits for another client's lock (restic's --retry-lock). */
  retryLockSeconds: number;
  lockRefreshMs: number;
  lockStaleMs: number;
  /** A change-driven backup walks every folder when the last full walk is older than this (0: every time). */
  fullScanMinutes: number;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('lockstep');
  return {
    repository: c.get<string>('repository', '').trim(),
    paths: c.get<string[]>('paths', []),
    excludes: c.get<string[]>('excludes', []),
    host: c.get<string>('host', ''),
    passwordFile: c.get<string>('passwordFile', ''),
    backupOnSave: c.get<boolean>('backupOnSave', false),
    backupOnSaveDelaySeconds: c.get<number>('backupOnSaveDelaySeconds', 30),
    backupIntervalMinutes: c.get<number>('backupIntervalMinutes', 0),
    backupOnOpen: c.get<boolean>('backupOnOpen', false),
    retryLockSeconds: c.get<number>('retryLockSeconds', 60),
    lockRefreshMs: c.get<number>('lockTiming.refreshMs', 0),
    lockStaleMs: c.get<number>('lockTiming.staleMs', 0),
    fullScanMinutes: c.get<number>('fullScanMinutes', 60),
  };
}

/** What a backup covers: the configured paths, or every workspace folder. */
export function backupPaths(settings: Settings): string[] {
  if (settings.paths.length > 0) return settings.paths;
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}
