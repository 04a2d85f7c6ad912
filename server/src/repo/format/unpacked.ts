import { CorruptFileError } from '../../base/errors';
import { zstdCompress, zstdDecompress } from './zstd';

export type RepoVersion = 1 | 2;

const COMPRESSED_MARKER = 2;
/** Upper bound for a decompressed index, snapshot or lock file. */
const MAX_UNPACKED_SIZE = 1024 * 1024 * 1024;

/** The plaintext of an index, snapshot or lock file: JSON in v1, 0x02 || zstd(JSON) in v2. */
export function encodeUnpacked(version: RepoVersion, json: string): Buffer {
  const raw = Buffer.from(json, 'utf8');
  if (version === 1) return raw;
  return Buffer.concat([Buffer.of(COMPRESSED_MARKER), zstdCompress(raw)]);
}

export function decodeUnpacked(plain: Buffer, fileForErrors: string): string {
  if (plain.length === 0) return '';
  const first = plain[0];
  if (first === 0x7b || first === 0x5b) return plain.toString('utf8');
  if (first === COMPRESSED_MARKER) {
    try {
      return zstdDecompress(plain.subarray(1), MAX_UNPACKED_SIZE).toString('utf8');
    } catch (err) {
      throw new CorruptFileError(fileForErrors, `it cannot be decompressed (${(err as Error).message})`);
    }
  }
  throw new CorruptFileError(fileForErrors, `unknown content format (first byte 0x${first.toString(16).padStart(2, '0')})`);
}
