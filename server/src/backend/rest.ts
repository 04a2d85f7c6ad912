// restic's REST backend protocol (v2, v1 listings understood): rest-server, `rclone serve restic` and the like.
// Node's fetch keeps connections alive; transient failures are retried with backoff; every call takes its signal.
import { abortReason, throwIfAborted } from '../base/abort';
import { LockstepError } from '../base/errors';
import { Backend, describeHandle, listConfig, FileHandle, FileInfo, FileType, LoadRange, NotFoundError, SaveSteps } from './backend';
import { RestLocation } from '../../../shared/src/location';
import { RetryPolicy, retryPolicyFromEnv, withRetries } from '../base/retry';

const V2 = 'application/vnd.x.restic.rest.v2';

/** An HTTP answer the caller did not expect; 5xx, 408 and 429 are worth another try. */
class HttpStatusError extends LockstepError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Node's codes for a server certificate that could not be verified: asking again gets the same answer. */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function causeOf(err: unknown): { code?: string; message?: string } | undefined {
  return err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
}

function isTransient(err: unknown): boolean {
  if (err instanceof HttpStatusError) return err.status >= 500 || err.status === 408 || err.status === 429;
  if (err instanceof LockstepError) return false;
  // fetch's network failures: TypeError('fetch failed') with a cause such as ECONNREFUSED or ECONNRESET.
  return err instanceof TypeError && !CERTIFICATE_CODES.has(causeOf(err)?.code ?? '');
}

function networkReason(err: unknown): string {
  const cause = causeOf(err);
  const code = cause?.code;
  if (code && CERTIFICATE_CODES.has(code)) {
    return `its certificate is not trusted (${cause?.message ?? code}); for a certificate of your own CA, give the CA's PEM file in NODE_EXTRA_CA_CERTS`;
  }
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection was reset';
  if (code === 'ENOTFOUND') return 'host not found';
  return cause?.message ?? (err instanceof Error ? err.message : String(err));
}

export class RestBackend implements Backend {
  readonly location: string;
  private readonly authorization?: string;
  private readonly retry: RetryPolicy;

  constructor(
    private readonly where: RestLocation,
    env: NodeJS.ProcessEnv = process.env,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    this.location = `rest:${where.url}`;
    if (where.username !== undefined) {
      this.authorization = `Basic ${Buffer.from(`${where.username}:${where.password ?? ''}`).toString('base64')}`;
    }
    this.retry = retryPolicyFromEnv(env);
  }

  private url(handle: FileHandle | { type: FileType; name: '' }): string {
    if (handle.type === 'config') return `${this.where.url}config`;
    return `${this.where.url}${handle.type}/${handle.name}`;
  }

  /** One HTTP exchange, retried while it fails transiently; `accept` says which statuses are an answer. */
  private async request(
    what: string,
    url: string,
    init: { method: string; headers?: Record<string, string>; body?: Buffer },
    accept: (status: number) => boolean,
    signal?: AbortSignal,
    /** Awaited before each try: a save's landing step. */
    beforeTry?: () => Promise<void>,
  ): Promise<Response> {
    const headers: Record<string, string> = { Accept: V2, ...init.headers };
    if (this.authorization) headers.Authorization = this.authorization;
    return withRetries(
      this.retry,
      isTransient,
      async () => {
        await beforeTry?.();
        let response: Response;
        try {
          response = await fetch(url, { method: init.method, headers, body: init.body, signal });
        } catch (err) {
          if (signal?.aborted) throw abortReason(signal);
          throw new TypeError(`cannot reach the REST server ${this.where.url}: ${networkReason(err)}`, { cause: err instanceof Error ? err.cause : undefined });
        }
        if (accept(response.status)) return response;
        const text = (await response.text().catch(() => '')).trim().slice(0, 200);
        throw new HttpStatusError(response.status, this.describeStatus(what, response.status, text));
      },
      signal,
      (err, delay) => this.log(`${what}: ${err instanceof Error ? err.message : String(err)}; trying again in ${delay} ms`),
    ).catch((err: unknown) => {
      if (err instanceof TypeError) throw new LockstepError(err.message);
      throw err;
    });
  }

  private describeStatus(what: string, status: number, text: string): string {
    const detail = text ? `: ${text}` : '';
    if (status === 401) return `the REST server ${this.where.url} refused the credentials (HTTP 401) for ${what}`;
    if (status === 403) return `the REST server ${this.where.url} forbids ${what} (HTTP 403; an append-only server?)${detail}`;
    return `${what} on the REST server ${this.where.url} failed with HTTP ${status}${detail}`;
  }

