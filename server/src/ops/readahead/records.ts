// The tree read-ahead's records, as they sit in the ring (ring.ts): what lstat said about a path (and, for a small
// file, its content as a blob's payload: its SHA-256 and its bytes, compressed where that helps; for a symbolic link,
// its target), what a folder holds, or the end of the walk. Layout, little endian: u32 length, u8 kind, u8 flags,
// u16 unused, u32 path bytes, u32 error bytes, u32 payload bytes, u32 content bytes (uncompressed), then the stat
// (11 × i64) when there is one, the content's SHA-256 when there is content, the path, the error
// ("code\0syscall\0message") and the payload.
import { FsErrorInfo, fsErrorInfo, rebuildFsError } from '../../base/fserror';
import type { PreparedBlob } from '../../repo/engine/datastore';
import { ENTRY_STAT_FIELDS, type EntryStat } from '../fsnode';
import { align8, RingReader, RingWriter } from './ring';

export const enum RecordKind {
  /** lstat of a path. */
  Entry = 1,
  /** readdir of a folder: its names, separated by NUL bytes. */
  Folder = 2,
  /** The walk is complete. */
  End = 3,
}

const HAS_STAT = 1;
/** The payload is the whole content of a file smaller than the limit. */
const CONTENT = 2;
/** The payload is a symbolic link's target. */
const LINK_TARGET = 4;
/** The error is reading the file's content or link target failing (the stat is there). */
const READ_FAILED = 8;
/** The content's payload is a zstd frame. */
const COMPRESSED = 16;
/** The payload is the blob's: compressed (COMPRESSED) where that helps, or found not to. */
const FINAL = 64;
const DIGEST_BYTES = 32;

const HEADER_BYTES = 24;
const STAT_BYTES = ENTRY_STAT_FIELDS.length * 8;

export type ReadRecord =
  | {
      kind: RecordKind.Entry;
      path: Buffer;
      stat?: EntryStat;
      error?: NodeJS.ErrnoException;
      /** A small file's content as a blob: views of the ring, valid until the record is released. */
      blob?: PreparedBlob;
      linkTarget?: Buffer;
      readError?: NodeJS.ErrnoException;
      length: number;
    }
  | { kind: RecordKind.Folder; path: Buffer; names?: Buffer[]; error?: NodeJS.ErrnoException; length: number }
  | { kind: RecordKind.End; length: number };

export interface EntryWrite {
  path: Uint8Array;
  stat?: EntryStat;
  error?: FsErrorInfo;
  linkTarget?: Uint8Array;
  readError?: FsErrorInfo;
}

function errorBytes(error: FsErrorInfo | undefined): Buffer | undefined {
  return error && Buffer.from(`${error.code}\0${error.syscall}\0${error.message}`);
}

function errorFrom(bytes: Buffer): NodeJS.ErrnoException {
  const [code, syscall, ...message] = bytes.toString().split('\0');
  return rebuildFsError({ code, syscall, message: message.join('\0') });
}

/** Writes a record's header and stat at `at`; returns where the rest goes. */
function writeHead(b: Buffer, at: number, head: { length: number; kind: RecordKind; flags: number; pathLength: number; errorLength: number; payloadLength: number; plainLength?: number }, stat: EntryStat | undefined): number {
  b.writeUInt32LE(head.length, at);
  b[at + 4] = head.kind;
  b[at + 5] = head.flags | (stat ? HAS_STAT : 0);
  b.writeUInt32LE(head.pathLength, at + 8);
  b.writeUInt32LE(head.errorLength, at + 12);
  b.writeUInt32LE(head.payloadLength, at + 16);
  b.writeUInt32LE(head.plainLength ?? 0, at + 20);
  let pos = at + HEADER_BYTES;
  if (!stat) return pos;
  for (const field of ENTRY_STAT_FIELDS) {
    b.writeBigInt64LE(stat[field], pos);
    pos += 8;
  }
  return pos;
}

/** Writes one record; false once the reader has stopped. `payload` is written by `fill` straight into the ring. */
function put(ring: RingWriter, kind: RecordKind, flags: number, path: Uint8Array | undefined, stat: EntryStat | undefined, error: Buffer | undefined, payloadLength: number, fill?: (into: Buffer) => void): boolean {
  const pathLength = path?.length ?? 0;
  const errorLength = error?.length ?? 0;
  const length = align8(HEADER_BYTES + (stat ? STAT_BYTES : 0) + pathLength + errorLength + payloadLength);
  const at = ring.reserve(length);
  if (at === undefined) return false;
  const b = ring.bytes;
  let pos = writeHead(b, at, { length, kind, flags, pathLength, errorLength, payloadLength }, stat);
  if (path) b.set(path, pos);
  pos += pathLength;
  if (error) b.set(error, pos);
  pos += errorLength;
  fill?.(b.subarray(pos, pos + payloadLength));
  ring.commit(at, length);
  return true;
}

export function writeEntry(ring: RingWriter, entry: EntryWrite): boolean {
  const payload = entry.linkTarget;
  const flags = (entry.linkTarget ? LINK_TARGET : 0) | (entry.readError ? READ_FAILED : 0);
  const error = errorBytes(entry.error ?? entry.readError);
  return put(ring, RecordKind.Entry, flags, entry.path, entry.stat, error, payload?.length ?? 0, payload && ((into) => into.set(payload)));
}

