import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { EncodedBlob, encodeBlob } from './blobcodec';
import { MasterKey } from './crypto';

/** What became of a small file given to `encodeSmallFile`. */
export type SmallFileOutcome =
  | { kind: 'blob'; blob: EncodedBlob; length: number }
  | { kind: 'empty' }
  /** The file had `limit` bytes or more by the time it was opened, or grew while it was read. */
  | { kind: 'unread' };

/** One read buffer per thread: encoding copies what it keeps, so the next file can reuse it. */
let scratch = Buffer.alloc(0);

/** Reads a file smaller than `limit` bytes and encodes it as one blob, on the calling thread. */
export function encodeSmallFile(key: MasterKey, path: Uint8Array, compress: boolean, limit: number): SmallFileOutcome {
  if (scratch.length < limit + 1) scratch = Buffer.allocUnsafeSlow(limit + 1);
  const data = readSmallFile(path, limit, scratch);
  if (data === undefined) return { kind: 'unread' };
  if (data.length === 0) return { kind: 'empty' };
  return { kind: 'blob', blob: encodeBlob(key, data, compress), length: data.length };
}

/**
 * Reads a whole file that is smaller than `limit` bytes into `into` (at least `limit` + 1 bytes), in as few
 * system calls as the file allows (open, fstat, one read, close). Returns the part of `into` that holds the
 * file, or undefined, having read nothing more, when the file is `limit` bytes or larger, or grows while it is
 * read: the caller then reads it piecewise. Throws the file system's errors unchanged.
 */
export function readSmallFile(path: Uint8Array, limit: number, into: Buffer): Buffer | undefined {
  const fd = openSync(Buffer.from(path.buffer, path.byteOffset, path.byteLength), 'r');
  try {
    const size = fstatSync(fd).size;
    if (size >= limit) return undefined;
    // One byte more than the size tells growth apart from an exact fit in the same read.
    const buf = into.subarray(0, size + 1);
    let filled = 0;
    for (;;) {
      const got = readSync(fd, buf, filled, buf.length - filled, null);
      filled += got;
      if (filled === buf.length) return undefined;
      if (got === 0 || filled >= size) break;
    }
    return buf.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}
