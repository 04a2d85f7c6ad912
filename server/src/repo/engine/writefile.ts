// Writing restored entries: fresh files with their data, and the owner, mode and times of any entry. Only `fs`,
// so that the restore's writer thread (writerworker.ts) carries nothing else. Metadata is set through an open
// descriptor (or, for a symbolic link, on the link itself): never through a link that leads out of the target.
import { closeSync, constants as C, fchmodSync, fchownSync, futimesSync, lchownSync, lutimesSync, openSync, rmSync, writeSync } from 'node:fs';

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
    setMetadata(fd, meta);
  } finally {
    closeSync(fd);
  }
}

/** Owner, mode and times of the file or folder open as `fd`. */
export function setMetadata(fd: number, meta: FileMetadata): void {
  if (meta.owner) {
    try {
      fchownSync(fd, meta.owner.uid, meta.owner.gid);
    } catch {
      // An owner that does not exist here is not worth failing the restore for.
    }
  }
  if (meta.perm !== undefined) fchmodSync(fd, meta.perm);
  futimesSync(fd, meta.atime, meta.mtime);
}

/** Owner and times of the symbolic link `dest` itself (links have no mode of their own). */
export function setLinkMetadata(dest: Uint8Array, meta: FileMetadata): void {
  const target = asBuffer(dest);
  if (meta.owner) {
    try {
      lchownSync(target, meta.owner.uid, meta.owner.gid);
    } catch {
      // as above
    }
  }
  lutimesSync(target, meta.atime, meta.mtime);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
