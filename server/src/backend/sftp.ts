// restic's sftp backend layout (config, keys/, locks/, snapshots/, index/, data/XX/<id>) over one SSH connection
// made with ssh2. The connection is opened on the first call, reused, and opened again when it dropped. Host keys
// are checked against OpenSSH known_hosts files; login is by ssh-agent and private key files. Every call honours
// its AbortSignal even while the server does not answer: the caller is released at once and the request is left
// to finish (or fail) on its own.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { homedir, userInfo } from 'node:os';
import * as path from 'node:path';
import type { AnyAuthMethod, Client, FileEntryWithStats, ParsedKey, SFTPWrapper, Stats } from 'ssh2';
import { abortReason, raceAbort, throwIfAborted } from '../base/abort';
import { LockstepError } from '../base/errors';
import { Backend, describeHandle, listConfig, FileHandle, FileInfo, FileType, isTemporaryPath, LoadRange, NotFoundError, SaveSteps, TemporaryFile } from './backend';
import { algorithmsFor, appendKnownHost, blobKeyType, DEFAULT_HOST_KEY_ALGORITHMS, HostKeyChangedError, hostKeyFingerprint, hostPort, KnownKey, knownHostsName, knownKeysFor, UnknownHostKeyError } from './knownhosts';
import { SftpLocation } from '../../../shared/src/location';
import { RetryPolicy, retryPolicyFromEnv, withRetries } from '../base/retry';

type Ssh2 = typeof import('ssh2');

/** ssh2 from its own bundle next to ours (dist/ssh2.js), or from node_modules when running from source. */
function loadSsh2(): Promise<Ssh2> {
  const bundled = path.join(__dirname, 'ssh2.js');
  // A plain require of a path computed at run time: esbuild leaves it alone.
  if (existsSync(bundled)) return Promise.resolve(require(bundled) as Ssh2);
  return import('ssh2');
}

const DIR_MODE = 0o700;
/** restic's sftp backend leaves its files readable and writable by the owner only. */
const FILE_MODE = 0o600;
const TYPE_DIRS: readonly FileType[] = ['data', 'index', 'keys', 'locks', 'snapshots'];
/**
 * Bytes per READ/WRITE request (at most what the server accepts in one) and how many bytes of one transfer are in
 * flight at once. OpenSSH gives a channel a 2 MiB window; keeping 1 MiB in flight keeps the pipe full without ever
 * exhausting the window, which on loopback costs stalls of up to a second (measured: 8 MiB saves taking 0.8 s).
 */
const CHUNK = 128 * 1024;
const IN_FLIGHT_BYTES = 1024 * 1024;
/** How many directory requests (mkdir, readdir) one call keeps in flight. */
const DIR_IN_FLIGHT = 16;
const CONNECT_TIMEOUT_MS = 20_000;
const KEEPALIVE_MS = 15_000;

// SFTP status codes (draft-ietf-secsh-filexfer-02).
const STATUS_NO_SUCH_FILE = 2;
const STATUS_PERMISSION_DENIED = 3;

// ---------------------------------------------------------------------------------------------------------------
// Errors

/** The server could not be reached or the connection broke: worth another try. */
class SftpConnectionError extends LockstepError {}

function isTransient(err: unknown): boolean {
  return err instanceof SftpConnectionError;
}

function sftpStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function errnoReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  switch (e?.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'the connection was reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ETIMEDOUT':
      return 'the connection timed out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to the host';
  }
  return e?.message ?? String(err);
}

// ---------------------------------------------------------------------------------------------------------------
// One connection

type Callback<T> = (err: Error | undefined | null, result?: T) => void;

/** One SSH connection with its SFTP channel. Requests fail at once with the reason when the connection is lost. */
class Session {
  private lostError?: SftpConnectionError;
  private readonly pending = new Set<(err: Error) => void>();
  readonly posixRename: boolean;
  readonly fsync: boolean;
  /** Bytes per WRITE / READ request: CHUNK, or less when the server's limits (limits@openssh.com) are lower. */
  readonly writeChunk: number;
  readonly readChunk: number;

