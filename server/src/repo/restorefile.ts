import { chmodSync, closeSync, constants as C, lchownSync, lutimesSync, openSync, rmSync, utimesSync, writeSync } from 'node:fs';
import { decodeBlobBytes } from './blobcodec';
import { MasterKey } from './crypto';

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
 * One file of a restore that is one blob: the blob, still sealed (left out when the restoring thread keeps it
 * decoded from an earlier file), and where and how to write it.
 */
export interface FileToRestore {
  path: Uint8Array;
  sealed?: Uint8Array;
  uncompressedLength?: number;
  expectedId: string;
  meta: FileMetadata;
  /** Remove whatever is at `path` first (false only in a folder this restore made). */
  replace: boolean;
}

/** The caller left a blob's bytes out, but it is not kept decoded (any more). */
export class BlobNotKeptError extends Error {
  constructor(readonly blobId: string) {
    super(`blob ${blobId} is not kept decoded here`);
    this.name = 'BlobNotKeptError';
  }
}

/**
 * Opens the blob (a BlobDecodeError if it is damaged), or takes it from `decoded`, and writes the file, on the
 * calling thread; returns its size. With `ownsSealed`, the blob is decrypted over its sealed bytes.
 */
export function restoreFileHere(key: MasterKey, file: FileToRestore, decoded: DecodedBlobs, ownsSealed = false): number {
  let data: Buffer | undefined;
  if (file.sealed) {
    data = decodeBlobBytes(key, file.sealed, file.uncompressedLength, file.expectedId, ownsSealed);
    decoded.keep(file.expectedId, data);
  } else data = decoded.get(file.expectedId);
  if (!data) throw new BlobNotKeptError(file.expectedId);
  writeRestoredFile(file.path, data, file.meta, file.replace);
  return data.length;
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

/** Plaintexts a thread keeps of the small files' blobs it restored, so that a blob met again is not opened again. */
const DECODED_CACHE_BYTES = 8 * 1024 * 1024;

/** Which blobs are kept decoded: the last `capacity` bytes' worth, the oldest given up first. */
class FifoSizes {
  private readonly sizes = new Map<string, number>();
  private total = 0;
  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    return this.sizes.has(id);
  }

  /** Records a blob; returns the IDs given up to make room (none when it is too large to keep at all). */
  add(id: string, size: number): string[] {
    if (size > this.capacity || this.sizes.has(id)) return [];
    const dropped: string[] = [];
    for (const [oldest, oldSize] of this.sizes) {
      if (this.total + size <= this.capacity) break;
      this.sizes.delete(oldest);
      this.total -= oldSize;
      dropped.push(oldest);
    }
    this.sizes.set(id, size);
    this.total += size;
    return dropped;
  }
}

/** The plaintexts of the blobs FifoSizes keeps. */
export class DecodedBlobs {
  private readonly order = new FifoSizes(DECODED_CACHE_BYTES);
  private readonly plain = new Map<string, Buffer>();

  get(id: string): Buffer | undefined {
    return this.plain.get(id);
  }

  keep(id: string, data: Buffer): void {
    if (this.order.has(id)) return;
    for (const dropped of this.order.add(id, data.length)) this.plain.delete(dropped);
    if (this.order.has(id)) this.plain.set(id, data);
  }
}
