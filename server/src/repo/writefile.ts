// Writing restored entries: fresh files with their data, and the owner, mode and times of any entry. Only `fs`,
// so that the restore's writer thread (writerworker.ts) carries nothing else.
import { chmodSync, closeSync, constants as C, lchownSync, lutimesSync, openSync, rmSync, utimesSync, writeSync } from 'node:fs';

/** What restore sets on a file after writing it, in the units the system calls take. */
export interface FileMetadata {
  /** Permission bits (with setuid/setgid/sticky); left alone when undefined. */
  perm?: number;
  /** Owner, set only when defined (restore sets owners only as root). */
  owner?: { uid: number; gid: number };
  /** Seconds since the epoch, fractional. */
  atime: number;
  mtime: number;
}

/**
 * Writes `data` as a fresh file at `dest` (anything there before is removed unless `replace` is false: an existing
 * entry might be a link that leads out of the target), then sets its metadata. O_EXCL refuses anything left there. Synchronous: for many small files a few direct system
 * calls cost far less than a round trip to libuv's thread pool per call.
 */
export function writeRestoredFile(dest: Uint8Array, data: Uint8Array, meta: FileMetadata, replace = true): void {
  const target = asBuffer(dest);
  if (replace) rmSync(target, { recursive: true, force: true });
  const fd = openSync(target, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600);
  try {
    for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done);
  } finally {
    closeSync(fd);
  }
  applyMetadata(target, meta, false);
}

/** Owner, mode and times of a restored entry; a symbolic link gets its owner and times, never a mode. */
export function applyMetadata(dest: Uint8Array, meta: FileMetadata, isLink: boolean): void {
  const target = asBuffer(dest);
  if (meta.owner) {
    try {
      lchownSync(target, meta.owner.uid, meta.owner.gid);
    } catch {
      // An owner that does not exist here is not worth failing the restore for.
    }
  }
  if (!isLink && meta.perm !== undefined) chmodSync(target, meta.perm);
  if (isLink) lutimesSync(target, meta.atime, meta.mtime);
  else utimesSync(target, meta.atime, meta.mtime);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
