// Starts the backend process (dist/server.js) with vscode-languageclient, with the repository and password in
// its environment, and restarts it when either changes. Everything that touches a repository happens there.
import * as vscode from 'vscode';
import { CancellationToken, LanguageClient, RequestType, TransportKind, WorkDoneProgress } from 'vscode-languageclient/node';
import { LockLostNotification, LockLostParams, LockStateNotification, LockStateParams } from '../../shared/src/protocol';
import { credentialEnvironment, CredentialStore } from './credentials';
import { PasswordStore } from './secrets';
import { readSettings } from './settings';

export class NotConfiguredError extends Error {}

export class BackendClient implements vscode.Disposable {
  private client?: LanguageClient;
  private starting?: Promise<LanguageClient>;
  private readonly lockState = new vscode.EventEmitter<LockStateParams>();
  private readonly lockLost = new vscode.EventEmitter<LockLostParams>();
  readonly onLockState = this.lockState.event;
  readonly onLockLost = this.lockLost.event;
  private nextProgress = 1;

  /** Environment for the next backend start only (a host key the user just accepted). */
  private nextStartEnv: Record<string, string> = {};

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly passwords: PasswordStore,
    private readonly credentials: CredentialStore,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Restarts the backend trusting an SFTP host key the user accepted (it is then added to known_hosts). */
  async acceptHostKey(fingerprint: string): Promise<void> {
    await this.stop();
    this.nextStartEnv = { LOCKSTEP_SFTP_ACCEPT_HOST_KEY: fingerprint };
  }

  /** Whether a repository is configured at all (the status bar shows only then). */
  configured(): boolean {
    return readSettings().repository !== '';
  }

  async hasPassword(): Promise<boolean> {
    return (await this.passwords.get()) !== undefined || readSettings().passwordFile !== '';
  }

  /** Stops the backend; the next request starts one with the current settings and password. */
  restart(): Promise<void> {
    return this.stop();
  }

  async stop(): Promise<void> {
    const running = this.client ?? (await this.starting?.catch(() => undefined));
    this.client = undefined;
    this.starting = undefined;
    await running?.stop().catch((err: unknown) => this.log.warn(`stopping the backend: ${String(err)}`));
  }

  /** Sends a request, with the notification-area progress as its work-done progress when `progress` is given. */
  async request<P extends object, R>(
    type: RequestType<P, R, void>,
    params: P,
    token?: CancellationToken,
    progress?: vscode.Progress<{ message?: string }>,
  ): Promise<R> {
    const client = await this.ensureStarted();
    // RequestParam<P> is a conditional type TypeScript cannot resolve for a generic P; P is the request's params.
    if (!progress) return client.sendRequest(type, params as never, token);
    const workDoneToken = `lockstep-${process.pid}-${this.nextProgress++}`;
    const listener = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
      if (value.kind !== 'end' && value.message) progress.report({ message: value.message });
    });
    try {
      return await client.sendRequest(type, { ...params, workDoneToken } as never, token);
    } finally {
      listener.dispose();
    }
  }

  private async ensureStarted(): Promise<LanguageClient> {
    if (this.client) return this.client;
    this.starting ??= this.start().then(
      (client) => {
        this.client = client;
        return client;
      },
      (err: unknown) => {
        this.starting = undefined;
        throw err;
      },
    );
    return this.starting;
  }

  private async start(): Promise<LanguageClient> {
    const settings = readSettings();
    if (!settings.repository) throw new NotConfiguredError('no repository is configured: run "Lockstep: Initialize Repository" or set lockstep.repository');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      RESTIC_REPOSITORY: settings.repository,
      ...credentialEnvironment(settings.repository, await this.credentials.get(settings.repository)),
      ...this.nextStartEnv,
    };
    this.nextStartEnv = {};
    delete env.RESTIC_PASSWORD;
    delete env.RESTIC_PASSWORD_FILE;
    delete env.RESTIC_PASSWORD_COMMAND;
    const password = await this.passwords.get();
    if (password !== undefined) env.RESTIC_PASSWORD = password;
    else if (settings.passwordFile) env.RESTIC_PASSWORD_FILE = settings.passwordFile;
    if (settings.lockRefreshMs > 0) env.LOCKSTEP_LOCK_REFRESH_MS = String(settings.lockRefreshMs);
    if (settings.lockStaleMs > 0) env.LOCKSTEP_LOCK_STALE_MS = String(settings.lockStaleMs);
    const module = this.context.asAbsolutePath('dist/server.js');
    const client = new LanguageClient(
      'lockstep',
      'Lockstep backend',
      { run: { module, transport: TransportKind.ipc, options: { env } }, debug: { module, transport: TransportKind.ipc, options: { env } } },
      { documentSelector: [], outputChannel: this.log, connectionOptions: { maxRestartCount: 3 } },
    );
    client.onNotification(LockStateNotification.type, (p) => this.lockState.fire(p));
    client.onNotification(LockLostNotification.type, (p) => this.lockLost.fire(p));
    await client.start();
    this.log.info(`backend started for ${settings.repository}`);
    return client;
  }

  dispose(): void {
    void this.stop();
    this.lockState.dispose();
    this.lockLost.dispose();
  }
}
