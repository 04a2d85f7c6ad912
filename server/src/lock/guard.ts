import { rm } from 'node:fs/promises';
import { Backend, FileHandle, FileInfo, FileType, LoadRange, saveLocalFile, TemporaryFile } from '../backend/backend';

/** Anything that can hold repository traffic back until the lock is known to be good. */
export interface WriteGate {
  /** Before a read. */
  readGate(): Promise<void>;
  /** Before a write. */
  gate(): Promise<void>;
  /** Like gate(), and also makes sure the lock file still exists: for commit points. */
  confirm(): Promise<void>;
}

/** Files that commit work: once one is written, others rely on everything it references. */
const COMMIT_TYPES: readonly FileType[] = ['index', 'snapshots'];

/**
 * A backend whose every call, except on lock files, first passes the lock's gate: after standby or a stop the
 * operation waits for the stale-lock refresh and, if the lock was lost, fails before touching the repository.
 * Index and snapshot writes, and every delete, first check that the lock file is still there.
 */
export class GuardedBackend implements Backend {
  constructor(
    private readonly inner: Backend,
    private readonly lock: WriteGate,
  ) {}

  get location(): string {
    return this.inner.location;
  }

  private async pass(type: FileType): Promise<void> {
    if (type !== 'locks') await this.lock.gate();
  }

  private async passRead(type: FileType): Promise<void> {
    if (type !== 'locks') await this.lock.readGate();
  }

  async create(signal?: AbortSignal): Promise<void> {
    await this.lock.gate();
    return this.inner.create(signal);
  }

  async save(handle: FileHandle, data: Uint8Array | readonly Uint8Array[], signal?: AbortSignal): Promise<void> {
    if (COMMIT_TYPES.includes(handle.type)) await this.lock.confirm();
    else await this.pass(handle.type);
    return this.inner.save(handle, data, signal);
  }

  stagingDir(): string | undefined {
    return this.inner.stagingDir?.();
  }

  async saveFile(handle: FileHandle, localPath: string, signal?: AbortSignal): Promise<void> {
    try {
      if (COMMIT_TYPES.includes(handle.type)) await this.lock.confirm();
      else await this.pass(handle.type);
    } catch (err) {
      await rm(localPath, { force: true });
      throw err;
    }
    return saveLocalFile(this.inner, handle, localPath, signal);
  }

  async load(handle: FileHandle, range?: LoadRange, signal?: AbortSignal): Promise<Buffer> {
    await this.passRead(handle.type);
    return this.inner.load(handle, range, signal);
  }

  async stat(handle: FileHandle, signal?: AbortSignal): Promise<FileInfo> {
    await this.passRead(handle.type);
    return this.inner.stat(handle, signal);
  }

  async list(type: FileType, signal?: AbortSignal): Promise<FileInfo[]> {
    await this.passRead(type);
    return this.inner.list(type, signal);
  }

  async remove(handle: FileHandle, signal?: AbortSignal): Promise<void> {
    // A delete after the lock was lost could take data a concurrent client now relies on.
    if (handle.type !== 'locks') await this.lock.confirm();
    return this.inner.remove(handle, signal);
  }

  async listTemporary(signal?: AbortSignal): Promise<TemporaryFile[]> {
    if (!this.inner.listTemporary) return [];
    await this.lock.readGate();
    return this.inner.listTemporary(signal);
  }

  async removeTemporary(path: string, signal?: AbortSignal): Promise<void> {
    if (!this.inner.removeTemporary) throw new Error(`${this.inner.location} has no temporary files to remove`);
    await this.lock.confirm();
    return this.inner.removeTemporary(path, signal);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
