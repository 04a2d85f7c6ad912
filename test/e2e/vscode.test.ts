// The extension in real VS Code (code-server 4.100.3 in headless Chromium), installed from its .vsix and driven
// from the command palette as a user does. Screenshots of each state go to test-output/e2e/.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { lockstepOk, spawnLockstep } from '../helpers/cli';
import { clearNotifications, lockIndicator, openVSCode, runCommand, vscodeAvailable, VSCodeSession } from '../helpers/codeserver';
import { makeSourceTree, randomFile } from '../helpers/fstree';
import { requirePeer, runRestic } from '../helpers/peers';
import { finished, repoFiles, waitFor } from '../helpers/process';
import { RemoteServer } from '../helpers/remote-server';
import { startRcloneResticWithAuth } from '../helpers/restserver';
import { cleanupTempDirs, makeTempDir } from '../helpers/tmp';

const ROOT = path.resolve(__dirname, '../..');
const SHOTS = path.join(ROOT, 'test-output', 'e2e');
const PASSWORD = 'e2e password';

async function shot(page: Page, name: string, clip?: { x: number; y: number; width: number; height: number }): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), clip });
}

/** Opens the Lockstep side bar from the activity bar (a click on its icon when it is open would close it). */
async function showLockstep(page: Page): Promise<void> {
  if ((await page.locator('.activitybar .action-item.checked .action-label[aria-label^="Lockstep"]').count()) === 0) await page.locator('.activitybar .action-label[aria-label^="Lockstep"]').click();
}

/** An editor's text as shown (the editor renders spaces as no-break spaces). */
async function shownText(locator: ReturnType<Page['locator']>): Promise<string> {
  return (await locator.innerText()).replace(/\u00a0/g, ' ');
}

/**
 * Right-click `row`, then click `item` of its context menu. A view that re-renders its rows (a refresh after an
 * operation) closes a menu just opened, so the right-click is repeated until the item shows; the menu ignores a
 * click that comes right after it opened (a right-click's release), so the click is repeated until the menu closes.
 */
async function contextMenu(page: Page, row: ReturnType<Page['locator']>, item: string): Promise<void> {
  const entry = page.locator('.context-view .action-label', { hasText: item });
  await expect
    .poll(
      async () => {
        if (await entry.isVisible()) return true;
        await row.click({ button: 'right', timeout: 5000 }).catch(() => undefined);
        return entry.waitFor({ state: 'visible', timeout: 3000 }).then(
          () => true,
          () => false,
        );
      },
      { timeout: 30_000, interval: 200 },
    )
    .toBe(true);
  await expect
    .poll(
      async () => {
        if (await entry.isVisible()) await entry.click({ timeout: 2000 }).catch(() => undefined);
        return entry.isVisible();
      },
      { timeout: 15_000, interval: 300 },
    )
    .toBe(false);
}

function notification(page: Page, text: string | RegExp) {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
}

/**
 * The text of a notification, as its toast or, when VS Code keeps it in the notification center without a toast (seen
 * after Unlock All…, the toast of whose progress notification was still up), as the center lists it.
 */
async function notified(page: Page, text: RegExp): Promise<string> {
  const toast = notification(page, text);
  const shown = await toast.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false);
  if (shown) return toast.innerText();
  await runCommand(page, 'Notifications: Show Notifications');
  const listed = page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
  await listed.waitFor({ state: 'visible', timeout: 20_000 });
  const said = await listed.innerText();
  await runCommand(page, 'Notifications: Hide Notifications');
  return said;
}

const suite = vscodeAvailable() || process.env.CI ? describe : describe.skip;

