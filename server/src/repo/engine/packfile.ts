// Packs written blob by blob into a temporary file, by the thread that seals the blobs: of a pack only the last
// WRITE_BUFFER_BYTES are held in memory, and the pack's name (the SHA-256 of its bytes) is hashed as it is written.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, constants as C, openSync, rmSync, writeSync } from 'node:fs';
import { MasterKey } from '../format/crypto';
import { Id } from '../format/ids';
import { BlobType, encodePackHeader, PackedBlob } from '../format/pack';

/** A pack whose file is complete (header included) but not yet stored in the repository. */
export interface FinishedPack {
  /** The temporary file holding it. */
  path: string;
  id: Id;
  blobs: PackedBlob[];
  size: number;
}

interface OpenPackFile {
  fd: number;
  path: string;
  hash: Hash;
  blobs: PackedBlob[];
  size: number;
  /** Bytes of the pack in the file; the rest (up to `size`) waits in the write buffer. */
  written: number;
}

/**
 * Small blobs are gathered into one write: a backup of 50,000 small files otherwise makes a system call for each
 * of its blobs. Blobs this large or larger are written as they come.
 */
const WRITE_BUFFER_BYTES = 256 * 1024;

/**
 * Appends sealed blobs to a pack file until it reaches `packSize`, then finishes it. Temporary files are named
 * `<pathPrefix><n>`; the caller stores finished ones and removes whatever is left with removeStagedPacks.
 */
export class PackFileWriter {
  private open: OpenPackFile | undefined;
  private next = 0;
  private buffer: Buffer | undefined;
  /** Where a blob of WRITE_BUFFER_BYTES or more is made (addWritten), written from there as it is. */
  private large: Buffer | undefined;

  constructor(
    private readonly key: MasterKey,
    private readonly pathPrefix: string,
    private readonly packSize: number,
  ) {}

  /** Appends one sealed blob; returns the pack when this blob filled it. */
  add(type: BlobType, id: Id, sealed: Uint8Array, uncompressedLength?: number): FinishedPack | undefined {
    const pack = this.open ?? this.start();
    pack.blobs.push({ type, id, offset: pack.size, length: sealed.length, uncompressedLength });
    this.append(pack, sealed);
    return pack.size >= this.packSize ? this.finish() : undefined;
  }

  /**
   * Appends one blob of `length` bytes that `write` puts into the memory it is given (sealing a payload there): made
   * where the pack's next bytes wait to be written, so it is not copied on the way. Returns the pack when it is full.
   */
  addWritten(type: BlobType, id: Id, length: number, write: (into: Buffer) => void, uncompressedLength?: number): FinishedPack | undefined {
    const pack = this.open ?? this.start();
    const into = this.bufferSlot(pack, length) ?? this.largeBuffer(length);
    write(into);
    pack.blobs.push({ type, id, offset: pack.size, length, uncompressedLength });
    this.appended(pack, into);
    return pack.size >= this.packSize ? this.finish() : undefined;
  }

  /** Writes the header of the open pack (if any) and closes its file. */
  finish(): FinishedPack | undefined {
    const pack = this.open;
    if (!pack) return undefined;
    this.open = undefined;
    try {
      const header = encodePackHeader(this.key, pack.blobs);
      this.append(pack, header);
      this.flush(pack);
      closeSync(pack.fd);
      return { path: pack.path, id: pack.hash.digest('hex'), blobs: pack.blobs, size: pack.size };
    } catch (err) {
      discardFile(pack);
      throw err;
    }
  }

  /** Drops the open pack and its file. */
  discard(): void {
    if (this.open) discardFile(this.open);
    this.open = undefined;
  }

  private start(): OpenPackFile {
    const path = `${this.pathPrefix}${this.next++}`;
    const fd = openSync(path, C.O_WRONLY | C.O_CREAT | C.O_EXCL, 0o600);
    this.open = { fd, path, hash: createHash('sha256'), blobs: [], size: 0, written: 0 };
    return this.open;
  }

  /** Puts `bytes` after the pack's last byte, into the hash and the file (or the buffer before it). */
  private append(pack: OpenPackFile, bytes: Uint8Array): void {
    this.bufferSlot(pack, bytes.length)?.set(bytes);
    this.appended(pack, bytes);
  }

  /**
   * Where `length` bytes go in the write buffer, after what waits there (written first where they would not fit);
   * undefined for a blob of WRITE_BUFFER_BYTES or more, which is written as it is.
   */
  private bufferSlot(pack: OpenPackFile, length: number): Buffer | undefined {
    if (length >= WRITE_BUFFER_BYTES) return undefined;
    if (pack.size - pack.written + length > WRITE_BUFFER_BYTES) this.flush(pack);
    this.buffer ??= Buffer.allocUnsafeSlow(WRITE_BUFFER_BYTES);
    const at = pack.size - pack.written;
    return this.buffer.subarray(at, at + length);
  }

  /** Memory for a large blob that addWritten makes, kept for the next one. */
  private largeBuffer(length: number): Buffer {
    if (this.large === undefined || this.large.length < length) this.large = Buffer.allocUnsafeSlow(length);
    return this.large.subarray(0, length);
  }

  /**
   * `bytes` follow the pack's last byte: hashed, and counted in the pack. A small blob already waits in the buffer
   * (put there by the caller); a large one is written now, after what waits.
   */
  private appended(pack: OpenPackFile, bytes: Uint8Array): void {
    pack.hash.update(bytes);
    if (bytes.length >= WRITE_BUFFER_BYTES) {
      this.flush(pack);
      writeAll(pack.fd, bytes, pack.written);
      pack.written += bytes.length;
    }
    pack.size += bytes.length;
  }

  /** Writes what waits in the buffer. */
  private flush(pack: OpenPackFile): void {
    const waiting = pack.size - pack.written;
    if (waiting === 0 || this.buffer === undefined) return;
    writeAll(pack.fd, this.buffer.subarray(0, waiting), pack.written);
    pack.written += waiting;
  }
}

function writeAll(fd: number, data: Uint8Array, position: number): void {
  for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done, position + done);
}

function discardFile(pack: OpenPackFile): void {
  try {
    closeSync(pack.fd);
  } catch {
    // closed already
  }
  rmSync(pack.path, { force: true });
}
