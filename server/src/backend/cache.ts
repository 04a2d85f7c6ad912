// A local cache of a remote repository's index and snapshot files, as restic keeps one: a whole-file load of either
// is answered from the cache when the cached copy's SHA-256 is its name (else it is fetched again), and what is
// fetched is kept. The cache is never trusted for existence: only what the repository lists exists, and cached files
// it no longer lists are removed when their type is listed. Everything else passes straight through.
//
// Where: --cache-dir, else RESTIC_CACHE_DIR, else $XDG_CACHE_HOME/lockstep (~/.cache/lockstep), one folder per
// repository location (its SHA-256). Not restic's own cache folder: restic names it by the repository ID, known
// only after the config is decrypted, and cleans it by its own rules while it runs.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { Backend, FileHandle, FileInfo, FileType, LoadRange, SaveSteps } from './backend';

const CACHED_TYPES: readonly FileType[] = ['index', 'snapshots'];

export interface CacheSettings {
  cacheDir?: string;
  noCache?: boolean;
}

/** The cache folder the flags and environment name, or undefined with --no-cache. */
export function cacheRoot(settings: CacheSettings, env: NodeJS.ProcessEnv): string | undefined {
  if (settings.noCache) return undefined;
  if (settings.cacheDir) return settings.cacheDir;
  if (env.RESTIC_CACHE_DIR) return env.RESTIC_CACHE_DIR;
  return path.join(env.XDG_CACHE_HOME || path.join(env.HOME || homedir(), '.cache'), 'lockstep');
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

export class CachedBackend implements Backend {
  private readonly dir: string;
  // The optional abilities are the inner backend's, present exactly where it has them.
  readonly stagingDir?: Backend['stagingDir'];
  readonly saveFile?: Backend['saveFile'];
  readonly listTemporary?: Backend['listTemporary'];
  readonly removeTemporary?: Backend['removeTemporary'];

  constructor(
    private readonly inner: Backend,
    root: string,
  ) {
    this.dir = path.join(root, sha256(Buffer.from(inner.location)));
    this.stagingDir = inner.stagingDir?.bind(inner);
    this.saveFile = inner.saveFile?.bind(inner);
    this.listTemporary = inner.listTemporary?.bind(inner);
    this.removeTemporary = inner.removeTemporary?.bind(inner);
  }

  get location(): string {
    return this.inner.location;
  }

  private fileOf(handle: FileHandle): string | undefined {
    return CACHED_TYPES.includes(handle.type) && /^[0-9a-f]{64}$/.test(handle.name) ? path.join(this.dir, handle.type, handle.name) : undefined;
  }

  async load(handle: FileHandle, range?: LoadRange, signal?: AbortSignal): Promise<Buffer> {
    const whole = !range || ((range.offset ?? 0) === 0 && range.length === undefined);
    const file = whole ? this.fileOf(handle) : undefined;
    if (!file) return this.inner.load(handle, range, signal);
    try {
      const cached = readFileSync(file);
      if (sha256(cached) === handle.name) return cached;
    } catch {
      // not cached (or unreadable): fetched below
    }
    const bytes = await this.inner.load(handle, range, signal);
    this.keep(file, bytes);
    return bytes;
  }

  /** Written under a temporary name and renamed, so a reader never sees half a file; a cache that cannot be written is skipped. */
  private keep(file: string, bytes: Buffer): void {
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      writeFileSync(temporary, bytes);
      renameSync(temporary, file);
    } catch {
      // the cache only saves time
    }
  }

  async list(type: FileType, signal?: AbortSignal): Promise<FileInfo[]> {
    const listed = await this.inner.list(type, signal);
    if (CACHED_TYPES.includes(type)) this.removeStale(type, new Set(listed.map((f) => f.name)));
    return listed;
  }

  private removeStale(type: FileType, existing: Set<string>): void {
    let cached: string[];
    try {
      cached = readdirSync(path.join(this.dir, type));
    } catch {
      return;
    }
    for (const name of cached) if (!existing.has(name)) rmSync(path.join(this.dir, type, name), { force: true });
  }

  async save(handle: FileHandle, data: Uint8Array | readonly Uint8Array[], signal?: AbortSignal, steps?: SaveSteps): Promise<void> {
    await this.inner.save(handle, data, signal, steps);
    const file = this.fileOf(handle);
    if (file) this.keep(file, Buffer.concat(data instanceof Uint8Array ? [data] : [...data]));
  }

  async remove(handle: FileHandle, signal?: AbortSignal): Promise<void> {
    const file = this.fileOf(handle);
    if (file) rmSync(file, { force: true });
    await this.inner.remove(handle, signal);
  }

  create(signal?: AbortSignal): Promise<void> {
    return this.inner.create(signal);
  }

  stat(handle: FileHandle, signal?: AbortSignal): Promise<FileInfo> {
    return this.inner.stat(handle, signal);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
