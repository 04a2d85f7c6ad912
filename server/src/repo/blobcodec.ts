import { CRYPTO_OVERHEAD, MasterKey, seal } from './crypto';
import { zstdCompress } from './zstd';

export interface EncodedBlob {
  /** The sealed bytes as they go into a pack. */
  sealed: Buffer;
  /** Set only when the payload was compressed. */
  uncompressedLength?: number;
}

/**
 * Compresses (when asked and when it helps) and seals one blob. A blob whose compressed form is not
 * smaller is stored uncompressed, which restic reads in either repository version.
 */
export function encodeBlob(key: MasterKey, plaintext: Uint8Array, compress: boolean): EncodedBlob {
  if (compress && plaintext.length > 0) {
    const packed = zstdCompress(plaintext);
    if (packed.length < plaintext.length) return { sealed: seal(key, packed), uncompressedLength: plaintext.length };
  }
  return { sealed: seal(key, plaintext) };
}

export function sealedLength(plainLength: number): number {
  return plainLength + CRYPTO_OVERHEAD;
}
