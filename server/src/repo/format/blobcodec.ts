import { MasterKey, open, seal } from './crypto';
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
  const { payload, uncompressedLength } = blobPayload(plaintext, compress);
  return { id: sha256Hex(plaintext), sealed: seal(key, payload, into), uncompressedLength };
}

/** What a blob's sealed bytes hold: its zstd frame when asked to compress and that helps, else the plaintext. */
export function blobPayload(plaintext: Uint8Array, compress: boolean): { payload: Uint8Array; uncompressedLength?: number } {
  if (compress && plaintext.length > 0 && looksCompressible(plaintext)) {
    const packed = zstdCompress(plaintext);
    if (packed.length < plaintext.length) return { payload: packed, uncompressedLength: plaintext.length };
  }
  return { payload: plaintext };
}

const PROBE_SIZE = 64 * 1024;
/** Bytes sampled (a byte costs ~4 ns to count here, so a small sample): random data still shows ~7.8 bits. */
const ENTROPY_SAMPLE = 1024;
const ENTROPY_MIN_SAMPLE = 1024;
/** Bits per byte above which a sample looks random (text is about 4–5, compressed or encrypted data nearly 8). */
const ENTROPY_LIMIT = 7.2;
const byteCounts = new Int32Array(256);
/** c·log2(c) for every count a sample can give a byte value. */
const C_LOG2_C = Float64Array.from({ length: ENTROPY_SAMPLE + 1 }, (_, c) => (c > 0 ? c * Math.log2(c) : 0));

/**
 * Whether `data` looks random, judged by the byte histogram of four 256-byte slices spread over it (a few µs a
 * blob): a blob that mixes random and plain parts does not look random.
 */
export function looksRandom(data: Uint8Array): boolean {
  if (data.length < ENTROPY_MIN_SAMPLE) return false;
  byteCounts.fill(0);
  const slice = Math.min(ENTROPY_SAMPLE / 4, Math.floor(data.length / 4));
  const stride = Math.floor((data.length - slice) / 3);
  for (let s = 0; s < 4; s++) {
    const from = s * stride;
    const to = from + slice;
    for (let i = from; i < to; i += 4) {
      byteCounts[data[i]]++;
      byteCounts[data[i + 1]]++;
      byteCounts[data[i + 2]]++;
      byteCounts[data[i + 3]]++;
    }
  }
  // Entropy of the counts c_i over n samples: log2(n) - (1/n)·Σ c_i·log2(c_i).
  const n = slice * 4;
  let sum = 0;
  for (let v = 0; v < 256; v++) sum += C_LOG2_C[byteCounts[v]];
  return Math.log2(n) - sum / n > ENTROPY_LIMIT;
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
  const plain = openBlob(key, sealed, uncompressedLength, inPlace);
  if (sha256Hex(plain) !== expectedId) throw new BlobDecodeError('hash', 'hash mismatch');
  return plain;
}

/**
 * Checks the MAC, decrypts and decompresses a blob; its hash is left to the caller (a restore checks it where the
 * data is written). With `inPlace`, the plaintext is decrypted over the ciphertext.
 */
export function openBlob(key: MasterKey, sealed: Uint8Array, uncompressedLength: number | undefined, inPlace: boolean): Buffer {
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
  return plain;
}
