// The lock indicator: one status bar item that always says what Lockstep's locks are doing in this window.
import * as vscode from 'vscode';
import { LockHolder, LockListEntry, LockStateParams } from '../../shared/src/protocol';
import { foreignLock, holdsText, lockLine } from './describe';

interface OperationLock {
  operation: string;
  state: LockStateParams['state'];
  exclusive: boolean;
  lockId?: string;
  refreshedAt?: number;
  holder?: LockHolder;
  since: number;
}

interface LostLock {
  operation: string;
  reason: string;
  message: string;
  at: number;
}

function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

function describeHolder(h: LockHolder): string {
  return `PID ${h.pid} on ${h.hostname} by ${h.username} (${h.exclusive ? 'exclusive' : 'shared'}, ${age(Date.now() - h.time)} old)`;
}

/** What the backend process is doing, when it is not simply running. */
export interface BackendTrouble {
  state: 'restarting' | 'stopped';
  lastError?: string;
}

/** After a lost lock is acknowledged, a click this soon (the second of a double-click) does not start a backup. */
export const CLICK_GUARD_MS = 1500;

export class LockIndicator implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('lockstep.lock', vscode.StatusBarAlignment.Left, 100);
  private readonly operations = new Map<number, OperationLock>();
  private lost?: LostLock;
  private acknowledgedAt = 0;
  /** The repository's locks as the watch last listed them, and the stale timeout they were judged by. */
  private watched?: { locks: LockListEntry[]; staleMs: number; receivedAt: number };
  private backendTrouble?: BackendTrouble;
  /** When the last of this window's operations released its lock (a listing begun before then may show it). */
  lastReleaseAt = 0;
  private readonly ticker = setInterval(() => this.render(), 5000);

  constructor(private readonly configured: () => boolean) {
    this.item.name = 'Lockstep lock';
    this.render();
  }

  update(p: LockStateParams): void {
    if (p.state === 'released' || p.state === 'lost') {
      this.operations.delete(p.operationId);
      this.lastReleaseAt = Date.now();
    }
    else {
      const known = this.operations.get(p.operationId);
      this.operations.set(p.operationId, {
        operation: p.operation,
        state: p.state,
        exclusive: p.exclusive,
        lockId: p.lockId ?? known?.lockId,
        refreshedAt: p.refreshedAt ?? known?.refreshedAt,
        holder: p.holder ?? known?.holder,
        since: known?.state === p.state ? known.since : Date.now(),
      });
    }
    if (p.state === 'lost') this.lost = { operation: p.operation, reason: p.reason ?? 'lost', message: p.message ?? '', at: Date.now() };
    this.render();
  }

  /** A lost lock stays red until the user has seen it. */
  acknowledge(): void {
    if (this.lost) this.acknowledgedAt = Date.now();
    this.lost = undefined;
    this.render();
  }

  /** The idle indicator was clicked: a backup, unless this is the second click of the one that acknowledged a loss. */
  clickStartsBackup(nowMs = Date.now()): boolean {
    return nowMs - this.acknowledgedAt >= CLICK_GUARD_MS;
  }

  /** The repository's locks, from the watch; listings begun before this window's last release are ignored. */
  watch(locks: LockListEntry[], staleMs: number, listedSince: number): void {
    if (listedSince < this.lastReleaseAt) return;
    this.watched = { locks, staleMs, receivedAt: Date.now() };
    this.render();
  }

  /** The backend process died or is being restarted: its operations' states are gone with it. */
  backendState(trouble: BackendTrouble | undefined): void {
    this.backendTrouble = trouble;
    if (trouble && this.operations.size > 0) {
      this.operations.clear();
      this.lastReleaseAt = Date.now();
    }
    this.render();
  }

  get hasUnacknowledgedLoss(): boolean {
    return this.lost !== undefined;
  }

  /** The text the item shows now (also what the tests read). */
  render(): void {
    if (!this.configured() && !this.lost && this.operations.size === 0) {
      this.item.hide();
      return;
    }
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.isTrusted = { enabledCommands: ['lockstep.showLocks', 'lockstep.showLog', 'lockstep.backupNow', 'lockstep.unlock', 'lockstep.restartBackend', 'lockstep.locks.focus'] };
    this.item.backgroundColor = undefined;
    const current = this.mostImportant();
    const foreign = this.watched && this.operations.size === 0 ? foreignLock(this.watched.locks, new Set(), this.watched.staleMs) : undefined;
    if (this.backendTrouble) {
      const t = this.backendTrouble;
      this.item.text = t.state === 'restarting' ? '$(sync~spin) Lockstep: backend restarting' : '$(error) Lockstep: backend stopped';
      this.item.backgroundColor = t.state === 'stopped' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
      this.item.command = t.state === 'stopped' ? 'lockstep.restartBackend' : 'lockstep.showLog';
      tooltip.appendMarkdown(`**The backend process ${t.state === 'stopped' ? 'stopped' : 'stopped and is being restarted'}.**`);
      if (t.lastError) tooltip.appendMarkdown(`\n\nLast error: \`${t.lastError.replace(/`/g, "'")}\``);
      tooltip.appendMarkdown('\n\n[Restart](command:lockstep.restartBackend) · [Show Log](command:lockstep.showLog)');
    } else if (this.lost) {
      this.item.text = `$(error) Lockstep: lock lost`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      this.item.command = 'lockstep.acknowledgeLostLock';
      tooltip.appendMarkdown(`**${this.lost.operation} lost its lock** (${this.lost.reason}), ${age(Date.now() - this.lost.at)} ago\n\n${this.lost.message}\n\n`);
      tooltip.appendMarkdown('Nothing more was committed. Click to acknowledge. [Show Locks](command:lockstep.showLocks) · [Show Log](command:lockstep.showLog)');
    } else if (!current && foreign) {
      const { entry, warn } = foreign;
      const others = this.watched!.locks.length - 1;
      this.item.text = `$(${warn ? 'warning' : 'lock'}) Lockstep: ${entry.holder ? holdsText(entry.holder, entry.holder.time + (entry.ageMs ?? 0) + Date.now() - this.watched!.receivedAt) : 'an unreadable lock holds the repository'}${others > 0 ? ` (+${others})` : ''}`;
      this.item.backgroundColor = warn ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
      this.item.command = entry.stale ? 'lockstep.unlock' : 'lockstep.locks.focus';
      const line = lockLine(entry);
      tooltip.appendMarkdown(`Another client holds a lock: **${line.label}** (${line.description}).`);
      if (warn) tooltip.appendMarkdown(`\n\n${entry.stale ? 'The lock is stale: its holder is gone or stopped refreshing it.' : 'The lock is older than the stale timeout.'}`);
      tooltip.appendMarkdown(`\n\n${entry.stale ? 'Click to remove stale locks. ' : ''}[Unlock (stale)](command:lockstep.unlock) · [Show Locks](command:lockstep.locks.focus)`);
    } else if (!current) {
      this.item.text = '$(unlock) Lockstep: idle';
      this.item.command = 'lockstep.indicatorClicked';
      tooltip.appendMarkdown('No lock held by this window or any other client. Click to back up now.\n\n[Show Locks](command:lockstep.showLocks)');
    } else if (current.state === 'acquiring') {
      this.item.text = `$(sync~spin) Lockstep: locking for ${current.operation}`;
      this.item.command = 'lockstep.showLocks';
      tooltip.appendMarkdown(`Taking a ${current.exclusive ? 'exclusive' : 'shared'} lock for **${current.operation}**…`);
    } else if (current.state === 'waiting') {
      this.item.text = `$(watch) Lockstep: waiting for ${current.holder ? `PID ${current.holder.pid}@${current.holder.hostname}` : 'another client'}`;
      this.item.command = 'lockstep.showLocks';
      tooltip.appendMarkdown(`**${current.operation}** waits for another client's lock (${age(Date.now() - current.since)} so far)`);
      if (current.holder) tooltip.appendMarkdown(`\n\nHeld by ${describeHolder(current.holder)}`);
      tooltip.appendMarkdown('\n\n[Show Locks](command:lockstep.showLocks)');
    } else {
      this.item.text = `$(lock) Lockstep: ${current.operation} (${current.exclusive ? 'exclusive' : 'shared'})`;
      this.item.command = 'lockstep.showLocks';
      tooltip.appendMarkdown(`**${current.operation}** holds a ${current.exclusive ? 'exclusive' : 'shared'} lock for ${age(Date.now() - current.since)}`);
      if (current.lockId) tooltip.appendMarkdown(`\n\nLock file \`${current.lockId.slice(0, 8)}\``);
      if (current.refreshedAt) tooltip.appendMarkdown(`, last refreshed ${age(Date.now() - current.refreshedAt)} ago`);
      if (this.operations.size > 1) tooltip.appendMarkdown(`\n\n${this.operations.size} operations running`);
    }
    this.item.tooltip = tooltip;
    this.item.show();
  }

  /** Held exclusive > held > waiting > acquiring: the state that matters most to the user. */
  private mostImportant(): OperationLock | undefined {
    const rank = (o: OperationLock): number => (o.state === 'held' ? (o.exclusive ? 4 : 3) : o.state === 'waiting' ? 2 : 1);
    let best: OperationLock | undefined;
    for (const o of this.operations.values()) if (!best || rank(o) > rank(best)) best = o;
    return best;
  }

  dispose(): void {
    clearInterval(this.ticker);
    this.item.dispose();
  }
}