  async create(signal?: AbortSignal): Promise<void> {
    const head = await this.request('checking for a config', this.url({ type: 'config', name: '' }), { method: 'HEAD' }, (s) => s === 200 || s === 404, signal);
    if (head.status === 200) throw new LockstepError(`repository at ${this.location} already exists (config file found)`);
    await this.request('creating the repository', `${this.where.url}?create=true`, { method: 'POST' }, (s) => s === 200, signal);
  }

  async save(handle: FileHandle, data: Uint8Array | readonly Uint8Array[], signal?: AbortSignal, steps?: SaveSteps): Promise<void> {
    throwIfAborted(signal);
    const body = Buffer.concat(data instanceof Uint8Array ? [data] : [...data]);
    // One POST both writes and lands the file.
    await steps?.creating?.();
    await steps?.writing?.();
    const response = await this.request(
      `saving ${describeHandle(handle)}`,
      this.url(handle),
      { method: 'POST', headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(body.length) }, body },
      (s) => s === 200,
      signal,
      steps?.landing,
    );
    await response.body?.cancel();
  }

  async load(handle: FileHandle, range: LoadRange = {}, signal?: AbortSignal): Promise<Buffer> {
    const offset = range.offset ?? 0;
    const headers: Record<string, string> = {};
    if (range.length === 0) return Buffer.alloc(0);
    if (offset > 0 || range.length !== undefined) {
      headers.Range = range.length === undefined ? `bytes=${offset}-` : `bytes=${offset}-${offset + range.length - 1}`;
    }
    const what = `loading ${describeHandle(handle)}`;
    const response = await this.request(what, this.url(handle), { method: 'GET', headers }, (s) => s === 200 || s === 206 || s === 404, signal);
    if (response.status === 404) {
      await response.body?.cancel();
      throw new NotFoundError(describeHandle(handle));
    }
    let body: Buffer;
    try {
      body = Buffer.from(await response.arrayBuffer());
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      throw new LockstepError(`${what} from the REST server ${this.where.url} broke off: ${networkReason(err)}`);
    }
    // A server that ignores Range answers 200 with the whole file.
    if (response.status === 200 && headers.Range) body = body.subarray(offset, range.length === undefined ? undefined : offset + range.length);
    if (range.length !== undefined && body.length !== range.length) {
      throw new LockstepError(`${what}: the REST server returned ${body.length} bytes instead of ${range.length}`);
    }
    return body;
  }

  async stat(handle: FileHandle, signal?: AbortSignal): Promise<FileInfo> {
    const response = await this.request(`looking up ${describeHandle(handle)}`, this.url(handle), { method: 'HEAD' }, (s) => s === 200 || s === 404, signal);
    if (response.status === 404) throw new NotFoundError(describeHandle(handle));
    const size = Number(response.headers.get('content-length'));
    if (!Number.isSafeInteger(size) || size < 0) throw new LockstepError(`the REST server gave no size for ${describeHandle(handle)}`);
    return { name: handle.name, size };
  }

  async list(type: FileType, signal?: AbortSignal): Promise<FileInfo[]> {
    if (type === 'config') return listConfig(this, signal);
    const what = `listing ${type}/`;
    const response = await this.request(what, `${this.where.url}${type}/`, { method: 'GET' }, (s) => s === 200 || s === 404, signal);
    if (response.status === 404) {
      await response.body?.cancel();
      return [];
    }
    let parsed: unknown;
    try {
      parsed = await response.json();
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      throw new LockstepError(`${what}: the REST server's answer is not JSON`);
    }
    if (!Array.isArray(parsed)) throw new LockstepError(`${what}: the REST server's answer is not a list`);
    if (response.headers.get('content-type')?.startsWith(V2)) {
      return parsed.map((entry: unknown) => {
        const e = entry as { name?: unknown; size?: unknown };
        if (typeof e?.name !== 'string' || typeof e.size !== 'number') throw new LockstepError(`${what}: the REST server's answer has an entry without name and size`);
        return { name: e.name, size: e.size };
      });
    }
    // Protocol v1: names only; the sizes come from HEAD requests.
    const infos: FileInfo[] = [];
    for (const name of parsed) {
      if (typeof name !== 'string') throw new LockstepError(`${what}: the REST server's answer has an entry that is not a name`);
      infos.push(await this.stat({ type, name }, signal));
    }
    return infos;
  }

  async remove(handle: FileHandle, signal?: AbortSignal): Promise<void> {
    const response = await this.request(`removing ${describeHandle(handle)}`, this.url(handle), { method: 'DELETE' }, (s) => s === 200 || s === 204 || s === 404, signal);
    await response.body?.cancel();
  }

  async close(): Promise<void> {}
}
