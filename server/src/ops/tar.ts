// A tar stream (POSIX ustar; a PAX header before an entry whose name, link target or size does not fit), written
// entry by entry as `dump` walks a folder.

export interface TarEntry {
  /** Relative, folders ending in "/". */
  name: Buffer;
  type: 'file' | 'dir' | 'symlink';
  /** POSIX permission bits. */
  mode: number;
  uid: number;
  gid: number;
  user?: string;
  group?: string;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  linkTarget?: Buffer;
}

const BLOCK = 512;
const TYPE_FLAGS = { file: '0', dir: '5', symlink: '2' } as const;

/** The header blocks of one entry (its data, padded to whole blocks, follows). */
export function tarHeader(entry: TarEntry): Buffer {
  const pax: [string, Buffer][] = [];
  let name: Buffer = entry.name;
  let prefix: Buffer = Buffer.alloc(0);
  if (name.length > 100) {
    const split = splitName(name);
    if (split) [prefix, name] = split;
    else pax.push(['path', entry.name]);
  }
  if (entry.linkTarget && entry.linkTarget.length > 100) pax.push(['linkpath', entry.linkTarget]);
  if (entry.size > 0o77777777777) pax.push(['size', Buffer.from(String(entry.size))]);
  const header = ustarBlock({ ...entry, name: pax.some(([k]) => k === 'path') ? name.subarray(0, 100) : name, prefix });
  if (pax.length === 0) return header;
  const body = Buffer.concat(pax.map(([key, value]) => paxRecord(key, value)));
  const paxHeader = ustarBlock({ name: Buffer.from('PaxHeader'), type: 'file', mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: entry.mtime, prefix: Buffer.alloc(0) }, 'x');
  return Buffer.concat([paxHeader, body, padding(body.length), header]);
}

/** Zeros up to the next block boundary after `length` bytes. */
export function padding(length: number): Buffer {
  return Buffer.alloc((BLOCK - (length % BLOCK)) % BLOCK);
}

/** The two empty blocks that end an archive. */
export function tarEnd(): Buffer {
  return Buffer.alloc(2 * BLOCK);
}

/** "len key=value\n", its length counting itself. */
function paxRecord(key: string, value: Buffer): Buffer {
  const rest = Buffer.byteLength(` ${key}=`) + value.length + 1;
  let length = rest + String(rest).length;
  if (String(length).length !== String(rest).length) length = rest + String(length).length;
  return Buffer.concat([Buffer.from(`${length} ${key}=`), value, Buffer.from('\n')]);
}

/** ustar's prefix (155) + name (100) split at a "/", if the name allows one. */
function splitName(name: Buffer): [Buffer, Buffer] | undefined {
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== 0x2f) continue;
    const prefix = name.subarray(0, i);
    const rest = name.subarray(i + 1);
    if (prefix.length <= 155 && rest.length <= 100 && rest.length > 0) return [prefix, rest];
  }
  return undefined;
}

function ustarBlock(e: Omit<TarEntry, 'name'> & { name: Buffer; prefix: Buffer }, flag?: string): Buffer {
  const block = Buffer.alloc(BLOCK);
  const put = (value: Buffer | string, offset: number, length: number): void => {
    const bytes = typeof value === 'string' ? Buffer.from(value) : value;
    bytes.copy(block, offset, 0, Math.min(length, bytes.length));
  };
  const octal = (value: number, offset: number, length: number): void => put(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length);
  put(e.name, 0, 100);
  octal(e.mode & 0o7777, 100, 8);
  octal(e.uid, 108, 8);
  octal(e.gid, 116, 8);
  octal(e.type === 'file' && e.size <= 0o77777777777 ? e.size : 0, 124, 12);
  octal(Math.max(0, Math.floor(e.mtime)), 136, 12);
  put(flag ?? TYPE_FLAGS[e.type], 156, 1);
  if (e.linkTarget) put(e.linkTarget, 157, 100);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  put(e.user ?? '', 265, 32);
  put(e.group ?? '', 297, 32);
  put(e.prefix, 345, 155);
  put('        ', 148, 8);
  let sum = 0;
  for (const byte of block) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return block;
}
