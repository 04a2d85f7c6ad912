// The extension in real VS Code (code-server 4.100.3 in headless Chromium), installed from its .vsix and driven
// from the command palette as a user does. Screenshots of each state go to test-output/e2e/.
import { execFileSync } from 'node:child_process';
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

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

function notification(page: Page, text: string | RegExp) {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
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
    if (ctx.task.result?.state === 'fail' && page) await shot(page, `failed-${ctx.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`);
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
    expect(repoFiles(repo, 'locks')).toEqual([]);
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
    await lockIndicator(page).click();
    await expect.poll(() => lockIndicator(page).innerText(), { timeout: 10_000 }).toContain('Lockstep: idle');
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
    await notification(page, 'removed 1 stale locks').waitFor({ state: 'visible', timeout: 30_000 });
    await new Promise((r) => setTimeout(r, 500));
    await shot(page, '5-unlock-stale');
    expect(readdirSync(path.join(repo, 'locks'))).toEqual([]);
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
    await runCommand(page, 'Lockstep: Initialize Repository');
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
