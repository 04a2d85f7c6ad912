// Real VS Code for end-to-end tests: code-server 4.100.3 (installed by scripts/install-e2e.sh) serving a workspace on
// 127.0.0.1, driven by Debian's Chromium through playwright-core. Everything started here is stopped by stop().
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { freePort } from './net';

const peersDir = process.env.LOCKSTEP_PEERS_DIR ?? path.join(homedir(), '.cache', 'lockstep-peers');
export const CODE_SERVER = path.join(peersDir, 'code-server', 'node_modules', '.bin', 'code-server');
export const CHROMIUM = '/usr/bin/chromium';

export function vscodeAvailable(): boolean {
  return existsSync(CODE_SERVER) && existsSync(CHROMIUM);
}

export interface VSCodeSession {
  page: Page;
  url: string;
  serverLog: string[];
  stop(): Promise<void>;
}

/** Installs `vsix` into a fresh profile with `settings`, starts code-server on `folder` and opens it in Chromium. */
export async function openVSCode(options: { work: string; vsix: string; folder: string; settings: Record<string, unknown> }): Promise<VSCodeSession> {
  const { work } = options;
  const userData = path.join(work, 'user-data');
  const extensions = path.join(work, 'extensions');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'workbench.tips.enabled': false,
      'update.mode': 'none',
      ...options.settings,
    }),
  );
  const port = await freePort();
  const config = path.join(work, 'code-server.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const common = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions];
  execFileSync(CODE_SERVER, [...common, '--install-extension', options.vsix], { stdio: 'pipe', env: { ...process.env, HOME: work } });
  const server: ChildProcess = spawn(
    CODE_SERVER,
    [...common, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', options.folder],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: work } },
  );
  const serverLog: string[] = [];
  server.stdout?.on('data', (d: Buffer) => serverLog.push(d.toString()));
  server.stderr?.on('data', (d: Buffer) => serverLog.push(d.toString()));
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.folder)}`;
  let context: BrowserContext | undefined;
  const stop = async (): Promise<void> => {
    await context?.close().catch(() => undefined);
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          server.kill('SIGKILL');
          resolve(undefined);
        }, 5000);
        server.once('exit', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    }
  };
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const alive = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (alive) break;
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`code-server did not start:\n${serverLog.join('')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    context = await chromium.launchPersistentContext(path.join(work, 'chromium'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    return { page, url, serverLog, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Runs a palette command by its title, as a user does: F1, type, Enter. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible' });
  await row.click();
}

/** Clears the notification toasts, so a screenshot shows only what the next step brings. */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
}

/** The Lockstep status bar item. */
export function lockIndicator(page: Page) {
  return page.locator('.statusbar-item', { hasText: 'Lockstep:' }).first();
}
