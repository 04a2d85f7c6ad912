import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Reads a whole file that is smaller than `limit` bytes into `into` (at least `limit` + 1 bytes), in as few
 * system calls as the file allows (open, fstat unless the caller knows the size, one read, close). Returns the part
 * of `into` that holds the file, or undefined, having read nothing more, when the file is `limit` bytes or larger,
 * or larger than its known size (it grew): the caller then reads it piecewise. Throws the file system's errors
 * unchanged.
 */
export function readSmallFile(path: Uint8Array, limit: number, into: Buffer, knownSize?: number): Buffer | undefined {
  const fd = openSync(Buffer.from(path.buffer, path.byteOffset, path.byteLength), 'r');
  try {
    const size = knownSize ?? fstatSync(fd).size;
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
