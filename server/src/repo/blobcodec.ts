import { CRYPTO_OVERHEAD, MasterKey, open, seal } from './crypto';
import { sha256Hex } from './ids';
import { zstdCompress, zstdDecompress } from './zstd';

export interface EncodedBlob {
  /** SHA-256 of the plaintext: the blob's ID. */
  id: string;
  /** The sealed bytes as they go into a pack. */
  sealed: Buffer;
  /** Set only when the payload was compressed. */
  uncompressedLength?: number;
}

/**
 * Hashes, compresses (when asked and when it helps) and seals one blob. A blob whose compressed form is not
 * smaller is stored uncompressed, which restic reads in either repository version.
 */
export function encodeBlob(key: MasterKey, plaintext: Uint8Array, compress: boolean, into?: Buffer): EncodedBlob {
  const id = sha256Hex(plaintext);
  if (compress && plaintext.length > 0 && looksCompressible(plaintext)) {
    const packed = zstdCompress(plaintext);
    if (packed.length < plaintext.length) return { id, sealed: seal(key, packed, into), uncompressedLength: plaintext.length };
  }
  return { id, sealed: seal(key, plaintext, into) };
}

export function sealedLength(plainLength: number): number {
  return plainLength + CRYPTO_OVERHEAD;
}

const PROBE_SIZE = 64 * 1024;
const ENTROPY_SAMPLE = 4096;
const ENTROPY_MIN_SAMPLE = 1024;
/** Bits per byte above which a sample looks random (text is about 4–5, compressed or encrypted data nearly 8). */
const ENTROPY_LIMIT = 7.2;
const byteCounts = new Uint32Array(256);

/**
 * Whether `data` looks random, judged by the byte histogram of four 1 KiB slices spread over it (about 10 µs a
 * blob): a blob that mixes random and plain parts does not look random.
 */
export function looksRandom(data: Uint8Array): boolean {
  if (data.length < ENTROPY_MIN_SAMPLE) return false;
  byteCounts.fill(0);
  const slice = Math.min(ENTROPY_SAMPLE / 4, Math.floor(data.length / 4));
  const stride = Math.floor((data.length - slice) / 3);
  for (let s = 0; s < 4; s++) {
    const from = s * stride;
    for (let i = from; i < from + slice; i++) byteCounts[data[i]]++;
  }
  const n = slice * 4;
  let bits = 0;
  for (const count of byteCounts) {
    if (count > 0) {
      const p = count / n;
      bits -= p * Math.log2(p);
    }
  }
  return bits > ENTROPY_LIMIT;
}

/**
 * Compressing incompressible data (media, archives, encrypted files) costs time for nothing: a blob that looks
 * random is stored as it is, and a blob larger than the probe is compressed only if its first 64 KiB shrink by at
 * least 2%.
 */
function looksCompressible(plaintext: Uint8Array): boolean {
  if (looksRandom(plaintext)) return false;
  if (plaintext.length <= PROBE_SIZE * 2) return true;
  const probe = plaintext.subarray(0, PROBE_SIZE);
  return zstdCompress(probe, 1).length < PROBE_SIZE * 0.98;
}

export type BlobProblem = 'mac' | 'decompress' | 'hash';

export class BlobDecodeError extends Error {
  constructor(
    readonly problem: BlobProblem,
    detail: string,
  ) {
    super(detail);
    this.name = 'BlobDecodeError';
  }
}

/**
 * Opens a sealed blob, decompresses it when it was compressed and checks it against its ID. With `inPlace`, the
 * plaintext is decrypted over the ciphertext (the caller gives up `sealed`).
 */
export function decodeBlobBytes(key: MasterKey, sealed: Uint8Array, uncompressedLength: number | undefined, expectedId: string, inPlace = false): Buffer {
  let plain: Buffer;
  try {
    plain = open(key, sealed, inPlace);
  } catch (err) {
    throw new BlobDecodeError('mac', (err as Error).message);
  }
  if (uncompressedLength !== undefined) {
    try {
      plain = zstdDecompress(plain, uncompressedLength);
    } catch (err) {
      throw new BlobDecodeError('decompress', (err as Error).message);
    }
  }
  if (sha256Hex(plain) !== expectedId) throw new BlobDecodeError('hash', 'hash mismatch');
  return plain;
}
