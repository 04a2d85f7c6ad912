import { throwIfAborted } from '../../server/src/base/abort';
import { Backend, describeHandle, FileHandle, FileInfo, FileType, LoadRange, NotFoundError, SaveSteps } from '../../server/src/backend/backend';

const key = (h: FileHandle): string => (h.type === 'config' ? 'config/config' : `${h.type}/${h.name}`);

/** A repository held in memory, for unit tests: two Repository objects over one of these act as two clients. */
export class MemoryBackend implements Backend {
  readonly location = 'memory:';
  readonly files = new Map<string, Buffer>();

  async create(): Promise<void> {}

  async save(handle: FileHandle, data: Uint8Array | readonly Uint8Array[], signal?: AbortSignal, steps?: SaveSteps): Promise<void> {
    throwIfAborted(signal);
    await steps?.creating?.();
    await steps?.writing?.();
    const bytes = Buffer.concat(data instanceof Uint8Array ? [data] : [...data]);
    await steps?.landing?.();
    throwIfAborted(signal);
    this.files.set(key(handle), bytes);
  }

  async load(handle: FileHandle, range: LoadRange = {}, signal?: AbortSignal): Promise<Buffer> {
    throwIfAborted(signal);
    const data = this.files.get(key(handle));
    if (!data) throw new NotFoundError(describeHandle(handle));
    const offset = range.offset ?? 0;
    return Buffer.from(data.subarray(offset, range.length === undefined ? undefined : offset + range.length));
  }

  async stat(handle: FileHandle, signal?: AbortSignal): Promise<FileInfo> {
    throwIfAborted(signal);
    const data = this.files.get(key(handle));
    if (!data) throw new NotFoundError(describeHandle(handle));
    return { name: handle.name, size: data.length };
  }

  async list(type: FileType, signal?: AbortSignal): Promise<FileInfo[]> {
    throwIfAborted(signal);
    const prefix = `${type}/`;
    return [...this.files].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => ({ name: k.slice(prefix.length), size: v.length }));
  }

  async remove(handle: FileHandle, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    this.files.delete(key(handle));
  }

  async close(): Promise<void> {}

  names(type: FileType): string[] {
    return [...this.files.keys()].filter((k) => k.startsWith(`${type}/`)).map((k) => k.slice(type.length + 1));
  }
}

export type Operation = 'save' | 'load' | 'stat' | 'list' | 'remove';

/**
 * Wraps a backend and lets a test break it: `fault` runs before every call and may throw (a failing backend) or
 * wait on the test clock (a slow or hung one).
 */
export class FaultyBackend implements Backend {
  fault: (op: Operation, type: FileType, signal?: AbortSignal) => void | Promise<void> = () => undefined;
  /** Runs as a save is about to land, after the caller's own landing step (the lock guard's last check). */
  landing: (type: FileType) => void | Promise<void> = () => undefined;
  readonly calls: { op: Operation; type: FileType; name?: string }[] = [];

  constructor(readonly inner: Backend) {}

  get location(): string {
    return this.inner.location;
  }

  private async before(op: Operation, type: FileType, name: string | undefined, signal?: AbortSignal): Promise<void> {
    this.calls.push({ op, type, name });
    await this.fault(op, type, signal);
  }

  create(signal?: AbortSignal): Promise<void> {
    return this.inner.create(signal);
  }

  async save(handle: FileHandle, data: Uint8Array | readonly Uint8Array[], signal?: AbortSignal, steps?: SaveSteps): Promise<void> {
    await this.before('save', handle.type, handle.name, signal);
    return this.inner.save(handle, data, signal, {
      ...steps,
      landing: async () => {
        await steps?.landing?.();
        await this.landing(handle.type);
      },
    });
  }

  async load(handle: FileHandle, range?: LoadRange, signal?: AbortSignal): Promise<Buffer> {
    await this.before('load', handle.type, handle.name, signal);
    return this.inner.load(handle, range, signal);
  }

  async stat(handle: FileHandle, signal?: AbortSignal): Promise<FileInfo> {
    await this.before('stat', handle.type, handle.name, signal);
    return this.inner.stat(handle, signal);
  }

  async list(type: FileType, signal?: AbortSignal): Promise<FileInfo[]> {
    await this.before('list', type, undefined, signal);
    return this.inner.list(type, signal);
  }

  async remove(handle: FileHandle, signal?: AbortSignal): Promise<void> {
    await this.before('remove', handle.type, handle.name, signal);
    return this.inner.remove(handle, signal);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
