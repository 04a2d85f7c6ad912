// A backend that reads from the repository and writes nothing (backup --dry-run): what would be saved is
// discarded, so the run counts what it would add while the repository stays as it was.
import { rm } from 'node:fs/promises';
import { Backend, FileHandle, FileInfo, FileType, LoadRange } from './backend';

export class DryRunBackend implements Backend {
  constructor(private readonly inner: Backend) {}

  get location(): string {
    return this.inner.location;
  }

  async create(): Promise<void> {
    throw new Error('a dry run creates no repository');
  }

  async save(): Promise<void> {}

  async saveFile(_handle: FileHandle, localPath: string): Promise<void> {
    await rm(localPath, { force: true });
  }

  load(handle: FileHandle, range?: LoadRange, signal?: AbortSignal): Promise<Buffer> {
    return this.inner.load(handle, range, signal);
  }

  stat(handle: FileHandle, signal?: AbortSignal): Promise<FileInfo> {
    return this.inner.stat(handle, signal);
  }

  list(type: FileType, signal?: AbortSignal): Promise<FileInfo[]> {
    return this.inner.list(type, signal);
  }

  async remove(): Promise<void> {}

  async close(): Promise<void> {}
}
