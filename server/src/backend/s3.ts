// S3 and S3-compatible object storage, laid out as restic's S3 backend lays it out: `<prefix>/config`,
// `<prefix>/keys/<id>`, `<prefix>/locks/<id>`, `<prefix>/snapshots/<id>`, `<prefix>/index/<id>` and
// `<prefix>/data/<id[0:2]>/<id>` (no leading slash when the prefix is empty).
//
// A PUT is atomic: readers see the whole object or none of it, so files are uploaded in one request from memory.
// Transient failures (5xx, throttling, connection refused or reset, timeouts) are retried with backoff within
// LOCKSTEP_BACKEND_RETRY_MS, as for every remote backend (retry.ts); the SDK's own retries are off so that the
// budget is one and the waiting between attempts ends the moment the operation's signal aborts. Every call also
// rejects as soon as its signal aborts, whatever the SDK is waiting for (a SIGSTOPped server, a body half read).
import type { BucketLocationConstraint, S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import * as path from 'node:path';
import { abortReason, raceAbort, throwIfAborted } from '../base/abort';
import { LockstepError } from '../base/errors';
import { Backend, describeHandle, listConfig, FileHandle, FileInfo, FileType, LoadRange, NotFoundError, SaveSteps } from './backend';
import { S3Location } from '../../../shared/src/location';
import { RetryPolicy, retryPolicyFromEnv, withRetries } from '../base/retry';

type Sdk = typeof import('@aws-sdk/client-s3');

/** The SDK from its own bundle next to ours (dist/s3sdk.js), or from node_modules when running from source. */
function loadSdk(): Promise<Sdk> {
  const bundled = path.join(__dirname, 's3sdk.js');
  // A plain require of a path computed at run time: esbuild leaves it alone, so the SDK is parsed only when an
  // S3 repository is opened (it would otherwise double the start-up time of every command).
  if (existsSync(bundled)) return Promise.resolve(require(bundled) as Sdk);
  return import('@aws-sdk/client-s3');
}

export type BucketLookup = 'auto' | 'dns' | 'path';

export function bucketLookupFromEnv(env: NodeJS.ProcessEnv): BucketLookup {
  const lookup = env.LOCKSTEP_S3_BUCKET_LOOKUP || 'auto';
  if (lookup !== 'auto' && lookup !== 'dns' && lookup !== 'path') throw new LockstepError(`LOCKSTEP_S3_BUCKET_LOOKUP must be auto, dns or path, not "${lookup}"`);
  return lookup;
}

/**
 * restic's `-o s3.bucket-lookup`: `dns` asks for `bucket.host/key` (virtual-host style), `path` for
 * `host/bucket/key`. `auto` uses virtual-host style only where the service is known to serve it (AWS, Google
 * Cloud Storage) and path style everywhere else (MinIO, Ceph, s3rver, an IP address or a host with a port),
 * and path style for a bucket name with dots over https, which a `*.host` certificate would not cover.
 */
export function usePathStyle(endpoint: string, lookup: BucketLookup, bucket = ''): boolean {
  if (lookup !== 'auto') return lookup === 'path';
  const url = new URL(endpoint);
  if (url.protocol === 'https:' && bucket.includes('.')) return true;
  return !/(^|\.)(amazonaws\.com(\.cn)?|storage\.googleapis\.com)$/i.test(url.hostname);
}

/**
 * The S3 client's settings for a location and an environment (which need not be process.env: the JSON-RPC
 * backend opens repositories with the window's environment). Exported so that tests can see which requests
 * the SDK makes with exactly these settings.
 */
export function s3ClientConfig(where: S3Location, env: NodeJS.ProcessEnv, agent?: HttpAgent | HttpsAgent): S3ClientConfig {
  if (!env.AWS_ACCESS_KEY_ID !== !env.AWS_SECRET_ACCESS_KEY) {
    throw new LockstepError(`${env.AWS_ACCESS_KEY_ID ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID'} is not set, but ${env.AWS_ACCESS_KEY_ID ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY'} is: S3 needs both`);
  }
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined }
      : undefined;
  return {
    endpoint: where.endpoint,
    region: env.AWS_DEFAULT_REGION || env.AWS_REGION || 'us-east-1',
    forcePathStyle: usePathStyle(where.endpoint, bucketLookupFromEnv(env), where.bucket),
    // Without keys in the environment: the SDK's provider chain (profile files, SSO, process, web identity,
    // container and instance roles), with the profile named here. Where the files are (AWS_CONFIG_FILE,
    // AWS_SHARED_CREDENTIALS_FILE) the SDK reads from the process's own environment.
    credentials,
    profile: credentials ? undefined : env.AWS_PROFILE || undefined,
    // A bucket in another region than the one configured answers with a redirect naming its region.
    followRegionRedirects: true,
    maxAttempts: 1, // retried by withRetries below
    // Checksums only where S3 requires them: s3rver and older S3-compatible servers store the SDK's default
    // aws-chunked trailing-checksum uploads verbatim, and a whole-file PUT carries Content-MD5 anyway.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // The body is in memory; "Expect: 100-continue" would also make the SDK open a new connection per upload.
    expectContinueHeader: false,
    requestHandler: {
      connectionTimeout: 10_000,
      socketTimeout: 60_000, // a connection idle that long is dead (the lock monitor gives up far sooner)
      ...(agent ? (where.endpoint.startsWith('https:') ? { httpsAgent: agent as HttpsAgent } : { httpAgent: agent as HttpAgent }) : {}),
    },
  };
}