/**
 * Writes an entry whose payload, a file's content of at most `maxLength` bytes, `read` puts straight into the ring
 * and returns the length of (undefined: not read, the reader reads it itself). `prepare` writes the content's SHA-256
 * into its second argument and says whether the payload is final, with the content's zstd frame where that is
 * smaller (written over the content). The record takes the room of `maxLength` bytes while it is read, then only
 * what it keeps.
 */
export function writeFileEntry(
  ring: RingWriter,
  path: Uint8Array,
  stat: EntryStat,
  maxLength: number,
  read: (into: Buffer) => number | undefined,
  prepare: (content: Buffer, digestInto: Buffer) => { final: boolean; frame?: Uint8Array },
): boolean {
  const room = align8(HEADER_BYTES + STAT_BYTES + DIGEST_BYTES + path.length + maxLength);
  const at = ring.reserve(room);
  if (at === undefined) return false;
  const b = ring.bytes;
  const start = at + HEADER_BYTES + STAT_BYTES + DIGEST_BYTES + path.length;
  let got: number | undefined;
  try {
    got = read(b.subarray(start, start + maxLength));
  } catch (err) {
    // Nothing is committed yet: the record with the error takes the place reserved.
    return writeEntry(ring, { path, stat, readError: errorInfo(err) });
  }
  if (got === undefined) return writeEntry(ring, { path, stat });
  const digestAt = at + HEADER_BYTES + STAT_BYTES;
  const { final, frame } = prepare(b.subarray(start, start + got), b.subarray(digestAt, digestAt + DIGEST_BYTES));
  if (frame) b.set(frame, start);
  const payloadLength = frame ? frame.length : got;
  const length = align8(HEADER_BYTES + STAT_BYTES + DIGEST_BYTES + path.length + payloadLength);
  const flags = CONTENT | (final ? FINAL : 0) | (frame ? COMPRESSED : 0);
  writeHead(b, at, { length, kind: RecordKind.Entry, flags, pathLength: path.length, errorLength: 0, payloadLength, plainLength: got }, stat);
  b.set(path, digestAt + DIGEST_BYTES);
  ring.commit(at, length);
  return true;
}

export function writeFolder(ring: RingWriter, path: Uint8Array, names: readonly Uint8Array[] | undefined, error?: FsErrorInfo): boolean {
  const payloadLength = names ? names.reduce((n, name) => n + name.length + 1, 0) : 0;
  return put(ring, RecordKind.Folder, 0, path, undefined, errorBytes(error), payloadLength, (into) => {
    let pos = 0;
    for (const name of names ?? []) {
      into.set(name, pos);
      into[pos + name.length] = 0;
      pos += name.length + 1;
    }
  });
}

export function writeEnd(ring: RingWriter): boolean {
  return put(ring, RecordKind.End, 0, undefined, undefined, undefined, 0);
}

/**
 * The record at `at`. Its path, names and link target are copies; `blob` holds views of the ring, valid until the
 * record is released.
 */
export function readRecord(ring: RingReader, at: number): ReadRecord {
  const b = ring.bytes;
  const length = b.readUInt32LE(at);
  const kind = b[at + 4] as RecordKind;
  const flags = b[at + 5];
  const pathLength = b.readUInt32LE(at + 8);
  const errorLength = b.readUInt32LE(at + 12);
  const payloadLength = b.readUInt32LE(at + 16);
  if (kind === RecordKind.End) return { kind, length };
  let pos = at + HEADER_BYTES;
  let stat: EntryStat | undefined;
  if (flags & HAS_STAT) {
    const values: Record<string, bigint> = {};
    for (const field of ENTRY_STAT_FIELDS) {
      values[field] = b.readBigInt64LE(pos);
      pos += 8;
    }
    stat = values as EntryStat;
  }
  const digestAt = pos;
  if (flags & CONTENT) pos += DIGEST_BYTES;
  const path = Buffer.from(b.subarray(pos, pos + pathLength));
  pos += pathLength;
  const error = errorLength > 0 ? errorFrom(b.subarray(pos, pos + errorLength)) : undefined;
  pos += errorLength;
  const payload = b.subarray(pos, pos + payloadLength);
  if (kind === RecordKind.Folder) return { kind, path, length, error, names: error ? undefined : splitNames(payload) };
  if (kind !== RecordKind.Entry) throw new Error(`the tree read-ahead wrote a record of unknown kind ${kind}`);
  return {
    kind,
    path,
    length,
    stat,
    error: flags & (HAS_STAT | READ_FAILED) ? undefined : error,
    readError: flags & READ_FAILED ? error : undefined,
    blob: flags & CONTENT ? { digest: b.subarray(digestAt, digestAt + DIGEST_BYTES), payload, plainLength: b.readUInt32LE(at + 20), compressed: (flags & COMPRESSED) !== 0, final: (flags & FINAL) !== 0 } : undefined,
    linkTarget: flags & LINK_TARGET ? Buffer.from(payload) : undefined,
  };
}

function splitNames(payload: Buffer): Buffer[] {
  const names: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < payload.length; i++) {
    if (payload[i] !== 0) continue;
    names.push(Buffer.from(payload.subarray(start, i)));
    start = i + 1;
  }
  return names;
}

/** What a system call threw, to write into a record (one that is not `fs`'s error as an EIO of a read). */
export function errorInfo(err: unknown): FsErrorInfo {
  return fsErrorInfo(err) ?? { code: 'EIO', syscall: 'read', message: String(err) };
}
