import { closeSync, constants as fsConstants, mkdirSync, openSync, promises as fs, readSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { throwIfAborted } from '../base/abort';
import { LockstepError } from '../base/errors';
import { Backend, describeHandle, listConfig, FileHandle, FileInfo, FileType, isTemporaryPath, LoadRange, NotFoundError, SaveSteps, TemporaryFile } from './backend';

const DIR_MODE = 0o700;
/** Ranged reads up to this size are done with synchronous calls. */
const SYNC_READ_LIMIT = 1024 * 1024;
const FILE_MODE = 0o400;
const TYPE_DIRS: readonly FileType[] = ['data', 'index', 'keys', 'locks', 'snapshots'];

/** A repository in a local folder, laid out as restic's local backend lays it out (data/XX fan-out). */
export class LocalBackend implements Backend {
  constructor(readonly location: string) {}

  private filePath(handle: FileHandle): string {
    if (handle.type === 'config') return path.join(this.location, 'config');
    if (handle.type === 'data') return path.join(this.location, 'data', handle.name.slice(0, 2), handle.name);
    return path.join(this.location, handle.type, handle.name);
  }

  async create(signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    try {
      await fs.access(path.join(this.location, 'config'));
      throw new LockstepError(`repository at ${this.location} already exists (config file found)`);
    } catch (err) {
      if (err instanceof LockstepError) throw err;
    }
    await fs.mkdir(this.location, { recursive: true, mode: DIR_MODE });
    for (const type of TYPE_DIRS) await fs.mkdir(path.join(this.location, type), { recursive: true, mode: DIR_MODE });
    const dataDir = path.join(this.location, 'data');
    for (let i = 0; i < 256; i++) {
      throwIfAborted(signal);
      await fs.mkdir(path.join(dataDir, i.toString(16).padStart(2, '0')), { recursive: true, mode: DIR_MODE });
    }
  }

  async save(handle: FileHandle, data: Uint8Array | readonly Uint8Array[], signal?: AbortSignal, steps?: SaveSteps): Promise<void> {
    throwIfAborted(signal);
    const target = this.filePath(handle);
    const parts = data instanceof Uint8Array ? [data] : data;
    const temp = `${target}-tmp-${randomBytes(6).toString('hex')}`;
    await steps?.creating?.();
    let file: fs.FileHandle;
    try {
      file = await fs.open(temp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
    } catch (err) {
      if (isErrno(err, 'ENOENT') && handle.type === 'data') {
        // Repositories made without the fan-out folders (or with some removed): create on demand.
        await fs.mkdir(path.dirname(target), { recursive: true, mode: DIR_MODE });
        file = await fs.open(temp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
      } else {
        throw err;
      }
    }
    try {
      await steps?.writing?.();
      await file.writev(parts as Uint8Array[]);
      await file.sync();
      await file.chmod(FILE_MODE);
    } catch (err) {
      await file.close().catch(() => undefined);
      await fs.rm(temp, { force: true });
      throw err;
    }
    await file.close();
    try {
      await steps?.landing?.();
      throwIfAborted(signal);
      await fs.rename(temp, target);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
  }

  /** A data/XX folder (made if missing), where restic's own temporary files go too. */
  stagingDir(): string {
    const dir = path.join(this.location, 'data', randomBytes(1).toString('hex'));
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    return dir;
  }

  /** Makes a file prepared in stagingDir() (or anywhere on the same file system) durable, read-only, and renames it into place. */
  async saveFile(handle: FileHandle, localPath: string, signal?: AbortSignal): Promise<void> {
    const target = this.filePath(handle);
    try {
      throwIfAborted(signal);
      const file = await fs.open(localPath, 'r');
      try {
        await file.sync();
        await file.chmod(FILE_MODE);
      } finally {
        await file.close();
      }
      throwIfAborted(signal);
      try {
        await fs.rename(localPath, target);
      } catch (err) {
        if (!isErrno(err, 'ENOENT') || handle.type !== 'data') throw err;
        await fs.mkdir(path.dirname(target), { recursive: true, mode: DIR_MODE });
        await fs.rename(localPath, target);
      }
    } finally {
      await fs.rm(localPath, { force: true });
    }
  }

  async load(handle: FileHandle, range: LoadRange = {}, signal?: AbortSignal): Promise<Buffer> {
    throwIfAborted(signal);
    if (range.length !== undefined && range.length <= SYNC_READ_LIMIT) return this.loadSmall(handle, range.offset ?? 0, range.length, range.into);
    let file: fs.FileHandle;
    try {
      file = await fs.open(this.filePath(handle), 'r');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new NotFoundError(describeHandle(handle));
      throw err;
    }
    try {
      const offset = range.offset ?? 0;
      let length = range.length;
      if (length === undefined) length = Math.max(0, (await file.stat()).size - offset);
      const buf = range.into && range.into.length >= length ? range.into.subarray(0, length) : Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        throwIfAborted(signal);
        const { bytesRead } = await file.read(buf, done, length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === length ? buf : buf.subarray(0, done);
    } finally {
      await file.close();
    }
  }

  /**
   * A small ranged read (a tree, a blob, a pack's header) with synchronous calls: three trips through libuv's
   * thread pool cost far more than the read itself on a local disk.
   */
  private loadSmall(handle: FileHandle, offset: number, length: number, into?: Buffer): Buffer {
    let fd: number;
    try {
      fd = openSync(this.filePath(handle), 'r');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new NotFoundError(describeHandle(handle));
      throw err;
    }
    try {
      const buf = into && into.length >= length ? into.subarray(0, length) : Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const got = readSync(fd, buf, done, length - done, offset + done);
        if (got === 0) break;
        done += got;
      }
      return done === length ? buf : buf.subarray(0, done);
    } finally {
      closeSync(fd);
    }
  }

  async stat(handle: FileHandle, signal?: AbortSignal): Promise<FileInfo> {
    throwIfAborted(signal);
    try {
      const st = await fs.stat(this.filePath(handle));
      return { name: handle.name, size: st.size };
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw new NotFoundError(describeHandle(handle));
      throw err;
    }
  }

  async list(type: FileType, signal?: AbortSignal): Promise<FileInfo[]> {
    throwIfAborted(signal);
    if (type === 'config') return listConfig(this, signal);
    const dir = path.join(this.location, type);
    const folders = type === 'data' ? await subfolders(dir) : [dir];
    const result: FileInfo[] = [];
    for (const folder of folders) {
      throwIfAborted(signal);
      let entries: import('node:fs').Dirent[];
      try {
        entries = await fs.readdir(folder, { withFileTypes: true });
      } catch (err) {
        if (isErrno(err, 'ENOENT')) continue;
        throw err;
      }
      for (const entry of entries) {
        if (!entry.isFile() || entry.name.includes('-tmp-')) continue;
        const st = await fs.stat(path.join(folder, entry.name)).catch(() => undefined);
        if (st) result.push({ name: entry.name, size: st.size });
      }
    }
    return result;
  }

  async remove(handle: FileHandle, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    await fs.rm(this.filePath(handle), { force: true });
  }

  async listTemporary(signal?: AbortSignal): Promise<TemporaryFile[]> {
    const dataFolders = (await subfolders(path.join(this.location, 'data'))).map((dir) => `data/${path.basename(dir)}`);
    const found: TemporaryFile[] = [];
    for (const folder of ['', 'index', 'keys', 'locks', 'snapshots', ...dataFolders]) {
      throwIfAborted(signal);
      const names = await fs.readdir(path.join(this.location, folder)).catch(() => [] as string[]);
      for (const name of names) {
        const relative = folder === '' ? name : `${folder}/${name}`;
        if (!isTemporaryPath(relative)) continue;
        const st = await fs.lstat(path.join(this.location, relative)).catch(() => undefined);
        if (st?.isFile()) found.push({ path: relative, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
    return found;
  }

  async removeTemporary(relative: string, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    if (!isTemporaryPath(relative)) throw new LockstepError(`refusing to remove ${JSON.stringify(relative)}: not a temporary file of the repository`);
    await fs.rm(path.join(this.location, relative), { force: true });
  }

  async close(): Promise<void> {}
}

async function subfolders(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
}

export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}