suite('the extension in real VS Code (code-server + Chromium)', () => {
  let work: string;
  let repo: string;
  let folder: string;
  let vscode: VSCodeSession;
  let page: Page;
  let restic: string;
  let rest: RemoteServer | undefined;

  beforeAll(async () => {
    if (!vscodeAvailable()) throw new Error('code-server or chromium missing: run scripts/install-e2e.sh');
    restic = requirePeer('restic-0.18');
    work = makeTempDir('e2e');
    repo = path.join(work, 'repo');
    folder = path.join(work, 'workspace');
    makeSourceTree(folder);
    // Enough data that a backup holds its lock for a few seconds.
    mkdirSync(path.join(folder, 'data'));
    for (let i = 0; i < 4; i++) randomFile(path.join(folder, 'data', `big${i}.bin`), 48 * 1024 * 1024);
    lockstepOk(['init'], { repo, password: PASSWORD });
    const passwordFile = path.join(work, 'password');
    writeFileSync(passwordFile, `${PASSWORD}\n`);
    const vsix = path.join(work, 'lockstep.vsix');
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--no-rewrite-relative-links', '--out', vsix], { cwd: ROOT, stdio: 'pipe' });
    vscode = await openVSCode({
      work,
      vsix,
      folder,
      settings: {
        'lockstep.repository': repo,
        'lockstep.passwordFile': passwordFile,
        'lockstep.retryLockSeconds': 0,
        'lockstep.backupOnSave': true,
        'lockstep.backupOnSaveDelaySeconds': 1,
        'lockstep.lockTiming.refreshMs': 1000,
        'lockstep.lockTiming.staleMs': 10000,
      },
    });
    page = vscode.page;
  }, 180_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !page) return;
    // What the window said: every notification, hidden toasts too, in the log and in the screenshot.
    await runCommand(page, 'Notifications: Show Notifications').catch(() => undefined);
    const center = await page.locator('.notifications-center').innerText({ timeout: 5_000 }).catch((err: Error) => `(no notification center: ${err.message})`);
    console.log(`notifications when "${ctx.task.name}" failed:\n${center}`);
    await shot(page, `failed-${ctx.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`);
  });

  afterAll(async () => {
    await vscode?.stop();
    await rest?.stop();
    cleanupTempDirs();
  });

  it('shows the lock indicator, idle, once the window is up', async () => {
    await lockIndicator(page).waitFor({ state: 'visible', timeout: 90_000 });
    await expect.poll(() => lockIndicator(page).innerText(), { timeout: 30_000 }).toContain('Lockstep: idle');
    await shot(page, '1-idle');
  }, 120_000);

  it('Back Up Now from the palette: the indicator shows the held lock, then idle; restic lists the snapshot', async () => {
    await clearNotifications(page);
    await runCommand(page, 'Lockstep: Back Up Now');
    await expect.poll(() => lockIndicator(page).innerText(), { timeout: 30_000, interval: 50 }).toContain('Lockstep: backup (shared)');
    await shot(page, '2-backup-holding-lock');
    await notification(page, /snapshot [0-9a-f]{8} saved/).waitFor({ state: 'visible', timeout: 60_000 });
    await expect.poll(() => lockIndicator(page).innerText(), { timeout: 10_000 }).toContain('Lockstep: idle');
    await new Promise((r) => setTimeout(r, 500));
    await shot(page, '3-backup-done');
    const listed = JSON.parse(runRestic(restic, repo, ['snapshots', '--json'], { password: PASSWORD }).stdout);
    expect(listed).toHaveLength(1);
    expect(listed[0].paths).toEqual([folder]);
    // The Snapshots view reads the repository after each operation, under a shared lock of its own for a moment.
    await expect.poll(() => repoFiles(repo, 'locks'), { timeout: 10_000 }).toEqual([]);
  }, 120_000);

  it('a lock lost mid-backup turns the indicator to lost and shows the error; no snapshot is saved', async () => {
    for (let i = 0; i < 4; i++) randomFile(path.join(folder, 'data', `new${i}.bin`), 48 * 1024 * 1024);
    await clearNotifications(page);
    await runCommand(page, 'Lockstep: Back Up Now');
    await expect.poll(() => lockIndicator(page).innerText(), { timeout: 30_000, interval: 50 }).toContain('Lockstep: backup (shared)');
    runRestic(restic, repo, ['unlock', '--remove-all'], { password: PASSWORD });
    await expect.poll(() => lockIndicator(page).innerText(), { timeout: 30_000 }).toContain('Lockstep: lock lost');
    await notification(page, 'lost its repository lock').waitFor({ state: 'visible', timeout: 30_000 });
    await new Promise((r) => setTimeout(r, 500)); // the toast's fade-in
    await shot(page, '4-lock-lost');
    expect(repoFiles(repo, 'snapshots')).toHaveLength(1);
    runRestic(restic, repo, ['check', '--read-data'], { password: PASSWORD });
    // The indicator stays red until acknowledged: clicking it acknowledges (dismissing the error would too).
    await new Promise((r) => setTimeout(r, 1500));
    expect(await lockIndicator(page).innerText()).toContain('Lockstep: lock lost');
    // A double-click: the first click acknowledges, the second must not start a backup at once.
    await lockIndicator(page).dblclick();
    await expect.poll(() => lockIndicator(page).innerText(), { timeout: 10_000 }).toContain('Lockstep: idle');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await lockIndicator(page).innerText()).toContain('Lockstep: idle');
    // The Snapshots view reads the repository after each operation, under a shared lock of its own for a moment.
    await expect.poll(() => repoFiles(repo, 'locks'), { timeout: 10_000 }).toEqual([]);
  }, 120_000);

  it('saving a file triggers a backup after the quiet time (lockstep.backupOnSave)', async () => {
    const before = repoFiles(repo, 'snapshots').length;
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'small.txt' }).first().click();
    await page.locator('.editor-group-container .monaco-editor .view-lines').first().click();
    await page.keyboard.type('edited in VS Code\n');
    await page.keyboard.press('Control+S');
    await waitFor('the triggered backup', () => repoFiles(repo, 'snapshots').length === before + 1, 60_000);
    await expect.poll(() => lockIndicator(page).innerText(), { timeout: 10_000 }).toContain('Lockstep: idle');
    expect(readFileSync(path.join(folder, 'small.txt'), 'utf8')).toContain('edited in VS Code');
  }, 120_000);

  it('Unlock (stale) removes the lock a killed process left behind', async () => {
    const child = spawnLockstep(['backup', '--stdin'], { repo, password: PASSWORD });
    const done = finished(child);
    await waitFor('the CLI to lock', () => repoFiles(repo, 'locks').length === 1);
    child.kill('SIGKILL');
    await done;
    await clearNotifications(page);
    await runCommand(page, 'Lockstep: Unlock (stale)');
    await notification(page, 'removed 1 stale lock.').waitFor({ state: 'visible', timeout: 30_000 });
    await new Promise((r) => setTimeout(r, 500));
    await shot(page, '5-unlock-stale');
    expect(readdirSync(path.join(repo, 'locks'))).toEqual([]);
  }, 120_000);

  it('the Snapshots view: a file of an older snapshot compared with the workspace, then restored with the overwritten version saved aside', async () => {
    const small = path.join(folder, 'small.txt');
    writeFileSync(small, 'changed on disk\n');
    const snapshots = JSON.parse(runRestic(restic, repo, ['snapshots', '--json'], { password: PASSWORD }).stdout) as { id: string; short_id: string }[];
    const oldest = snapshots[0];
    const inSnapshot = runRestic(restic, repo, ['dump', oldest.id, small], { password: PASSWORD }).stdout;
    expect(inSnapshot).toBe('hello lockstep\n');
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'View: Hide Panel');
    await clearNotifications(page);
    await showLockstep(page);
    const sidebar = page.locator('#workbench\\.parts\\.sidebar');
    const row = (text: string | RegExp) => sidebar.locator('.monaco-list-row', { hasText: text }).first();
    await row(oldest.short_id).click();
    await row('small.txt').waitFor({ state: 'visible', timeout: 30_000 });
    await row(/^\s*sub/).click();
    await row('deeper').waitFor({ state: 'visible', timeout: 30_000 });
    await shot(page, 'snapshots-view', { x: 0, y: 0, width: 760, height: 560 });

    await contextMenu(page, row('small.txt'), 'Compare with Workspace');
    const side = (which: 'original' | 'modified') => page.locator(`.monaco-diff-editor .editor.${which} .view-lines`).first();
    await expect.poll(() => shownText(side('original')), { timeout: 30_000 }).toContain('hello lockstep');
    expect(await shownText(side('modified'))).toContain('changed on disk');
    expect(await page.locator('.tab.active').innerText()).toContain(`small.txt (snapshot ${oldest.short_id}) ↔ workspace`);
    await shot(page, 'file-diff');

    await contextMenu(page, row('small.txt'), 'Restore to Workspace');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await dialog.innerText()).toContain(`Restore 1 file of snapshot ${oldest.short_id} to ${small}?`);
    expect(await dialog.innerText()).toContain(`1 file will be overwritten`);
    await dialog.locator('.monaco-button', { hasText: /^Restore$/ }).click();
    const done = notification(page, /restored 1 file from/);
    await done.waitFor({ state: 'visible', timeout: 30_000 });
    expect(readFileSync(small, 'utf8')).toBe(inSnapshot);
    const aside = /saved to (\S+?)\.?$/m.exec(await done.innerText())?.[1];
    expect(aside, await done.innerText()).toBeDefined();
    expect(readFileSync(path.join(aside!, small), 'utf8')).toBe('changed on disk\n');

    // File history from the Explorer's context menu: the two versions, newest first; the older one opens as a diff.
    await runCommand(page, 'View: Close All Editors');
    await page.locator('.activitybar .action-label[aria-label^="Explorer"]').click();
    await contextMenu(page, page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'small.txt' }).first(), 'Show File History');
    const picks = page.locator('.quick-input-list .monaco-list-row');
    await expect.poll(() => picks.count(), { timeout: 30_000 }).toBe(2);
    expect(await picks.nth(0).innerText()).toContain(snapshots[1].short_id);
    await picks.nth(1).click();
    await expect.poll(() => shownText(side('original')), { timeout: 30_000 }).toContain('hello lockstep');
    expect(await page.locator('.tab.active').innerText()).toContain(`small.txt (snapshot ${oldest.short_id}) ↔ workspace`);

    // Forget… on the older snapshot: confirmed in a modal, gone from restic's list and from the view.
    await showLockstep(page);
    await contextMenu(page, row(oldest.short_id), 'Forget…');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await dialog.innerText()).toContain(`Forget snapshot ${oldest.short_id}`);
    await dialog.locator('.monaco-button', { hasText: 'Forget Snapshot' }).click();
    await notification(page, `forgot snapshot ${oldest.short_id}`).waitFor({ state: 'visible', timeout: 30_000 });
    const left = JSON.parse(runRestic(restic, repo, ['snapshots', '--json'], { password: PASSWORD }).stdout) as { id: string }[];
    expect(left.map((l) => l.id)).toEqual([snapshots[1].id]);
    await row(oldest.short_id).waitFor({ state: 'detached', timeout: 30_000 });
  }, 120_000);

  it("the Locks view and the status bar show a running restic's lock; once restic is killed, Unlock (stale) on its row removes it; Unlock All… keeps the locks on Enter", async () => {
    // A real restic 0.18 holding a shared lock for as long as its stdin stays open.
    const holder = spawn(restic, ['backup', '--stdin', '--stdin-filename', 'held.txt', '--host', 'nas'], { env: { ...process.env, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: PASSWORD }, stdio: ['pipe', 'ignore', 'ignore'] });
    const exited = new Promise((r) => holder.once('exit', r));
    try {
      await waitFor('restic to lock', () => repoFiles(repo, 'locks').length === 1, 30_000);
      await clearNotifications(page);
      await showLockstep(page);
      const locksPane = page.locator('#workbench\\.parts\\.sidebar .pane', { has: page.locator('.pane-header', { hasText: 'Locks' }) });
      await locksPane.locator('.pane-header').hover();
      await locksPane.locator('.pane-header .action-label[aria-label="Refresh Locks"]').click();
      const lockRow = locksPane.locator('.monaco-list-row', { hasText: `PID ${holder.pid}` }).first();
      await lockRow.waitFor({ state: 'visible', timeout: 30_000 });
      expect(await lockRow.innerText()).toContain('shared');
      await expect.poll(() => lockIndicator(page).innerText(), { timeout: 10_000 }).toMatch(new RegExp(`PID ${holder.pid} on \\S+ \\(\\S+\\) holds the repository, shared, \\d+ s`));
      await shot(page, 'locks-view', { x: 0, y: 0, width: 760, height: 800 });
      await shot(page, 'status-bar-foreign-lock', { x: 0, y: 770, width: 760, height: 30 });

      holder.kill('SIGKILL');
      await exited;
      await locksPane.locator('.pane-header').hover();
      await locksPane.locator('.pane-header .action-label[aria-label="Refresh Locks"]').click();
      await expect.poll(() => lockRow.innerText(), { timeout: 10_000 }).toContain('stale');
      await contextMenu(page, lockRow, 'Unlock (stale)');
      await notification(page, /stale lock/).waitFor({ state: 'visible', timeout: 30_000 });
      expect(await notification(page, /stale lock/).innerText()).toContain('removed 1 stale lock.');
      // The Snapshots view reads the repository after each operation, under a shared lock of its own for a moment.
      await expect.poll(() => repoFiles(repo, 'locks'), { timeout: 10_000 }).toEqual([]);
      await expect.poll(() => lockIndicator(page).innerText(), { timeout: 10_000 }).toContain('Lockstep: idle');
    } finally {
      if (holder.exitCode === null && holder.signalCode === null) holder.kill('SIGKILL');
    }

    const child = spawnLockstep(['backup', '--stdin'], { repo, password: PASSWORD });
    await waitFor('the CLI to lock', () => repoFiles(repo, 'locks').length === 1);
    try {
      await runCommand(page, 'Lockstep: Unlock All…');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 30_000 });
      expect(await dialog.innerText()).toContain('Remove the only lock?');
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'hidden' });
      expect(repoFiles(repo, 'locks')).toHaveLength(1);
      await clearNotifications(page);
      await runCommand(page, 'Lockstep: Unlock All…');
      await dialog.locator('.monaco-button', { hasText: 'Remove All Locks' }).click();
      // The CLI's lock, and the Snapshots view's own brief one if it was reading the repository at that moment.
      expect(await notified(page, /Lockstep: removed [12] locks?\./)).toMatch(/removed [12] locks?\./);
      // The Snapshots view reads the repository after each operation, under a shared lock of its own for a moment.
      await expect.poll(() => repoFiles(repo, 'locks'), { timeout: 10_000 }).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      await finished(child);
    }
  }, 120_000);

  it('the backend killed mid-backup: the backup fails saying so, the indicator shows the restart, then the stale lock it left, removed with one click', async () => {
    for (let i = 0; i < 4; i++) randomFile(path.join(folder, 'data', `crash${i}.bin`), 32 * 1024 * 1024);
    const before = repoFiles(repo, 'snapshots').length;
    await clearNotifications(page);
    await runCommand(page, 'Lockstep: Back Up Now');
    await expect.poll(() => lockIndicator(page).innerText(), { timeout: 30_000, interval: 50 }).toContain('Lockstep: backup (shared)');
    const extensions = path.join(work, 'extensions');
    const server = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .find((l) => l.includes(extensions) && l.includes('server.js'));
    expect(server).toBeDefined();
    process.kill(Number(server!.trim().split(/\s+/)[0]), 'SIGKILL');
    await expect.poll(() => lockIndicator(page).innerText(), { timeout: 10_000, interval: 50 }).toContain('Lockstep: backend restarting');
    await notification(page, 'the backend process stopped while backup was running').waitFor({ state: 'visible', timeout: 30_000 });
    await expect.poll(() => lockIndicator(page).innerText(), { timeout: 30_000 }).toMatch(/Lockstep: PID \d+ on \S+ \(\S+\) holds the repository, shared/);
    expect(repoFiles(repo, 'snapshots')).toHaveLength(before);
    await clearNotifications(page);
    await lockIndicator(page).click();
    await notification(page, 'removed 1 stale lock.').waitFor({ state: 'visible', timeout: 30_000 });
    // The Snapshots view reads the repository after each operation, under a shared lock of its own for a moment.
    await expect.poll(() => repoFiles(repo, 'locks'), { timeout: 10_000 }).toEqual([]);
    await expect.poll(() => lockIndicator(page).innerText(), { timeout: 10_000 }).toContain('Lockstep: idle');
  }, 120_000);

  it('Initialize Repository on a REST server: the password typed into the URL goes to secret storage, not the settings', async () => {
    rest = await startRcloneResticWithAuth('alice', 'rest pw')(work);
    const withPassword = rest.location.replace('alice:rest pw@', `alice:${encodeURIComponent('rest pw')}@`);
    const withoutPassword = withPassword.replace(/:[^:@/]*@/, '@');
    const settingsFile = path.join(work, 'user-data', 'User', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    // As a user does: edit settings.json in the editor, clearing the repository.
    await runCommand(page, 'Preferences: Open User Settings (JSON)');
    const editor = page.locator('.editor-group-container .monaco-editor .view-lines').first();
    await editor.waitFor({ state: 'visible' });
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(JSON.stringify({ ...settings, 'lockstep.repository': '', 'lockstep.paths': [path.join(folder, 'sub')] }));
    // The editor closes brackets as they are typed: drop whatever it added after the text.
    await page.keyboard.press('Control+Shift+End');
    await page.keyboard.press('Delete');
    await page.keyboard.press('Control+S');
    await expect.poll(() => lockIndicator(page).isVisible(), { timeout: 20_000 }).toBe(false);
    expect(JSON.parse(readFileSync(settingsFile, 'utf8'))).toMatchObject({ 'lockstep.repository': '' });
    await runCommand(page, 'View: Close All Editors');
    await clearNotifications(page);
    // The Snapshots view's welcome offers what to do without a repository.
    await showLockstep(page);
    const welcome = page.locator('#workbench\\.parts\\.sidebar .welcome-view-content', { hasText: 'No repository is set' });
    await welcome.waitFor({ state: 'visible', timeout: 20_000 });
    await welcome.locator('.monaco-button', { hasText: 'Initialize Repository' }).click();
    const input = page.locator('.quick-input-widget input');
    await input.fill('rest:nonsense');
    await page.locator('.quick-input-message', { hasText: 'expected rest:http' }).waitFor({ state: 'visible' });
    await input.fill(withPassword);
    await input.press('Enter');
    await notification(page, 'created repository').waitFor({ state: 'visible', timeout: 60_000 });
    expect(await notification(page, 'created repository').innerText()).toContain('alice:***@');

    const saved = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    expect(saved['lockstep.repository']).toBe(withoutPassword);
    expect(readFileSync(settingsFile, 'utf8')).not.toContain('rest%20pw');
    await lockIndicator(page).waitFor({ state: 'visible', timeout: 20_000 });
    await clearNotifications(page);
    await runCommand(page, 'Lockstep: Back Up Now');
    await notification(page, /snapshot [0-9a-f]{8} saved/).waitFor({ state: 'visible', timeout: 90_000 });
    await shot(page, '6-rest-backup');
    const listed = JSON.parse(runRestic(restic, withPassword, ['snapshots', '--json'], { password: PASSWORD }).stdout);
    expect(listed).toHaveLength(1);
    runRestic(restic, withPassword, ['check'], { password: PASSWORD });
  }, 180_000);
});