  constructor(
    readonly client: Client,
    readonly sftp: SFTPWrapper,
    readonly socket: Socket,
    private readonly describe: string,
  ) {
    // ssh2 keeps what the server announced (extensions, and the limits it asked for) in these fields.
    const internals = sftp as unknown as { _extensions?: Record<string, string>; _maxWriteLen?: unknown; _maxReadLen?: unknown };
    const extensions = internals._extensions ?? {};
    this.posixRename = extensions['posix-rename@openssh.com'] === '1';
    this.fsync = extensions['fsync@openssh.com'] === '1';
    const limit = (value: unknown): number => (typeof value === 'number' && value >= 1024 ? Math.min(CHUNK, value) : CHUNK);
    this.writeChunk = limit(internals._maxWriteLen);
    this.readChunk = limit(internals._maxReadLen);
  }

  get alive(): boolean {
    return this.lostError === undefined;
  }

  lost(reason: string): void {
    if (this.lostError) return;
    this.lostError = new SftpConnectionError(`the SFTP connection to ${this.describe} was lost: ${reason}`);
    for (const fail of [...this.pending]) fail(this.lostError);
    this.socket.destroy();
  }

  /** One SFTP request. Status errors keep their numeric `code`; anything else means the connection broke. */
  req<T = void>(send: (cb: Callback<T>) => void): Promise<T> {
    if (this.lostError) return Promise.reject(this.lostError);
    return new Promise<T>((resolve, reject) => {
      const fail = (err: Error): void => {
        this.pending.delete(fail);
        reject(err);
      };
      this.pending.add(fail);
      try {
        send((err, result) => {
          if (!this.pending.delete(fail)) return;
          if (!err) resolve(result as T);
          else if (sftpStatus(err) !== undefined) reject(err);
          else {
            this.lost(err.message);
            reject(this.lostError!);
          }
        });
      } catch (err) {
        this.pending.delete(fail);
        reject(err);
      }
    });
  }

  end(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      const timer = setTimeout(() => this.socket.destroy(), 500);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.lostError ??= new SftpConnectionError(`the SFTP connection to ${this.describe} was closed`);
      try {
        this.client.end();
      } catch {
        this.socket.destroy();
      }
    });
  }
}

