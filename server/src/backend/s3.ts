// S3 and S3-compatible object storage, laid out as restic's S3 backend lays it out (`<prefix>/data/XX/<id>`, …).
// Puts are atomic, so a file is stored whole or not at all. Lock files are judged by stat/load with retries,
// never by one listing (server/src/lock/), which is what an eventually consistent listing needs.
import type { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { abortReason, throwIfAborted } from '../abort';
import { LockstepError } from '../errors';
import { Backend, describeHandle, listConfig, FileHandle, FileInfo, FileType, LoadRange, NotFoundError } from './backend';
import { S3Location } from './location';

type Sdk = typeof import('@aws-sdk/client-s3');

/** The SDK from its own bundle next to ours (dist/s3sdk.js), or from node_modules when running from source. */
function loadSdk(): Promise<Sdk> {
  const bundled = path.join(__dirname, 's3sdk.js');
  // A plain require of a path computed at run time: esbuild leaves it alone.
  if (existsSync(bundled)) return Promise.resolve(require(bundled) as Sdk);
  return import('@aws-sdk/client-s3');
}

export type BucketLookup = 'auto' | 'dns' | 'path';

/** restic's `s3.bucket-lookup`: auto uses virtual-host style for AWS's own endpoints, path style elsewhere. */
export function usePathStyle(endpoint: string, lookup: BucketLookup): boolean {
  if (lookup !== 'auto') return lookup === 'path';
  return !/(^|\.)amazonaws\.com(\.cn)?$/i.test(new URL(endpoint).hostname);
}

function errorStatus(err: unknown): number | undefined {
  return (err as Partial<S3ServiceException> | undefined)?.$metadata?.httpStatusCode;
}

function errorCode(err: unknown): string | undefined {
  const e = err as { name?: string; code?: string; Code?: string } | undefined;
  return e?.code ?? e?.Code ?? e?.name;
}

export class S3Backend implements Backend {
  readonly location: string;
  private readonly lookup: BucketLookup;
  private client?: Promise<{ sdk: Sdk; client: S3Client }>;

  constructor(
    private readonly where: S3Location,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.location = `s3:${where.endpoint}/${where.bucket}${where.prefix ? `/${where.prefix}` : ''}`;
    const lookup = env.LOCKSTEP_S3_BUCKET_LOOKUP ?? 'auto';
    if (lookup !== 'auto' && lookup !== 'dns' && lookup !== 'path') throw new LockstepError(`LOCKSTEP_S3_BUCKET_LOOKUP must be auto, dns or path, not "${lookup}"`);
    this.lookup = lookup;
  }

  /** The SDK is loaded on first use: most commands never touch S3, and it is large. */
  private connect(): Promise<{ sdk: Sdk; client: S3Client }> {
    // The SDK warns on Node 20 that releases after January 2027 will need Node 22; this build pins one that runs here.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.client ??= loadSdk().then((sdk) => {
      const { env } = this;
      const credentials =
        env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
          ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined }
          : undefined; // the SDK's own chain: AWS_PROFILE, ~/.aws/credentials and config, instance roles
      const client = new sdk.S3Client({
        endpoint: this.where.endpoint,
        region: env.AWS_DEFAULT_REGION || env.AWS_REGION || 'us-east-1',
        forcePathStyle: usePathStyle(this.where.endpoint, this.lookup),
        credentials,
        maxAttempts: 4,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
      });
      return { sdk, client };
    });
    return this.client;
  }

  private key(handle: FileHandle | { type: FileType; name: string }): string {
    const relative = handle.type === 'config' ? 'config' : handle.type === 'data' ? `data/${handle.name.slice(0, 2)}/${handle.name}` : `${handle.type}/${handle.name}`;
    return this.where.prefix ? `${this.where.prefix}/${relative}` : relative;
  }

  private typePrefix(type: FileType): string {
    return this.where.prefix ? `${this.where.prefix}/${type}/` : `${type}/`;
  }

  /** One SDK call with the operation's signal; failures become one sentence (404s are left to the caller). */
  private async send<T>(what: string, call: (sdk: Sdk, client: S3Client, abortSignal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    throwIfAborted(signal);
    const { sdk, client } = await this.connect();
    try {
      return await call(sdk, client, signal);
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      throw this.describe(what, err);
    }
  }

  private describe(what: string, err: unknown): Error {
    const status = errorStatus(err);
    const code = errorCode(err);
    if (status === 404 && code !== 'NoSuchBucket') return new NotFoundError(what);
    if (code === 'NoSuchBucket') return new LockstepError(`the S3 bucket ${this.where.bucket} does not exist at ${this.where.endpoint}`);
    if (status === 403 || code === 'AccessDenied' || code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch') {
      return new LockstepError(`S3 access denied for bucket ${this.where.bucket} for ${what} (${code ?? "HTTP 403"}; check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the profile)`);
    }
    if (code === 'CredentialsProviderError') return new LockstepError(`no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE`);
    const network = (err as { code?: string; cause?: { code?: string } }).code ?? (err as { cause?: { code?: string } }).cause?.code;
    if (network === 'ECONNREFUSED') return new LockstepError(`cannot reach the S3 endpoint ${this.where.endpoint}: connection refused (while ${what})`);
    if (network === 'ECONNRESET' || network === 'EPIPE') return new LockstepError(`the connection to the S3 endpoint ${this.where.endpoint} was reset while ${what}`);
    if (network === 'ENOTFOUND') return new LockstepError(`cannot reach the S3 endpoint ${this.where.endpoint}: host not found`);
    const message = err instanceof Error ? err.message : String(err);
    return new LockstepError(`${what} on the S3 endpoint ${this.where.endpoint} failed${status ? ` (HTTP ${status})` : ''}: ${message}`);
  }

  async create(signal?: AbortSignal): Promise<void> {
    const { bucket } = this.where;
    await this.send(`creating bucket ${bucket}`, async (sdk, client, abortSignal) => {
      try {
        await client.send(new sdk.HeadBucketCommand({ Bucket: bucket }), { abortSignal });
      } catch (err) {
        if (errorStatus(err) !== 404) throw err;
        try {
          await client.send(new sdk.CreateBucketCommand({ Bucket: bucket }), { abortSignal });
        } catch (createErr) {
          if (errorCode(createErr) !== 'BucketAlreadyOwnedByYou') throw createErr;
        }
      }
    }, signal);
    const exists = await this.stat({ type: 'config', name: '' }, signal).then(() => true, (err: unknown) => {
      if (err instanceof NotFoundError) return false;
      throw err;
    });
    if (exists) throw new LockstepError(`repository at ${this.location} already exists (config file found)`);
  }

  async save(handle: FileHandle, data: Uint8Array | readonly Uint8Array[], signal?: AbortSignal): Promise<void> {
    const body = Buffer.concat(data instanceof Uint8Array ? [data] : [...data]);
    await this.send(`saving ${describeHandle(handle)}`, (sdk, client, abortSignal) =>
      client.send(new sdk.PutObjectCommand({ Bucket: this.where.bucket, Key: this.key(handle), Body: body, ContentLength: body.length, ContentType: 'application/octet-stream' }), { abortSignal }),
    signal);
  }

  async load(handle: FileHandle, range: LoadRange = {}, signal?: AbortSignal): Promise<Buffer> {
    if (range.length === 0) return Buffer.alloc(0);
    const offset = range.offset ?? 0;
    const Range = offset > 0 || range.length !== undefined ? `bytes=${offset}-${range.length === undefined ? '' : offset + range.length - 1}` : undefined;
    const what = describeHandle(handle);
    const body = await this.send(what, async (sdk, client, abortSignal) => {
      const answer = await client.send(new sdk.GetObjectCommand({ Bucket: this.where.bucket, Key: this.key(handle), Range }), { abortSignal });
      if (!answer.Body) return Buffer.alloc(0);
      return Buffer.from(await answer.Body.transformToByteArray());
    }, signal);
    if (range.length !== undefined && body.length !== range.length) {
      throw new LockstepError(`loading ${what}: the S3 endpoint returned ${body.length} bytes instead of ${range.length}`);
    }
    return body;
  }

  async stat(handle: FileHandle, signal?: AbortSignal): Promise<FileInfo> {
    const answer = await this.send(describeHandle(handle), (sdk, client, abortSignal) =>
      client.send(new sdk.HeadObjectCommand({ Bucket: this.where.bucket, Key: this.key(handle) }), { abortSignal }),
    signal);
    return { name: handle.name, size: answer.ContentLength ?? 0 };
  }

  async list(type: FileType, signal?: AbortSignal): Promise<FileInfo[]> {
    if (type === 'config') return listConfig(this, signal);
    const prefix = this.typePrefix(type);
    const files: FileInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.send(`listing ${type}/`, (sdk, client, abortSignal) =>
        client.send(new sdk.ListObjectsV2Command({ Bucket: this.where.bucket, Prefix: prefix, ContinuationToken: token }), { abortSignal }),
      signal);
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        const name = object.Key.slice(object.Key.lastIndexOf('/') + 1);
        if (name) files.push({ name, size: object.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return files;
  }

  async remove(handle: FileHandle, signal?: AbortSignal): Promise<void> {
    await this.send(`removing ${describeHandle(handle)}`, (sdk, client, abortSignal) =>
      client.send(new sdk.DeleteObjectCommand({ Bucket: this.where.bucket, Key: this.key(handle) }), { abortSignal }),
    signal).catch((err: unknown) => {
      if (!(err instanceof NotFoundError)) throw err;
    });
  }

  async close(): Promise<void> {
    const connected = await this.client?.catch(() => undefined);
    connected?.client.destroy();
  }
}
