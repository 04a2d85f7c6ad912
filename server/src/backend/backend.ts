import { readFile, rm } from 'node:fs/promises';

/** What a repository is stored on. Every call takes the operation's AbortSignal. */
export type FileType = 'config' | 'keys' | 'data' | 'index' | 'snapshots' | 'locks';

export const FILE_TYPES: readonly FileType[] = ['config', 'keys', 'data', 'index', 'snapshots', 'locks'];

export interface FileHandle {
  type: FileType;
  /** The file's name; ignored for `config`. */
  name: string;
}

export interface FileInfo {
  name: string;
  size: number;
}

export interface LoadRange {
  offset?: number;
  /** Bytes to read from `offset`; all the rest when left out. */
  length?: number;
  /** Memory to read into (at least `length` bytes), which a backend may use instead of fresh memory. */
  into?: Buffer;
}

/**
 * The steps of one save, each awaited by the backend just before it takes it. A step may wait or throw; a throw
 * abandons the save, and the backend removes whatever temporary file it made. The lock guard uses `landing` to
 * check the lock right before an index or snapshot becomes visible; tests use the steps to freeze a save midway.
 */
export interface SaveSteps {
  /** Before the temporary file is created (backends without one call it with `writing`, before `landing`). */
  creating?(): Promise<void>;
  /** Before the bytes are written to it. */
  writing?(): Promise<void>;
  /**
   * Before the file becomes visible under its name: the rename of the temporary file, or the one request (an
   * HTTP POST, an S3 PUT) that stores it; before each try of that request.
   */
  landing?(): Promise<void>;
}

/** A file a writer left half-made under a temporary name ("-tmp-" in it), which `list` never shows. */
export interface TemporaryFile {
  /** Its path inside the repository, with forward slashes: "data/3f/lockstep-…-tmp-2", "snapshots/<id>-tmp-…". */
  path: string;
  size: number;
  /** When it was last written, by the clock of whoever wrote it (or of the file system). */
  mtimeMs: number;
}

/** Whether a path inside a repository names a temporary file: one of its folders and a name with "-tmp-". */
export function isTemporaryPath(p: string): boolean {
  const parts = p.split('/');
  const name = parts.at(-1) ?? '';
  const folders = parts.slice(0, -1);
  const inRepository =
    folders.length === 0 ||
    (folders.length === 1 && (FILE_TYPES as readonly string[]).includes(folders[0]) && folders[0] !== 'config') ||
    (folders.length === 2 && folders[0] === 'data' && /^[0-9a-f]{2}$/.test(folders[1]));
  return inRepository && name.includes('-tmp-') && !name.startsWith('.') && !name.includes('\\');
}

export interface Backend {
  /** Where the repository is, as the user named it. */
  readonly location: string;
  /** Creates the repository's folders; fails if a config already exists. */
  create(signal?: AbortSignal): Promise<void>;
  /** Stores a whole file atomically: readers see all of it or nothing. `steps` hears each step as it is taken. */
  save(handle: FileHandle, data: Uint8Array | readonly Uint8Array[], signal?: AbortSignal, steps?: SaveSteps): Promise<void>;
  load(handle: FileHandle, range?: LoadRange, signal?: AbortSignal): Promise<Buffer>;
  /** Throws NotFoundError when the file does not exist. */
  stat(handle: FileHandle, signal?: AbortSignal): Promise<FileInfo>;
  /** Files of one type; names that are not restic IDs are included (callers filter). */
  list(type: FileType, signal?: AbortSignal): Promise<FileInfo[]>;
  /** Removing a file that is already gone is not an error. */
  remove(handle: FileHandle, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
  /**
   * A folder on this machine, on the repository's own file system, where a file can be prepared piece by piece
   * (a pack) so that `saveFile` only has to rename it; undefined for remote repositories.
   */
  stagingDir?(): string | undefined;
  /**
   * Stores the finished local file at `localPath` as `handle`, atomically; the local file is gone afterwards
   * whether this succeeds or not. Backends without it are given the file's bytes (`saveLocalFile`).
   */
  saveFile?(handle: FileHandle, localPath: string, signal?: AbortSignal): Promise<void>;
  /**
   * Temporary files in the repository's folders (writers that were killed leave them); undefined where the backend
   * cannot have any (REST and S3 store each file in one request).
   */
  listTemporary?(signal?: AbortSignal): Promise<TemporaryFile[]>;
  /** Removes one of the files listTemporary found; refuses any path isTemporaryPath does not accept. */
  removeTemporary?(path: string, signal?: AbortSignal): Promise<void>;
}

/** Stores a finished local file through `backend`: renamed into place where it can be, else read and saved. */
export async function saveLocalFile(backend: Backend, handle: FileHandle, localPath: string, signal?: AbortSignal): Promise<void> {
  if (backend.saveFile) return backend.saveFile(handle, localPath, signal);
  try {
    await backend.save(handle, await readFile(localPath), signal);
  } finally {
    await rm(localPath, { force: true });
  }
}

export class NotFoundError extends Error {
  constructor(readonly what: string) {
    super(`${what} does not exist`);
    this.name = 'NotFoundError';
  }
}

export function describeHandle(handle: FileHandle): string {
  return handle.type === 'config' ? 'config' : `${handle.type}/${handle.name}`;
}

/** `list('config')` for backends that store the config as a single file: it, or nothing. */
export async function listConfig(backend: Backend, signal?: AbortSignal): Promise<FileInfo[]> {
  try {
    return [await backend.stat({ type: 'config', name: 'config' }, signal)];
  } catch (err) {
    if (err instanceof NotFoundError) return [];
    throw err;
  }
}
