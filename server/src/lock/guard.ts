import { readFile, rm } from 'node:fs/promises';
import { Backend, FileHandle, FileInfo, FileType, LoadRange, NotFoundError, SaveSteps, saveLocalFile, TemporaryFile } from '../backend/backend';
import { shortId } from '../repo/format/ids';

/** Anything that can hold repository traffic back until the lock is known to be good. */
export interface WriteGate {
  /** Before a read. */
  readGate(): Promise<void>;
  /** Before a write. */
  gate(): Promise<void>;
  /** Like gate(), and also makes sure the lock file still exists: for commit points. */
  confirm(): Promise<void>;
  /** After a commit point landed: the lock file must still exist, or `undo` takes it back (see HeldLock). */
  confirmLanded(undo: () => Promise<string | undefined>): Promise<void>;
}

/** How long taking back a commit point may take: the lock is already lost, and the backend may be what hangs. */
const TAKE_BACK_MS = 30_000;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Files that commit work: once one is written, others rely on everything it references. */
const COMMIT_TYPES: readonly FileType[] = ['index', 'snapshots'];

/**
 * A backend whose every call, except on lock files, first passes the lock's gate: after standby or a stop the
 * operation waits for the stale-lock refresh and, if the lock was lost, fails before touching the repository.
 * Every delete first checks that the lock file is still there. Index and snapshot writes check it three times:
 * before the save, right before the file lands (after any pause in the save, so a process that was stopped midway
 * judges its lock by the wall clock it wakes to), and once it has landed, when a lock found gone means the file is
 * removed again: a stop between the second check and the landing must not leave an index naming pruned packs.
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

  async save(handle: FileHandle, data: Uint8Array | readonly Uint8Array[], signal?: AbortSignal, steps?: SaveSteps): Promise<void> {
    if (!COMMIT_TYPES.includes(handle.type)) {
      await this.pass(handle.type);
      return this.inner.save(handle, data, signal, steps);
    }
    await this.lock.confirm();
    let landing = false;
    const checked: SaveSteps = {
      ...steps,
      landing: async () => {
        await steps?.landing?.();
        await this.lock.confirm();
        landing = true;
      },
    };
    try {
      await this.inner.save(handle, data, signal, checked);
    } catch (err) {
      // Past the last check it may have landed (a request whose answer was lost): with the lock gone, take it back.
      if (landing) await this.lock.confirmLanded(() => this.takeBack(handle));
      throw err;
    }
    await this.lock.confirmLanded(() => this.takeBack(handle));
  }

  /** Removes an index or snapshot that landed as the lock was lost; says what is left, or undefined if it never landed. */
  private async takeBack(handle: FileHandle): Promise<string | undefined> {
    const signal = AbortSignal.timeout(TAKE_BACK_MS);
    const file = `${handle.type}/${shortId(handle.name)}`;
    const what = handle.type === 'index' ? `the index file written at that moment (${file})` : `the snapshot written at that moment (${file})`;
    let landed = true;
    try {
      await this.inner.stat(handle, signal);
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      landed = false; // unknown: the removal below says "if it had landed"
    }
    try {
      await this.inner.remove(handle, signal);
    } catch (err) {
      return `${what} could not be removed again (${message(err)}): ${handle.type}/${handle.name} may name data that a prune deleted, so delete that file from the repository before the next backup`;
    }
    const removed = landed ? `${what} was removed again` : `${what} was removed, if it had landed`;
    return handle.type === 'index'
      ? `${removed}; any packs written before it that are still there are unreferenced data that a prune removes`
      : `${removed}, so no snapshot was saved; the data written before it is used by no snapshot, and a prune removes it`;
  }

  stagingDir(): string | undefined {
    return this.inner.stagingDir?.();
  }

  async saveFile(handle: FileHandle, localPath: string, signal?: AbortSignal): Promise<void> {
    if (COMMIT_TYPES.includes(handle.type)) {
      // Commit points take the checked path of save().
      try {
        return await this.save(handle, await readFile(localPath), signal);
      } finally {
        await rm(localPath, { force: true });
      }
    }
    try {
      await this.pass(handle.type);
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
    if (handle.type === 'locks') return this.inner.remove(handle, signal);
    // A delete after the lock was lost could take data a concurrent client now relies on.
    await this.lock.confirm();
    await this.inner.remove(handle, signal);
    // A delete cannot be taken back. A pack's harms nobody (prune deletes only packs no index lists any more), but a
    // backup that ran while the lock was lost may use blobs only a deleted index file listed: say so if it happened.
    if (handle.type === 'index') {
      await this.lock.confirmLanded(async () => `index/${shortId(handle.name)}, which it was deleting at that moment, is gone: if another client backed up while the lock was lost, run check`);
    }
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
