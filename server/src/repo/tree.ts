import { CorruptFileError } from '../errors';
import { goJsonString, JsonNumber, JsonValue, parseJsonLossless } from './gojson';
import { goQuoteInner, goUnquoteInner } from './goquote';
import { GoTime } from './gotime';
import { Id, isId } from './ids';

export type NodeType = 'file' | 'dir' | 'symlink' | 'dev' | 'chardev' | 'fifo' | 'socket';
const NODE_TYPES: readonly string[] = ['file', 'dir', 'symlink', 'dev', 'chardev', 'fifo', 'socket'];

export interface TreeNode {
  name: Buffer;
  type: NodeType;
  /** Go's fs.FileMode bits. */
  mode?: number;
  mtime: GoTime;
  atime: GoTime;
  ctime: GoTime;
  uid: number;
  gid: number;
  user?: string;
  group?: string;
  inode?: bigint;
  deviceId?: bigint;
  size?: bigint;
  links?: bigint;
  linktarget?: Buffer;
  extendedAttributes?: { name: string; value: Buffer }[];
  device?: bigint;
  /** Data blob IDs for files ([] when empty); null for everything else. */
  content: Id[] | null;
  subtree?: Id;
  error?: string;
}

export const GoFileMode = {
  Dir: 0x80000000,
  Symlink: 0x08000000,
  Device: 0x04000000,
  NamedPipe: 0x02000000,
  Socket: 0x01000000,
  Setuid: 0x00800000,
  Setgid: 0x00400000,
  CharDevice: 0x00200000,
  Sticky: 0x00100000,
  Perm: 0o777,
} as const;

/** POSIX st_mode → the Go FileMode restic stores (type, permission, setuid/setgid/sticky bits). */
export function goModeFromStat(posixMode: number): number {
  let mode = posixMode & 0o777;
  switch (posixMode & 0o170000) {
    case 0o040000:
      mode |= GoFileMode.Dir;
      break;
    case 0o120000:
      mode |= GoFileMode.Symlink;
      break;
    case 0o060000:
      mode |= GoFileMode.Device;
      break;
    case 0o020000:
      mode |= GoFileMode.Device | GoFileMode.CharDevice;
      break;
    case 0o010000:
      mode |= GoFileMode.NamedPipe;
      break;
    case 0o140000:
      mode |= GoFileMode.Socket;
      break;
  }
  if (posixMode & 0o4000) mode |= GoFileMode.Setuid;
  if (posixMode & 0o2000) mode |= GoFileMode.Setgid;
  if (posixMode & 0o1000) mode |= GoFileMode.Sticky;
  return mode >>> 0;
}

export function posixPermFromGoMode(goMode: number): number {
  let perm = goMode & 0o777;
  if (goMode & GoFileMode.Setuid) perm |= 0o4000;
  if (goMode & GoFileMode.Setgid) perm |= 0o2000;
  if (goMode & GoFileMode.Sticky) perm |= 0o1000;
  return perm;
}

function isValidUtf8(b: Buffer): boolean {
  return Buffer.from(b.toString('utf8'), 'utf8').equals(b);
}

function encodeNode(n: TreeNode): string {
  const f: string[] = [`"name":${goJsonString(goQuoteInner(n.name))}`, `"type":"${n.type}"`];
  if (n.mode) f.push(`"mode":${n.mode >>> 0}`);
  f.push(`"mtime":${goJsonString(n.mtime)}`, `"atime":${goJsonString(n.atime)}`, `"ctime":${goJsonString(n.ctime)}`);
  f.push(`"uid":${n.uid}`, `"gid":${n.gid}`);
  if (n.user) f.push(`"user":${goJsonString(n.user)}`);
  if (n.group) f.push(`"group":${goJsonString(n.group)}`);
  if (n.inode) f.push(`"inode":${n.inode}`);
  if (n.deviceId) f.push(`"device_id":${n.deviceId}`);
  if (n.size) f.push(`"size":${n.size}`);
  if (n.links) f.push(`"links":${n.links}`);
  if (n.linktarget && n.linktarget.length > 0) {
    f.push(`"linktarget":${goJsonString(n.linktarget.toString('utf8'))}`);
    if (!isValidUtf8(n.linktarget)) f.push(`"linktarget_raw":"${n.linktarget.toString('base64')}"`);
  }
  if (n.extendedAttributes?.length) {
    f.push(`"extended_attributes":[${n.extendedAttributes.map((a) => `{"name":${goJsonString(a.name)},"value":"${a.value.toString('base64')}"}`).join(',')}]`);
  }
  if (n.device) f.push(`"device":${n.device}`);
  f.push(`"content":${n.content === null ? 'null' : `[${n.content.map((id) => `"${id}"`).join(',')}]`}`);
  if (n.subtree) f.push(`"subtree":"${n.subtree}"`);
  if (n.error) f.push(`"error":${goJsonString(n.error)}`);
  return `{${f.join(',')}}`;
}

