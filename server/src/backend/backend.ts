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
}

export interface Backend {
  /** Where the repository is, as the user named it. */
  readonly location: string;
  /** Creates the repository's folders; fails if a config already exists. */
  create(signal?: AbortSignal): Promise<void>;
  /** Stores a whole file atomically: readers see all of it or nothing. */
  save(handle: FileHandle, data: Uint8Array | readonly Uint8Array[], signal?: AbortSignal): Promise<void>;
  load(handle: FileHandle, range?: LoadRange, signal?: AbortSignal): Promise<Buffer>;
  /** Throws NotFoundError when the file does not exist. */
  stat(handle: FileHandle, signal?: AbortSignal): Promise<FileInfo>;
  /** Files of one type; names that are not restic IDs are included (callers filter). */
  list(type: FileType, signal?: AbortSignal): Promise<FileInfo[]>;
  /** Removing a file that is already gone is not an error. */
  remove(handle: FileHandle, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
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