interface SdkError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  hostname?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
  errors?: SdkError[];
  cause?: SdkError;
}

function errorStatus(err: unknown): number | undefined {
  return (err as SdkError | undefined)?.$metadata?.httpStatusCode;
}

/** S3's error code (`NoSuchKey`, `AccessDenied`, …), which the SDK puts into the error's name. */
function errorCode(err: unknown): string | undefined {
  const e = err as SdkError | undefined;
  return e?.Code ?? e?.name;
}

/** A Node network error's code (ECONNREFUSED, …), also inside AggregateErrors (IPv6 and IPv4 both tried). */
function networkCode(err: unknown): string | undefined {
  const e = err as SdkError | undefined;
  if (!e) return undefined;
  if (typeof e.code === 'string' && /^E[A-Z_]+$/.test(e.code)) return e.code;
  return networkCode(e.errors?.[0]) ?? networkCode(e.cause);
}

const TRANSIENT_CODES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestTimeout', 'RequestTimeTooSkewed', 'InternalError', 'ServiceUnavailable', 'TimeoutError']);
const TRANSIENT_NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);

function isTransient(err: unknown): boolean {
  if (err instanceof LockstepError || err instanceof NotFoundError) return false;
  if ((err as SdkError | undefined)?.$retryable) return true; // the SDK's own verdict, where it has one
  const status = errorStatus(err);
  if (status !== undefined && (status >= 500 || status === 408 || status === 429)) return true;
  const code = errorCode(err);
  if (code && TRANSIENT_CODES.has(code)) return true;
  const network = networkCode(err);
  return network !== undefined && TRANSIENT_NETWORK.has(network);
}

