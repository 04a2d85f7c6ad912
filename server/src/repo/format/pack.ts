import { CiphertextVerificationError, CorruptFileError } from '../../base/errors';
import { CRYPTO_OVERHEAD, MasterKey, open, seal } from './crypto';
import { Id } from './ids';

export type BlobType = 'data' | 'tree';

export interface PackedBlob {
  type: BlobType;
  id: Id;
  offset: number;
  /** Encrypted length, the 32 bytes of crypto overhead included. */
  length: number;
  /** Only for compressed blobs: the plaintext length. */
  uncompressedLength?: number;
}

const ENTRY_PLAIN = 37;
const ENTRY_COMPRESSED = 41;
const MAX_HEADER = 16 * 1024 * 1024;
/** How much of a pack's end to read first: enough for the header of a pack of 15 blobs. */
export const PACK_TAIL_READ = 15 * ENTRY_COMPRESSED + CRYPTO_OVERHEAD + 4;

function typeCode(blob: PackedBlob): number {
  const compressed = blob.uncompressedLength !== undefined;
  return (blob.type === 'data' ? 0 : 1) + (compressed ? 2 : 0);
}

/** The sealed header and its length field: the bytes that follow the blobs in a pack. */
export function encodePackHeader(key: MasterKey, blobs: readonly PackedBlob[]): Buffer {
  const size = blobs.reduce((n, b) => n + (b.uncompressedLength !== undefined ? ENTRY_COMPRESSED : ENTRY_PLAIN), 0);
  const header = Buffer.alloc(size);
  let at = 0;
  for (const blob of blobs) {
    header[at] = typeCode(blob);
    header.writeUInt32LE(blob.length, at + 1);
    at += 5;
    if (blob.uncompressedLength !== undefined) {
      header.writeUInt32LE(blob.uncompressedLength, at);
      at += 4;
    }
    header.write(blob.id, at, 'hex');
    at += 32;
  }
  const sealed = seal(key, header);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(sealed.length);
  return Buffer.concat([sealed, length]);
}

/**
 * Reads the blob list from the end of a pack. `tail` is the last `tail.length` bytes of a pack of
 * `packSize` bytes; when the header is longer than that, returns how many bytes are needed.
 */
export function parsePackHeader(key: MasterKey, packName: string, tail: Buffer, packSize: number): PackedBlob[] | { needBytes: number } {
  const file = `data/${packName}`;
  if (packSize < ENTRY_PLAIN + CRYPTO_OVERHEAD + 4 || tail.length < 4) throw new CorruptFileError(file, `the pack is too small (${packSize} bytes)`);
  const headerLength = tail.readUInt32LE(tail.length - 4);
  if (headerLength < CRYPTO_OVERHEAD || headerLength > MAX_HEADER || headerLength + 4 > packSize) {
    throw new CorruptFileError(file, `invalid header length ${headerLength}`);
  }
  if (headerLength + 4 > tail.length) return { needBytes: headerLength + 4 };
  let header: Buffer;
  try {
    header = open(key, tail.subarray(tail.length - 4 - headerLength, tail.length - 4));
  } catch (err) {
    if (err instanceof CiphertextVerificationError) throw new CorruptFileError(file, 'its header cannot be decrypted (MAC check failed)');
    throw err;
  }
  const blobs: PackedBlob[] = [];
  let at = 0;
  let offset = 0;
  while (at < header.length) {
    const code = header[at];
    if (code > 3) throw new CorruptFileError(file, `invalid blob type ${code} in its header`);
    const compressed = code >= 2;
    const entrySize = compressed ? ENTRY_COMPRESSED : ENTRY_PLAIN;
    if (at + entrySize > header.length) throw new CorruptFileError(file, 'its header ends in the middle of an entry');
    const length = header.readUInt32LE(at + 1);
    const uncompressedLength = compressed ? header.readUInt32LE(at + 5) : undefined;
    const id = header.toString('hex', at + entrySize - 32, at + entrySize);
    if (length < CRYPTO_OVERHEAD) throw new CorruptFileError(file, `blob ${id} is shorter than its encryption overhead`);
    blobs.push({ type: code % 2 === 0 ? 'data' : 'tree', id, offset, length, uncompressedLength });
    offset += length;
    at += entrySize;
  }
  if (offset + headerLength + 4 !== packSize) {
    throw new CorruptFileError(file, `its size ${packSize} does not match its header (blobs ${offset} + header ${headerLength + 4} bytes)`);
  }
  return blobs;
}
