// Starts the backend process (dist/server.js) with vscode-languageclient, with the repository and password in
// its environment, and restarts it when either changes. Everything that touches a repository happens there.
import * as vscode from 'vscode';
import { CancellationToken, CloseAction, ErrorAction, ErrorHandler, LanguageClient, RequestType, ResponseError, State, TransportKind, WorkDoneProgress } from 'vscode-languageclient/node';
import {
  BackupRequest,
  ForgetRequest,
  InitRequest,
  LockLostNotification,
  LockLostParams,
  LockStateNotification,
  LockStateParams,
  LockstepErrorCodes,
  PruneRequest,
  RestoreRequest,
  UnlockRequest,
} from '../../shared/src/protocol';
import { BACKEND_EXEC_ARGV, backendMemoryEnv } from './backendMemory';
import { BackendTrouble } from './statusBar';
import { credentialEnvironment, CredentialStore } from './credentials';
import { PasswordStore } from './secrets';
import { readSettings } from './settings';

export class NotConfiguredError extends Error {}

/** Requests after which the repository's snapshots or locks may have changed (the views refresh). */
const CHANGING = new Set<string>([BackupRequest.type.method, ForgetRequest.type.method, PruneRequest.type.method, UnlockRequest.type.method, InitRequest.type.method, RestoreRequest.type.method]);

/** Crashes within this window count towards giving up; each restart waits twice as long as the one before. */
const CRASH_WINDOW_MS = 3 * 60_000;
const MAX_RESTARTS = 3;
const FIRST_BACKOFF_MS = 1000;

/** The log, as the backend's output channel: what it writes there is also scanned for its last error line. */
function recordingChannel(log: vscode.LogOutputChannel, onError: (line: string) => void): vscode.LogOutputChannel {
  const note = (text: unknown): void => {
    const lines = String(text instanceof Error ? text.message : text)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /error|fatal|exception/i.test(l) && !l.startsWith('at '));
    if (lines.length > 0) onError(lines[0]);
  };
  const noted = new Set<string | symbol>(['append', 'appendLine', 'error']);
  return new Proxy(log, {
    get(target, prop) {
      if (prop === 'dispose') return () => undefined;
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (noted.has(prop)) note(args[0]);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

export class BackendClient implements vscode.Disposable {
  private client?: LanguageClient;
  private starting?: Promise<LanguageClient>;
  private readonly lockState = new vscode.EventEmitter<LockStateParams>();
  private readonly lockLost = new vscode.EventEmitter<LockLostParams>();
  readonly onLockState = this.lockState.event;
  readonly onLockLost = this.lockLost.event;
  private readonly finished = new vscode.EventEmitter<void>();
  /** A request that may have changed the snapshots or locks ended (well or not). */
  readonly onDidFinishOperation = this.finished.event;
  private readonly trouble = new vscode.EventEmitter<BackendTrouble | undefined>();
  /** The backend process crashed or is restarting (undefined: it runs again). */
  readonly onTrouble = this.trouble.event;
  private currentTrouble?: BackendTrouble;
  private lastError?: string;
  private crashes: number[] = [];
  /** Set while this client stops the process itself: that is no crash. */
  private stopping = false;
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

  /** The user's Restart after a crash: a fresh process now, and a fresh count of crashes. */
  async restartNow(): Promise<void> {
    await this.stop();
    this.crashes = [];
    this.setTrouble(undefined);
    if (this.configured()) await this.ensureStarted();
  }

  get inTrouble(): boolean {
    return this.currentTrouble !== undefined;
  }

  async stop(): Promise<void> {
    const running = this.client ?? (await this.starting?.catch(() => undefined));
    this.client = undefined;
    this.starting = undefined;
    this.stopping = true;
    try {
      if (running && running.state !== State.Stopped) await running.stop().catch((err: unknown) => this.log.warn(`stopping the backend: ${String(err)}`));
    } finally {
      this.stopping = false;
    }
  }

  private setTrouble(trouble: BackendTrouble | undefined): void {
    this.currentTrouble = trouble;
    this.trouble.fire(trouble);
  }

  /** Restarts a crashed process after a growing pause; after MAX_RESTARTS crashes in CRASH_WINDOW_MS, gives up. */
  private errorHandler(): ErrorHandler {
    return {
      error: (error, _message, count) => {
        this.lastError = error.message;
        return { action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
      },
      closed: async () => {
        if (this.stopping) return { action: CloseAction.DoNotRestart, handled: true };
        const now = Date.now();
        this.crashes = [...this.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
        const lastError = this.lastError ?? 'the backend process exited unexpectedly';
        this.log.error(`backend stopped (${this.crashes.length} in the last 3 minutes): ${lastError}`);
        if (this.crashes.length > MAX_RESTARTS) {
          this.client = undefined;
          this.starting = undefined;
          this.setTrouble({ state: 'stopped', lastError });
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        this.setTrouble({ state: 'restarting', lastError });
        await new Promise((r) => setTimeout(r, FIRST_BACKOFF_MS * 2 ** (this.crashes.length - 1)));
        return { action: CloseAction.Restart, handled: true };
      },
    };
  }

  /** Sends a request, with the notification-area progress as its work-done progress when `progress` is given. */
  async request<P extends object, R>(
    type: RequestType<P, R, void>,
    params: P,
    token?: CancellationToken,
    progress?: vscode.Progress<{ message?: string }>,
  ): Promise<R> {
    const client = await this.ensureStarted();
    try {
      // RequestParam<P> is a conditional type TypeScript cannot resolve for a generic P; P is the request's params.
      if (!progress) return await client.sendRequest(type, params as never, token);
      const workDoneToken = `lockstep-${process.pid}-${this.nextProgress++}`;
      const listener = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
        if (value.kind !== 'end' && value.message) progress.report({ message: value.message });
      });
      try {
        return await client.sendRequest(type, { ...params, workDoneToken } as never, token);
      } finally {
        listener.dispose();
      }
    } catch (err) {
      throw this.stoppedWhileRunning(type.method, client, err);
    } finally {
      if (CHANGING.has(type.method)) this.finished.fire();
    }
  }

  /** A request the process never answered because it died: said so, instead of "connection got disposed". */
  private stoppedWhileRunning(method: string, client: LanguageClient, err: unknown): unknown {
    const ours = err instanceof ResponseError && (Object.values(LockstepErrorCodes) as number[]).includes(err.code);
    if (ours || this.stopping || (client.state === State.Running && !this.currentTrouble && !/disposed|closed|not running/i.test(String(err)))) return err;
    const what = method.replace(/^lockstep\//, '');
    return new Error(`the backend process stopped while ${what} was running${this.lastError ? ` (${this.lastError})` : ''}; ${what} did not finish. Run it again once the backend is back.`);
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
      ...backendMemoryEnv(),
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
      { run: { module, transport: TransportKind.ipc, options: { env, execArgv: [...BACKEND_EXEC_ARGV] } }, debug: { module, transport: TransportKind.ipc, options: { env, execArgv: [...BACKEND_EXEC_ARGV] } } },
      { documentSelector: [], outputChannel: recordingChannel(this.log, (line) => (this.lastError = line)), errorHandler: this.errorHandler() },
    );
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) {
        if (this.currentTrouble) this.log.info('backend running again');
        this.setTrouble(undefined);
      } else if (e.oldState === State.Running && !this.stopping && !this.currentTrouble) this.setTrouble({ state: 'restarting', lastError: this.lastError });
    });
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
    this.finished.dispose();
    this.trouble.dispose();
  }
}