/** A tree blob's bytes exactly as restic writes them: nodes sorted by raw name bytes, then a newline. */
export function encodeTree(nodes: readonly TreeNode[]): Buffer {
  const sorted = [...nodes].sort((a, b) => Buffer.compare(a.name, b.name));
  for (let i = 0; i < sorted.length; i++) {
    const name = sorted[i].name;
    if (name.length === 0) throw new Error('a tree node needs a name');
    if (name.includes(0x2f)) throw new Error(`a tree node name may not contain "/": ${name.toString()}`);
    if (i > 0 && sorted[i - 1].name.equals(name)) throw new Error(`duplicate name in tree: ${name.toString()}`);
  }
  return Buffer.from(`{"nodes":[${sorted.map(encodeNode).join(',')}]}\n`, 'utf8');
}

export function decodeTree(bytes: Buffer, blobIdForErrors: string): TreeNode[] {
  const where = `tree ${blobIdForErrors}`;
  const fail = (detail: string): never => {
    throw new CorruptFileError(where, detail);
  };
  let doc: JsonValue;
  try {
    doc = parseJsonLossless(bytes.toString('utf8'));
  } catch (err) {
    return fail((err as Error).message);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || doc instanceof JsonNumber) return fail('it is not a JSON object');
  const nodes = doc.nodes;
  if (nodes === null || nodes === undefined) return [];
  if (!Array.isArray(nodes)) return fail('"nodes" is not a list');
  return nodes.map((raw, i): TreeNode => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || raw instanceof JsonNumber) return fail(`node ${i} is not an object`);
    const str = (k: string): string | undefined => (typeof raw[k] === 'string' ? (raw[k] as string) : undefined);
    const big = (k: string): bigint | undefined => {
      const v = raw[k];
      if (v === undefined || v === null) return undefined;
      if (!(v instanceof JsonNumber)) return fail(`node ${i}: ${k} is not a number`);
      try {
        return v.toBigInt();
      } catch {
        return fail(`node ${i}: ${k} is not an integer`);
      }
    };
    const quoted = str('name');
    if (!quoted) return fail(`node ${i} has no name`);
    let name: Buffer;
    try {
      name = goUnquoteInner(quoted);
    } catch {
      return fail(`node ${i} has an invalid name ${JSON.stringify(quoted)}`);
    }
    const type = str('type');
    if (!type || !NODE_TYPES.includes(type)) return fail(`node ${JSON.stringify(name.toString())} has an invalid type ${JSON.stringify(type)}`);
    const contentRaw = raw.content;
    let content: Id[] | null = null;
    if (Array.isArray(contentRaw)) {
      content = contentRaw.map((c) => (typeof c === 'string' && isId(c) ? c : fail(`node ${JSON.stringify(name.toString())} has an invalid content ID`)));
    } else if (contentRaw !== null && contentRaw !== undefined) return fail(`node ${JSON.stringify(name.toString())}: content is not a list`);
    if (type === 'file' && content === null) return fail(`file ${JSON.stringify(name.toString())} has nil blob list`);
    const subtree = str('subtree');
    if (subtree !== undefined && !isId(subtree)) return fail(`node ${JSON.stringify(name.toString())} has an invalid subtree ID`);
    if (type === 'dir' && !subtree) return fail(`dir ${JSON.stringify(name.toString())} has no subtree`);
    const rawTarget = str('linktarget_raw');
    const target = str('linktarget');
    const xattrs = raw.extended_attributes;
    const mode = big('mode');
    return {
      name,
      type: type as NodeType,
      mode: mode === undefined ? undefined : Number(mode),
      mtime: str('mtime') ?? '0001-01-01T00:00:00Z',
      atime: str('atime') ?? '0001-01-01T00:00:00Z',
      ctime: str('ctime') ?? '0001-01-01T00:00:00Z',
      uid: Number(big('uid') ?? 0n),
      gid: Number(big('gid') ?? 0n),
      user: str('user'),
      group: str('group'),
      inode: big('inode'),
      deviceId: big('device_id'),
      size: big('size'),
      links: big('links'),
      linktarget: rawTarget !== undefined ? Buffer.from(rawTarget, 'base64') : target !== undefined ? Buffer.from(target, 'utf8') : undefined,
      extendedAttributes: Array.isArray(xattrs)
        ? xattrs.map((a) => {
            const o = a as Record<string, JsonValue>;
            return { name: String(o.name), value: Buffer.from(typeof o.value === 'string' ? o.value : '', 'base64') };
          })
        : undefined,
      device: big('device'),
      content,
      subtree,
      error: str('error'),
    };
  });
}
