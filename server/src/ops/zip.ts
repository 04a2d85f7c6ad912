// A zip stream as `dump --archive zip` writes it: files deflated, folders stored, links stored with their target as
// data; each file's sizes and CRC follow its data (a data descriptor), so nothing is read twice; the central directory
// ends the archive. Entries beyond zip's 4 GiB limits are refused (no zip64).
import { once } from 'node:events';
import { createDeflateRaw } from 'node:zlib';
import { LockstepError } from '../base/errors';

export interface ZipEntry {
  /** Relative, folders ending in "/". */
  name: Buffer;
  type: 'file' | 'dir' | 'symlink';
  /** POSIX mode with its type bits (0o100644, 0o40755, 0o120777). */
  unixMode: number;
  /** The wall clock of the modification time, as its RFC 3339 text gives it, and the time in seconds. */
  mtime: string;
  mtimeSeconds: number;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(crc: number, data: Buffer): number {
  let c = ~crc >>> 0;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const LIMIT = 0xffffffff;
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;

/** DOS date and time fields from "2026-12-04T13:23:42.1Z" (the wall clock in the text's own zone). */
function dosTime(mtime: string): { time: number; date: number } {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)/.exec(mtime);
  if (!m) return { time: 0, date: (1 << 5) | 1 };
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  return { time: (hour << 11) | (minute << 5) | (second >> 1), date: (Math.max(0, year - 1980) << 9) | (month << 5) | day };
}

interface Written {
  entry: ZipEntry;
  flags: number;
  method: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

export class ZipWriter {
  private offset = 0;
  private readonly written: Written[] = [];

  constructor(private readonly sink: (chunk: Buffer) => Promise<void> | void) {}

  private async emit(chunk: Buffer): Promise<void> {
    this.offset += chunk.length;
    if (this.offset > LIMIT) throw new LockstepError('the zip archive would be larger than 4 GiB: use --archive tar');
    await this.sink(chunk);
  }

  /** One entry; a file's or link's data comes from `data` (blob by blob). */
  async add(entry: ZipEntry, data: AsyncIterable<Buffer> = (async function* () {})()): Promise<void> {
    const hasData = entry.type !== 'dir';
    const method = entry.type === 'file' ? 8 : 0;
    const flags = (hasData ? FLAG_DESCRIPTOR : 0) | (entry.name.some((b) => b >= 0x80) ? FLAG_UTF8 : 0);
    const record: Written = { entry, flags, method, crc: 0, compressed: 0, size: 0, offset: this.offset };
    await this.emit(this.header(0x04034b50, record));
    if (!hasData) {
      this.written.push(record);
      return;
    }
    if (method === 8) await this.deflate(record, data);
    else {
      for await (const chunk of data) {
        record.crc = crc32(record.crc, chunk);
        record.size += chunk.length;
        await this.emit(chunk);
      }
      record.compressed = record.size;
    }
    if (record.size > LIMIT || record.compressed > LIMIT) throw new LockstepError(`${entry.name.toString()} is larger than zip allows without zip64: use --archive tar`);
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(record.crc, 4);
    descriptor.writeUInt32LE(record.compressed, 8);
    descriptor.writeUInt32LE(record.size, 12);
    await this.emit(descriptor);
    this.written.push(record);
  }

  private async deflate(record: Written, data: AsyncIterable<Buffer>): Promise<void> {
    const deflater = createDeflateRaw();
    const out: Buffer[] = [];
    deflater.on('data', (chunk: Buffer) => out.push(chunk));
    const flushOut = async (): Promise<void> => {
      for (const chunk of out.splice(0)) {
        record.compressed += chunk.length;
        await this.emit(chunk);
      }
    };
    for await (const chunk of data) {
      record.crc = crc32(record.crc, chunk);
      record.size += chunk.length;
      await new Promise<void>((resolve, reject) => deflater.write(chunk, (err) => (err ? reject(err) : resolve())));
      await flushOut();
    }
    const ended = once(deflater, 'end');
    deflater.end();
    await ended;
    await flushOut();
  }

  /** The central directory and its end record. */
  async finish(): Promise<void> {
    const start = this.offset;
    for (const record of this.written) await this.emit(this.header(0x02014b50, record));
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(Math.min(this.written.length, 0xffff), 8);
    end.writeUInt16LE(Math.min(this.written.length, 0xffff), 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    if (this.written.length > 0xffff) throw new LockstepError('more than 65535 entries need zip64: use --archive tar');
    await this.emit(end);
  }

  /** A local header (sizes and CRC zero when a descriptor follows) or a central directory entry. */
  private header(signature: number, r: Written): Buffer {
    const central = signature === 0x02014b50;
    const extra = Buffer.alloc(9);
    extra.writeUInt16LE(0x5455, 0);
    extra.writeUInt16LE(5, 2);
    extra.writeUInt8(1, 4);
    extra.writeUInt32LE(Math.max(0, Math.floor(r.entry.mtimeSeconds)) >>> 0, 5);
    const fixed = Buffer.alloc(central ? 46 : 30);
    const { time, date } = dosTime(r.entry.mtime);
    let at = 0;
    const u16 = (v: number): void => void (at = fixed.writeUInt16LE(v, at));
    const u32 = (v: number): void => void (at = fixed.writeUInt32LE(v >>> 0, at));
    u32(signature);
    if (central) u16((3 << 8) | 20);
    u16(20);
    u16(r.flags);
    u16(r.method);
    u16(time);
    u16(date);
    const known = central || !(r.flags & FLAG_DESCRIPTOR);
    u32(known ? r.crc : 0);
    u32(known ? r.compressed : 0);
    u32(known ? r.size : 0);
    u16(r.entry.name.length);
    u16(extra.length);
    if (central) {
      u16(0); // comment
      u16(0); // disk
      u16(0); // internal attributes
      u32(r.entry.unixMode << 16);
      u32(r.offset);
    }
    return Buffer.concat([fixed, r.entry.name, extra]);
  }
}