function firstLine(text: string): string {
  const line = text.split('\n')[0].trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

export class S3Backend implements Backend {
  readonly location: string;
  private readonly config: S3ClientConfig;
  private readonly retry: RetryPolicy;
  private client?: Promise<{ sdk: Sdk; client: S3Client }>;

  constructor(
    private readonly where: S3Location,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    this.location = `s3:${where.endpoint}/${where.bucket}${where.prefix ? `/${where.prefix}` : ''}`;
    this.config = s3ClientConfig(where, env);
    this.retry = retryPolicyFromEnv(env);
  }

  /** The SDK is loaded on first use: most commands never touch S3, and it is large. */
  private connect(): Promise<{ sdk: Sdk; client: S3Client }> {
    // The SDK warns on Node 20 that its releases after January 2027 will need Node 22; the pinned one runs here.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.client ??= loadSdk().then(
      (sdk) => ({ sdk, client: new sdk.S3Client(this.config) }),
      (err: unknown) => {
        throw new LockstepError(`cannot load the AWS SDK for S3 (dist/s3sdk.js): ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    return this.client;
  }

  private key(handle: FileHandle): string {
    const relative = handle.type === 'config' ? 'config' : handle.type === 'data' ? `data/${handle.name.slice(0, 2)}/${handle.name}` : `${handle.type}/${handle.name}`;
    return this.where.prefix ? `${this.where.prefix}/${relative}` : relative;
  }

  private typePrefix(type: FileType): string {
    return this.where.prefix ? `${this.where.prefix}/${type}/` : `${type}/`;
  }

  /**
   * One S3 exchange (`call` may also read the answer's body), retried while it fails transiently. It rejects with
   * the signal's reason the moment the signal aborts, and the request is torn down; failures become one sentence
   * (a missing object: NotFoundError).
   */
  private async send<T>(
    what: string,
    call: (sdk: Sdk, client: S3Client, abortSignal: AbortSignal) => Promise<T>,
    signal: AbortSignal | undefined,
    file = what,
  ): Promise<T> {
    throwIfAborted(signal);
    const { sdk, client } = await this.connect();
    try {
      return await withRetries(
        this.retry,
        isTransient,
        () => attempt((abortSignal) => call(sdk, client, abortSignal), signal),
        signal,
        (err, delay) => this.log(`${this.describe(what, file, err).message}; trying again in ${delay} ms`),
      );
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      throw this.describe(what, file, err);
    }
  }

  /** One sentence for a failed call; a 404 is NotFoundError naming `file`. */
  private describe(what: string, file: string, err: unknown): Error {
    if (err instanceof LockstepError || err instanceof NotFoundError) return err;
    const { bucket, endpoint } = this.where;
    const status = errorStatus(err);
    const code = errorCode(err);
    if (code === 'NoSuchBucket') return new LockstepError(`the S3 bucket ${bucket} does not exist at ${endpoint}`);
    if (status === 404) return new NotFoundError(file);
    if (status === 403 || code === 'AccessDenied' || code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch') {
      const check = this.env.AWS_ACCESS_KEY_ID ? 'check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY' : `check the credentials of AWS profile ${this.env.AWS_PROFILE || 'default'}`;
      return new LockstepError(`S3 access denied for bucket ${bucket} (${code && code !== 'Error' ? code : 'HTTP 403'} while ${what}; ${check})`);
    }
    if (code === 'CredentialsProviderError') {
      return new LockstepError(`no S3 credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (${firstLine((err as Error).message)})`);
    }
    if (status === undefined) {
      const network = networkCode(err);
      if (network === 'ECONNREFUSED') return new LockstepError(`cannot reach the S3 endpoint ${endpoint}: connection refused`);
      if (network === 'ENOTFOUND' || network === 'EAI_AGAIN') {
        const host = (err as SdkError).hostname ?? new URL(endpoint).hostname;
        const style = this.config.forcePathStyle ? '' : ` (virtual-host style; LOCKSTEP_S3_BUCKET_LOOKUP=path asks for ${new URL(endpoint).host}/${bucket} instead)`;
        return new LockstepError(`cannot reach the S3 endpoint ${endpoint}: host ${host} not found${style}`);
      }
      if (network === 'ECONNRESET' || network === 'EPIPE') return new LockstepError(`the S3 endpoint ${endpoint} dropped the connection while ${what}`);
      if (code === 'TimeoutError' || network === 'ETIMEDOUT') return new LockstepError(`the S3 endpoint ${endpoint} did not answer in time while ${what}`);
      if (network) return new LockstepError(`cannot reach the S3 endpoint ${endpoint} while ${what}: ${network}`);
    }
    const message = firstLine(err instanceof Error ? err.message : String(err));
    const detail = [status ? `HTTP ${status}` : '', code && code !== 'Error' && code !== message ? code : ''].filter(Boolean).join(' ');
    return new LockstepError(`${what} on the S3 endpoint ${endpoint} failed${detail ? ` (${detail})` : ''}: ${message || 'no reason given'}`);
  }

  async create(signal?: AbortSignal): Promise<void> {
    const { bucket } = this.where;
    await this.send(
      `creating bucket ${bucket}`,
      async (sdk, client, abortSignal) => {
        try {
          await client.send(new sdk.HeadBucketCommand({ Bucket: bucket }), { abortSignal });
          return;
        } catch (err) {
          // 403: the bucket may be someone else's, or these keys may only reach objects; the config check says which.
          if (errorStatus(err) === 403) return;
          if (errorStatus(err) !== 404) throw err;
        }
        const region = await client.config.region();
        try {
          await client.send(
            new sdk.CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: region === 'us-east-1' ? undefined : { LocationConstraint: region as BucketLocationConstraint } }),
            { abortSignal },
          );
        } catch (err) {
          if (errorCode(err) !== 'BucketAlreadyOwnedByYou') throw err;
        }
      },
      signal,
    );
    const exists = await this.stat({ type: 'config', name: '' }, signal).then(
      () => true,
      (err: unknown) => {
        if (err instanceof NotFoundError) return false;
        throw err;
      },
    );
    if (exists) throw new LockstepError(`repository at ${this.location} already exists (config file found)`);
  }

  async save(handle: FileHandle, data: Uint8Array | readonly Uint8Array[], signal?: AbortSignal, steps?: SaveSteps): Promise<void> {
    throwIfAborted(signal);
    const body = Buffer.concat(data instanceof Uint8Array ? [data] : [...data]);
    // S3 checks Content-MD5 and refuses a body that arrived damaged.
    const md5 = createHash('md5').update(body).digest('base64');
    // One PUT both writes and lands the object.
    await steps?.creating?.();
    await steps?.writing?.();
    await this.send(
      `saving ${describeHandle(handle)}`,
      async (sdk, client, abortSignal) => {
        await steps?.landing?.();
        return client.send(
          new sdk.PutObjectCommand({ Bucket: this.where.bucket, Key: this.key(handle), Body: body, ContentLength: body.length, ContentMD5: md5, ContentType: 'application/octet-stream' }),
          { abortSignal },
        );
      },
      signal,
      describeHandle(handle),
    );
  }

  async load(handle: FileHandle, range: LoadRange = {}, signal?: AbortSignal): Promise<Buffer> {
    throwIfAborted(signal);
    if (range.length === 0) return Buffer.alloc(0);
    const offset = range.offset ?? 0;
    const ranged = offset > 0 || range.length !== undefined;
    const Range = ranged ? `bytes=${offset}-${range.length === undefined ? '' : offset + range.length - 1}` : undefined;
    const what = `loading ${describeHandle(handle)}`;
    const result = await this.send(
      what,
      async (sdk, client, abortSignal) => {
        const answer = await client.send(new sdk.GetObjectCommand({ Bucket: this.where.bucket, Key: this.key(handle), Range }), { abortSignal });
        const array = answer.Body ? await answer.Body.transformToByteArray() : new Uint8Array(0);
        return { bytes: Buffer.from(array.buffer, array.byteOffset, array.byteLength), partial: answer.ContentRange !== undefined };
      },
      signal,
      describeHandle(handle),
    );
    // A server that ignores Range answers with the whole object.
    const body = ranged && !result.partial ? result.bytes.subarray(offset, range.length === undefined ? undefined : offset + range.length) : result.bytes;
    if (range.length !== undefined && body.length !== range.length) {
      throw new LockstepError(`${what}: the S3 endpoint returned ${body.length} bytes instead of ${range.length}`);
    }
    return body;
  }

  async stat(handle: FileHandle, signal?: AbortSignal): Promise<FileInfo> {
    const answer = await this.send(
      `looking up ${describeHandle(handle)}`,
      (sdk, client, abortSignal) => client.send(new sdk.HeadObjectCommand({ Bucket: this.where.bucket, Key: this.key(handle) }), { abortSignal }),
      signal,
      describeHandle(handle),
    );
    if (answer.ContentLength === undefined) throw new LockstepError(`the S3 endpoint ${this.where.endpoint} gave no size for ${describeHandle(handle)}`);
    return { name: handle.name, size: answer.ContentLength };
  }

  /**
   * One listing, page by page. An eventually consistent listing may miss a file that was just written or show one
   * just removed; restic, and Lockstep's lock code (server/src/lock/), therefore judge a lock file by stat and
   * load with retries, never by one listing.
   */
  async list(type: FileType, signal?: AbortSignal): Promise<FileInfo[]> {
    if (type === 'config') return listConfig(this, signal);
    const prefix = this.typePrefix(type); // data/ is listed whole: data/00/… to data/ff/…
    const files: FileInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.send(
        `listing ${type}/`,
        (sdk, client, abortSignal) => client.send(new sdk.ListObjectsV2Command({ Bucket: this.where.bucket, Prefix: prefix, ContinuationToken: token }), { abortSignal }),
        signal,
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        const name = object.Key.slice(object.Key.lastIndexOf('/') + 1);
        if (name) files.push({ name, size: object.Size ?? 0 });
      }
      const next = page.IsTruncated ? page.NextContinuationToken : undefined;
      if (page.IsTruncated && !next) throw new LockstepError(`listing ${type}/ on the S3 endpoint ${this.where.endpoint}: a truncated page without a continuation token`);
      token = next;
    } while (token);
    return files;
  }

  async remove(handle: FileHandle, signal?: AbortSignal): Promise<void> {
    // S3 answers 204 whether or not the object existed.
    await this.send(
      `removing ${describeHandle(handle)}`,
      (sdk, client, abortSignal) => client.send(new sdk.DeleteObjectCommand({ Bucket: this.where.bucket, Key: this.key(handle) }), { abortSignal }),
      signal,
      describeHandle(handle),
    ).catch((err: unknown) => {
      if (!(err instanceof NotFoundError)) throw err;
    });
  }

  async close(): Promise<void> {
    const connected = await this.client?.catch(() => undefined);
    this.client = undefined;
    connected?.client.destroy();
  }
}

/**
 * Runs `call` with a signal of its own that follows `signal`: the SDK's request is torn down when `signal` aborts,
 * and the promise rejects with the signal's reason at once, even if the SDK still waits for something. Only one
 * listener per call sits on the operation's long-lived signal, and it is removed when the call settles.
 */
function attempt<T>(call: (abortSignal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
  const controller = new AbortController();
  if (!signal) return call(controller.signal);
  throwIfAborted(signal);
  const onAbort = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  return raceAbort(signal, call(controller.signal)).finally(() => signal.removeEventListener('abort', onAbort));
}
