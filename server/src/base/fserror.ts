// A file system error as it crosses from one thread to another: enough to rebuild what `fs` would have thrown (the
// backup tells errors by their code and system call: describeFsError).

export interface FsErrorInfo {
  code: string;
  syscall: string;
  message: string;
}

/** What `fs` threw, or undefined for any other error. */
export function fsErrorInfo(err: unknown): FsErrorInfo | undefined {
  const { code, syscall, message } = (err ?? {}) as Partial<FsErrorInfo>;
  return typeof code === 'string' && typeof syscall === 'string' ? { code, syscall, message: message ?? code } : undefined;
}

/** The error `fs` would have thrown. */
export function rebuildFsError(info: FsErrorInfo): NodeJS.ErrnoException {
  return Object.assign(new Error(info.message), { code: info.code, syscall: info.syscall });
}