/** Runs `task(i)` for i in [0, count) with at most `limit` at once; stops starting new ones after a failure. */
async function pool(count: number, limit: number, task: (i: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < count) {
      throwIfAborted(signal);
      const i = next++;
      try {
        await task(i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const workers = Array.from({ length: Math.min(limit, count) }, worker);
  const results = await Promise.allSettled(workers);
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}

// ---------------------------------------------------------------------------------------------------------------
// The backend

interface AuthPlan {
  methods: AnyAuthMethod[];
  /** What was tried, for the failure message. */
  tried: string[];
}

export class SftpBackend implements Backend {
  readonly location: string;
  private readonly host: string;
  private readonly port: number;
  private readonly user: string;
  private readonly base: string;
  private readonly hostPortText: string;
  private readonly retry: RetryPolicy;
  private session?: Session;
  private connecting?: Promise<Session>;
  private readonly sockets = new Set<Socket>();
  private closed = false;

  constructor(
    readonly where: SftpLocation,
    readonly env: NodeJS.ProcessEnv,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    this.host = where.host;
    this.port = where.port ?? 22;
    this.user = where.user ?? env.USER ?? env.LOGNAME ?? safeUserName();
    const bracketed = where.host.includes(':') ? `[${where.host}]` : where.host;
    const userPart = where.user !== undefined ? `${where.user}@` : '';
    this.location = where.port === undefined ? `sftp:${userPart}${bracketed}:${where.path}` : `sftp://${userPart}${bracketed}:${where.port}/${where.path}`;
    this.base = where.path.length > 1 ? where.path.replace(/\/+$/, '') : where.path;
    this.hostPortText = hostPort(this.host, this.port);
    this.retry = retryPolicyFromEnv(env);
  }

  // ----- paths

  private join(...parts: string[]): string {
    return [this.base, ...parts].join('/').replace(/\/{2,}/g, '/');
  }

  private filePath(handle: FileHandle): string {
    if (handle.type === 'config') return this.join('config');
    if (handle.type === 'data') return this.join('data', handle.name.slice(0, 2), handle.name);
    return this.join(handle.type, handle.name);
  }

  private home(): string {
    return this.env.HOME || homedir();
  }

  private knownHostsFile(): string {
    return this.env.LOCKSTEP_SFTP_KNOWN_HOSTS || path.join(this.home(), '.ssh', 'known_hosts');
  }

  private tildify(file: string): string {
    const home = this.home();
    return file.startsWith(`${home}/`) ? `~${file.slice(home.length)}` : file;
  }

  // ----- connecting

  private authPlan(parseKey: typeof import('ssh2').utils.parseKey): AuthPlan {
    const methods: AnyAuthMethod[] = [];
    const tried: string[] = [];
    const username = this.user;
    const addKey = (file: string, explicit: boolean): void => {
      let text: Buffer;
      try {
        text = readFileSync(file);
      } catch (err) {
        if (explicit) tried.push(`key file ${file} (unreadable: ${(err as NodeJS.ErrnoException).code ?? String(err)})`);
        return;
      }
      const parsed = parseKey(text);
      if (parsed instanceof Error) {
        const encrypted = /encrypted|passphrase/i.test(parsed.message);
        tried.push(`key file ${file} (${encrypted ? 'skipped: it is passphrase-protected; load it into ssh-agent' : `not a usable private key: ${parsed.message}`})`);
        return;
      }
      const key: ParsedKey = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
      methods.push({ type: 'publickey', username, key });
      tried.push(`key file ${file}`);
    };
    const identity = this.env.LOCKSTEP_SFTP_IDENTITY;
    const explicitKeys = identity ? identity.split(':').filter((f) => f !== '') : [];
    for (const file of explicitKeys) addKey(file, true);
    const agent = this.env.SSH_AUTH_SOCK;
    if (agent) {
      methods.push({ type: 'agent', username, agent });
      tried.push(`ssh-agent at ${agent}`);
    }
    if (explicitKeys.length === 0) {
      for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
        const file = path.join(this.home(), '.ssh', name);
        if (existsSync(file)) addKey(file, false);
      }
    }
    return { methods, tried };
  }

  /** Host key check against known_hosts; returns an error to fail the handshake with, or undefined to go on. */
  private checkHostKey(blob: Buffer): LockstepError | undefined {
    const keyType = blobKeyType(blob);
    const fingerprint = hostKeyFingerprint(blob);
    const file = this.knownHostsFile();
    const name = knownHostsName(this.host, this.port);
    const known = this.knownKeys(name);
    if (known.some((k) => k.marker === '@revoked' && k.key.equals(blob))) {
      return new HostKeyChangedError(this.host, this.port, keyType, fingerprint, this.tildify(file), true);
    }
    const forHost = known.filter((k) => k.marker === undefined);
    if (forHost.some((k) => k.keyType === keyType && k.key.equals(blob))) return undefined;
    if (forHost.length > 0) return new HostKeyChangedError(this.host, this.port, keyType, fingerprint, this.tildify(file));
    const accept = this.env.LOCKSTEP_SFTP_ACCEPT_HOST_KEY?.trim();
    if (accept && accept === fingerprint) {
      try {
        appendKnownHost(file, this.host, this.port, keyType, blob.toString('base64'));
      } catch (err) {
        return new LockstepError(`cannot add the SFTP server ${this.hostPortText} to ${file}: ${errnoReason(err)}`);
      }
      return undefined;
    }
    return new UnknownHostKeyError(this.host, this.port, keyType, fingerprint, blob.toString('base64'), file, this.tildify(file));
  }

  private knownKeys(name: string): KnownKey[] {
    const keys: KnownKey[] = [];
    for (const file of [this.knownHostsFile(), '/etc/ssh/ssh_known_hosts']) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      keys.push(...knownKeysFor(text, name));
    }
    return keys;
  }

  /** Host key algorithms with the ones known_hosts holds for this server first, as OpenSSH orders them. */
  private hostKeyAlgorithms(): string[] {
    const preferred = [...new Set(this.knownKeys(knownHostsName(this.host, this.port)).filter((k) => !k.marker).flatMap((k) => algorithmsFor(k.keyType)))];
    return [...preferred.filter((a) => DEFAULT_HOST_KEY_ALGORITHMS.includes(a)), ...DEFAULT_HOST_KEY_ALGORITHMS.filter((a) => !preferred.includes(a))];
  }

  private getSession(): Promise<Session> {
    if (this.closed) return Promise.reject(new LockstepError(`the SFTP backend for ${this.location} is closed`));
    if (this.session?.alive) return Promise.resolve(this.session);
    this.session = undefined;
    this.connecting ??= this.connect()
      .then((session) => {
        if (this.closed) {
          void session.end();
          throw new LockstepError(`the SFTP backend for ${this.location} is closed`);
        }
        this.session = session;
        return session;
      })
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  private async connect(): Promise<Session> {
    // ssh2 is loaded on the first connection: commands on other repositories should not pay for it at start-up.
    const ssh2 = await loadSsh2();
    const socket = await this.openSocket();
    const plan = this.authPlan(ssh2.utils.parseKey);
    if (plan.methods.length === 0) {
      socket.destroy();
      throw new LockstepError(
        `SFTP authentication as ${this.user} on ${this.hostPortText} failed: no way to log in (no ssh-agent: SSH_AUTH_SOCK is not set; ` +
          `no key file: set LOCKSTEP_SFTP_IDENTITY or create ~/.ssh/id_ed25519)${plan.tried.length ? `; ${plan.tried.join(', ')}` : ''}`,
      );
    }
    return new Promise<Session>((resolve, reject) => {
      const client: Client = new ssh2.Client();
      let hostKeyError: LockstepError | undefined;
      let lastError: (Error & { level?: string }) | undefined;
      const agentNotes: string[] = [];
      let session: Session | undefined;
      let settled = false;
      const fail = (err: Error): void => {
        if (settled) return;
        settled = true;
        socket.destroy();
        reject(err);
      };
      const methods = [...plan.methods];
      client.on('error', (err: Error & { level?: string }) => {
        if (session) {
          session.lost(err.level === 'client-timeout' ? 'the server stopped answering (keepalive timeout)' : errnoReason(err));
          return;
        }
        if (err.level === 'agent') {
          agentNotes.push(err.message);
          return;
        }
        lastError = err;
        socket.destroy();
      });
      client.on('close', () => {
        if (session) {
          session.lost('the server closed the connection');
          return;
        }
        fail(this.connectError(hostKeyError, lastError, plan, agentNotes));
      });
      client.on('ready', () => {
        client.sftp((err, sftp) => {
          if (err) {
            fail(new LockstepError(`the SSH server ${this.hostPortText} refused to start SFTP: ${err.message}`));
            client.end();
            return;
          }
          const opened = new Session(client, sftp, socket, this.hostPortText);
          sftp.on('close', () => opened.lost('the server ended the SFTP session'));
          session = opened;
          settled = true;
          resolve(opened);
        });
      });
      try {
        client.connect({
          sock: socket,
          username: this.user,
          readyTimeout: CONNECT_TIMEOUT_MS,
          keepaliveInterval: KEEPALIVE_MS,
          keepaliveCountMax: 3,
          algorithms: { serverHostKey: this.hostKeyAlgorithms() as never },
          hostVerifier: (key: Buffer) => {
            hostKeyError = this.checkHostKey(key);
            return hostKeyError === undefined;
          },
          authHandler: (_left, _partial, next) => {
            const method = methods.shift();
            next(method ?? (false as never));
          },
        });
      } catch (err) {
        fail(new LockstepError(`cannot reach the SFTP server ${this.hostPortText}: ${errnoReason(err)}`));
      }
    });
  }

  private connectError(hostKeyError: LockstepError | undefined, err: (Error & { level?: string }) | undefined, plan: AuthPlan, agentNotes: string[]): Error {
    if (hostKeyError) return hostKeyError;
    if (err?.level === 'client-authentication') {
      const notes = agentNotes.length ? `; ssh-agent: ${agentNotes.join('; ')}` : '';
      return new LockstepError(`SFTP authentication as ${this.user} on ${this.hostPortText} failed (tried: ${plan.tried.join(', ')})${notes}`);
    }
    if (err?.level === 'client-timeout') return new SftpConnectionError(`cannot reach the SFTP server ${this.hostPortText}: no SSH handshake within ${CONNECT_TIMEOUT_MS / 1000} s`);
    if (err) return new SftpConnectionError(`cannot reach the SFTP server ${this.hostPortText}: ${errnoReason(err)}`);
    return new SftpConnectionError(`cannot reach the SFTP server ${this.hostPortText}: the server closed the connection during the SSH handshake`);
  }

  /** A TCP connection the backend owns, so close() can always tear it down, even while the server hangs. */
  private openSocket(): Promise<Socket> {
    return new Promise<Socket>((resolve, reject) => {
      // node:net is loaded here, for SFTP repositories only (start-up loads as few of Node's modules as it can).
      const socket = (require('node:net') as typeof import('node:net')).connect({ host: this.host, port: this.port });
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new SftpConnectionError(`cannot reach the SFTP server ${this.hostPortText}: the connection timed out`));
      }, CONNECT_TIMEOUT_MS);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.setNoDelay(true);
        resolve(socket);
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new SftpConnectionError(`cannot reach the SFTP server ${this.hostPortText}: ${errnoReason(err)}`));
      });
    });
  }

  /**
   * Runs `op` on a live session: connects when needed, tries again (new connection) while the connection fails
   * within the retry budget, and releases the caller at once when `signal` aborts.
   */
  private async run<T>(what: string, signal: AbortSignal | undefined, op: (s: Session) => Promise<T>): Promise<T> {
    throwIfAborted(signal);
    try {
      return await withRetries(this.retry, isTransient, () => raceAbort(signal, this.getSession().then(op)), signal, (err, delay) =>
        this.log(`${what}: ${err instanceof Error ? err.message : String(err)}; trying again in ${delay} ms`),
      );
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      throw this.describeError(what, err);
    }
  }

  private describeError(what: string, err: unknown): unknown {
    if (err instanceof LockstepError || err instanceof NotFoundError) return err;
    const status = sftpStatus(err);
    if (status === STATUS_PERMISSION_DENIED) return new LockstepError(`${what} on the SFTP server ${this.hostPortText} failed: permission denied`);
    if (status !== undefined) return new LockstepError(`${what} on the SFTP server ${this.hostPortText} failed: ${(err as Error).message}`);
    return new LockstepError(`${what} on the SFTP server ${this.hostPortText} failed: ${err instanceof Error ? err.message : String(err)}`);
  }

  // ----- SFTP primitives

  private statPath(s: Session, p: string): Promise<Stats | undefined> {
    return s.req<Stats>((cb) => s.sftp.stat(p, cb)).catch((err: unknown) => {
      if (sftpStatus(err) === STATUS_NO_SUCH_FILE) return undefined;
      throw err;
    });
  }

  /** mkdir that is happy when the folder is already there. */
  private async mkdir(s: Session, p: string): Promise<void> {
    try {
      await s.req((cb) => s.sftp.mkdir(p, { mode: DIR_MODE }, cb));
    } catch (err) {
      // SFTP v3 has no "exists" status: OpenSSH answers a generic failure; look before deciding.
      if (sftpStatus(err) === undefined) throw err;
      const st = await this.statPath(s, p);
      if (st?.isDirectory()) return;
      throw err;
    }
  }

  /** mkdir -p */
  private async mkdirAll(s: Session, dir: string): Promise<void> {
    const st = await this.statPath(s, dir);
    if (st?.isDirectory()) return;
    const parent = path.posix.dirname(dir);
    if (parent !== dir && parent !== '.' && parent !== '/') await this.mkdirAll(s, parent);
    await this.mkdir(s, dir);
  }

  private closeHandle(s: Session, fh: Buffer): Promise<void> {
    return s.req((cb) => s.sftp.close(fh, cb));
  }

  // ----- Backend

  async create(signal?: AbortSignal): Promise<void> {
    await this.run(`creating the repository ${this.location}`, signal, async (s) => {
      if (await this.statPath(s, this.join('config'))) throw new LockstepError(`repository at ${this.location} already exists (config file found)`);
      await this.mkdirAll(s, this.base);
      await Promise.all(TYPE_DIRS.map((t) => this.mkdir(s, this.join(t))));
      const fanOut = Array.from({ length: 256 }, (_, i) => this.join('data', i.toString(16).padStart(2, '0')));
      await pool(fanOut.length, DIR_IN_FLIGHT * 4, (i) => this.mkdir(s, fanOut[i]), signal);
    });
  }

  async save(handle: FileHandle, data: Uint8Array | readonly Uint8Array[], signal?: AbortSignal, steps?: SaveSteps): Promise<void> {
    throwIfAborted(signal);
    const target = this.filePath(handle);
    const parts = (data instanceof Uint8Array ? [data] : [...data]).map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
    await this.run(`saving ${describeHandle(handle)}`, signal, async (s) => {
      const temp = `${target}-tmp-${randomBytes(6).toString('hex')}`;
      const open = (): Promise<Buffer> => s.req<Buffer>((cb) => s.sftp.open(temp, 'wx', { mode: FILE_MODE }, cb));
      await steps?.creating?.();
      let fh: Buffer;
      try {
        fh = await open();
      } catch (err) {
        if (sftpStatus(err) !== STATUS_NO_SUCH_FILE || handle.type !== 'data') throw err;
        // A repository without the fan-out folder (some tools make them lazily): create it on demand.
        await this.mkdirAll(s, path.posix.dirname(target));
        fh = await open();
      }
      const discard = async (): Promise<void> => {
        await this.closeHandle(s, fh).catch(() => undefined);
        await s.req((cb) => s.sftp.unlink(temp, cb)).catch(() => undefined);
      };
      try {
        await steps?.writing?.();
        await this.writeAll(s, fh, parts, signal);
        if (s.fsync) await s.req((cb) => s.sftp.ext_openssh_fsync(fh, cb));
      } catch (err) {
        void discard();
        throw err;
      }
      await this.closeHandle(s, fh);
      try {
        await steps?.landing?.();
        throwIfAborted(signal);
      } catch (err) {
        // Cancelled (or the lock was lost) before the commit point: nothing becomes visible.
        void s.req((cb) => s.sftp.unlink(temp, cb)).catch(() => undefined);
        throw err;
      }
      await this.rename(s, temp, target);
    });
  }

  private async writeAll(s: Session, fh: Buffer, parts: Buffer[], signal?: AbortSignal): Promise<void> {
    const chunk = s.writeChunk;
    const chunks: { buf: Buffer; off: number; len: number; pos: number }[] = [];
    let pos = 0;
    for (const buf of parts) {
      for (let off = 0; off < buf.length; off += chunk) {
        const len = Math.min(chunk, buf.length - off);
        chunks.push({ buf, off, len, pos });
        pos += len;
      }
    }
    await pool(chunks.length, Math.max(1, Math.floor(IN_FLIGHT_BYTES / chunk)), (i) => {
      const c = chunks[i];
      return s.req((cb) => s.sftp.write(fh, c.buf, c.off, c.len, c.pos, cb));
    }, signal);
  }

  private async rename(s: Session, from: string, to: string): Promise<void> {
    if (s.posixRename) {
      await s.req((cb) => s.sftp.ext_openssh_rename(from, to, cb));
      return;
    }
    try {
      await s.req((cb) => s.sftp.rename(from, to, cb));
    } catch (err) {
      // Plain SFTP rename refuses to replace a file. Names are content hashes, so an existing target holds the same
      // bytes (another client saved it first): keep it and drop ours.
      if (sftpStatus(err) === undefined || !(await this.statPath(s, to))) throw err;
      await s.req((cb) => s.sftp.unlink(from, cb)).catch(() => undefined);
    }
  }

  async load(handle: FileHandle, range: LoadRange = {}, signal?: AbortSignal): Promise<Buffer> {
    throwIfAborted(signal);
    const file = this.filePath(handle);
    return this.run(`loading ${describeHandle(handle)}`, signal, async (s) => {
      let fh: Buffer;
      try {
        fh = await s.req<Buffer>((cb) => s.sftp.open(file, 'r', cb));
      } catch (err) {
        if (sftpStatus(err) === STATUS_NO_SUCH_FILE) throw new NotFoundError(describeHandle(handle));
        throw err;
      }
      try {
        const offset = range.offset ?? 0;
        let length = range.length;
        if (length === undefined) {
          const st = await s.req<Stats>((cb) => s.sftp.fstat(fh, cb));
          length = Math.max(0, st.size - offset);
        }
        return await this.readAll(s, fh, offset, length, signal);
      } finally {
        void this.closeHandle(s, fh).catch(() => undefined);
      }
    });
  }

  private async readAll(s: Session, fh: Buffer, offset: number, length: number, signal?: AbortSignal): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length);
    const chunk = s.readChunk;
    const chunkCount = Math.ceil(length / chunk);
    const got = new Array<number>(chunkCount).fill(0);
    await pool(chunkCount, Math.max(1, Math.floor(IN_FLIGHT_BYTES / chunk)), async (i) => {
      const start = i * chunk;
      const want = Math.min(chunk, length - start);
      // A server may answer a READ with fewer bytes than asked for; ask again for the rest until EOF.
      while (got[i] < want) {
        const at = start + got[i];
        const n = await s.req<number>((cb) => s.sftp.read(fh, buf, at, want - got[i], offset + at, (err, bytesRead) => cb(err, bytesRead)));
        if (!n) break;
        got[i] += n;
      }
    }, signal);
    let total = 0;
    for (let i = 0; i < chunkCount; i++) {
      total += got[i];
      if (got[i] < Math.min(chunk, length - i * chunk)) break;
    }
    return total === length ? buf : buf.subarray(0, total);
  }

  async stat(handle: FileHandle, signal?: AbortSignal): Promise<FileInfo> {
    throwIfAborted(signal);
    return this.run(`looking up ${describeHandle(handle)}`, signal, async (s) => {
      const st = await this.statPath(s, this.filePath(handle));
      if (!st) throw new NotFoundError(describeHandle(handle));
      return { name: handle.name, size: st.size };
    });
  }

  async list(type: FileType, signal?: AbortSignal): Promise<FileInfo[]> {
    throwIfAborted(signal);
    if (type === 'config') return listConfig(this, signal);
    return this.run(`listing ${type}/`, signal, async (s) => {
      const readdir = (dir: string) =>
        s.req<FileEntryWithStats[]>((cb) => s.sftp.readdir(dir, cb)).catch((err: unknown) => {
          if (sftpStatus(err) === STATUS_NO_SUCH_FILE) return [];
          throw err;
        });
      const top = this.join(type);
      let folders = [top];
      if (type === 'data') folders = (await readdir(top)).filter((e) => e.attrs.isDirectory()).map((e) => `${top}/${e.filename}`);
      const result: FileInfo[] = [];
      await pool(folders.length, DIR_IN_FLIGHT, async (i) => {
        for (const entry of await readdir(folders[i])) {
          if (!entry.attrs.isFile() || entry.filename.includes('-tmp-')) continue;
          result.push({ name: entry.filename, size: entry.attrs.size });
        }
      }, signal);
      return result;
    });
  }

  async listTemporary(signal?: AbortSignal): Promise<TemporaryFile[]> {
    throwIfAborted(signal);
    return this.run('listing temporary files', signal, async (s) => {
      const readdir = (dir: string) =>
        s.req<FileEntryWithStats[]>((cb) => s.sftp.readdir(this.join(dir), cb)).catch((err: unknown) => {
          if (sftpStatus(err) === STATUS_NO_SUCH_FILE) return [];
          throw err;
        });
      const dataFolders = (await readdir('data')).filter((e) => e.attrs.isDirectory()).map((e) => `data/${e.filename}`);
      const folders = ['', 'index', 'keys', 'locks', 'snapshots', ...dataFolders];
      const found: TemporaryFile[] = [];
      await pool(folders.length, DIR_IN_FLIGHT, async (i) => {
        for (const entry of await readdir(folders[i])) {
          const relative = folders[i] === '' ? entry.filename : `${folders[i]}/${entry.filename}`;
          if (entry.attrs.isFile() && isTemporaryPath(relative)) found.push({ path: relative, size: entry.attrs.size, mtimeMs: entry.attrs.mtime * 1000 });
        }
      }, signal);
      return found;
    });
  }

  async removeTemporary(relative: string, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    if (!isTemporaryPath(relative)) throw new LockstepError(`refusing to remove ${JSON.stringify(relative)}: not a temporary file of the repository`);
    await this.run(`removing ${relative}`, signal, async (s) => {
      try {
        await s.req((cb) => s.sftp.unlink(this.join(relative), cb));
      } catch (err) {
        if (sftpStatus(err) !== STATUS_NO_SUCH_FILE) throw err;
      }
    });
  }

  async remove(handle: FileHandle, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    const file = this.filePath(handle);
    await this.run(`removing ${describeHandle(handle)}`, signal, async (s) => {
      try {
        await s.req((cb) => s.sftp.unlink(file, cb));
      } catch (err) {
        if (sftpStatus(err) !== STATUS_NO_SUCH_FILE) throw err;
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const session = this.session;
    this.session = undefined;
    if (session) await session.end();
    for (const socket of this.sockets) socket.destroy();
  }
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'root';
  }
}
