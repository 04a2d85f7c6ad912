import { CorruptFileError, LockstepError } from '../../base/errors';
import { goJsonBytes, goJsonString, hasOnlySmallIntegers, isJsonObject, JsonNumber, JsonObject, JsonValue, parseJsonLossless, utf8SequenceLength } from './gojson';
import { goQuoteInner, goUnquoteInner } from './goquote';
import { GoTime, isGoTime } from './gotime';
import { Id, isId } from './ids';

export type NodeType = 'file' | 'dir' | 'symlink' | 'dev' | 'chardev' | 'fifo' | 'socket';
const NODE_TYPES: ReadonlySet<string> = new Set<NodeType>(['file', 'dir', 'symlink', 'dev', 'chardev', 'fifo', 'socket']);

/** One entry of a restic tree blob (restic's Node). Names and link targets are raw bytes. */
export interface TreeNode {
  name: Buffer;
  type: NodeType;
  /** Go's fs.FileMode bits (uint32), not POSIX st_mode. */
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
  /** Files only. */
  size?: bigint;
  links?: bigint;
  /** Symlink target as raw bytes. */
  linktarget?: Buffer;
  extendedAttributes?: { name: string; value: Buffer }[];
  /** st_rdev of block and character devices. */
  device?: bigint;
  /** Data blob IDs for files ([] when empty); null for everything else. */
  content: Id[] | null;
  /** The child tree; required for dirs. */
  subtree?: Id;
  error?: string;
}

/** Go's io/fs FileMode bits. */
export const GoFileMode = {
  Dir: 0x80000000,
  Append: 0x40000000,
  Exclusive: 0x20000000,
  Temporary: 0x10000000,
  Symlink: 0x08000000,
  Device: 0x04000000,
  NamedPipe: 0x02000000,
  Socket: 0x01000000,
  Setuid: 0x00800000,
  Setgid: 0x00400000,
  CharDevice: 0x00200000,
  Sticky: 0x00100000,
  Irregular: 0x00080000,
  Perm: 0o777,
} as const;

/** POSIX st_mode → the Go FileMode restic stores: mode & (Perm | type bits | Setuid | Setgid | Sticky). */
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

/** The permission bits plus setuid/setgid/sticky of a Go FileMode, as POSIX bits for chmod. */
export function posixPermFromGoMode(goMode: number): number {
  let perm = goMode & 0o777;
  if (goMode & GoFileMode.Setuid) perm |= 0o4000;
  if (goMode & GoFileMode.Setgid) perm |= 0o2000;
  if (goMode & GoFileMode.Sticky) perm |= 0o1000;
  return perm;
}

function isValidUtf8(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; ) {
    const n = utf8SequenceLength(b, i);
    if (n === 0) return false;
    i += n;
  }
  return true;
}

const UINT32_MAX = 0xffffffff;
const UINT64_MAX = (1n << 64n) - 1n;

function badNode(n: TreeNode, what: string): never {
  throw new LockstepError(`cannot write tree node ${JSON.stringify(n.name.toString())}: ${what}`);
}

function u32(n: TreeNode, v: number, what: string): number {
  return Number.isInteger(v) && v >= 0 && v <= UINT32_MAX ? v : badNode(n, `${what} ${v} is not a uint32`);
}

function u64(n: TreeNode, v: bigint, what: string): bigint {
  return typeof v === 'bigint' && v >= 0n && v <= UINT64_MAX ? v : badNode(n, `${what} ${String(v)} is not a uint64`);
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Whether `t` has the shape Go's RFC3339Nano gives (its dates were checked where it was made or read). */
function isRfc3339Nano(t: string): boolean {
  if (t.length < 20 || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(10) !== 84 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58) return false;
  for (let i = 0; i < 19; i++) if (i !== 4 && i !== 7 && i !== 10 && i !== 13 && i !== 16 && !isDigit(t.charCodeAt(i))) return false;
  let i = 19;
  if (t.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < t.length && isDigit(t.charCodeAt(i))) i++;
    if (i === start || i - start > 9) return false;
  }
  if (i === t.length - 1) return t.charCodeAt(i) === 90;
  const sign = t.charCodeAt(i);
  return i === t.length - 6 && (sign === 43 || sign === 45) && isDigit(t.charCodeAt(i + 1)) && isDigit(t.charCodeAt(i + 2)) && t.charCodeAt(i + 3) === 58 && isDigit(t.charCodeAt(i + 4)) && isDigit(t.charCodeAt(i + 5));
}

function time(n: TreeNode, t: GoTime, what: string): string {
  return isRfc3339Nano(t) ? `"${t}"` : badNode(n, `${what} ${JSON.stringify(t)} is not an RFC3339 time`);
}

/** Whether `id` is 64 lowercase hex digits (isId without a regular expression: trees hold many IDs). */
function isBlobId(id: string): boolean {
  if (typeof id !== 'string' || id.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = id.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function encodeNode(n: TreeNode): string {
  if (!NODE_TYPES.has(n.type)) badNode(n, `unknown type ${JSON.stringify(n.type)}`);
  // Field order and omitempty rules of restic's Node struct.
  let f = `{"name":${goJsonString(goQuoteInner(n.name))},"type":"${n.type}"`;
  if (n.mode) f += `,"mode":${u32(n, Number.isInteger(n.mode) && n.mode < 0 ? n.mode >>> 0 : n.mode, 'mode')}`;
  f += `,"mtime":${time(n, n.mtime, 'mtime')},"atime":${time(n, n.atime, 'atime')},"ctime":${time(n, n.ctime, 'ctime')}`;
  f += `,"uid":${u32(n, n.uid, 'uid')},"gid":${u32(n, n.gid, 'gid')}`;
  if (n.user) f += `,"user":${goJsonString(n.user)}`;
  if (n.group) f += `,"group":${goJsonString(n.group)}`;
  if (n.inode) f += `,"inode":${u64(n, n.inode, 'inode')}`;
  if (n.deviceId) f += `,"device_id":${u64(n, n.deviceId, 'device_id')}`;
  if (n.size) f += `,"size":${u64(n, n.size, 'size')}`;
  if (n.links) f += `,"links":${u64(n, n.links, 'links')}`;
  if (n.linktarget && n.linktarget.length > 0) {
    // restic 0.14 writes the target as a Go string (invalid bytes → \ufffd); newer restic adds the raw bytes.
    f += `,"linktarget":${goJsonBytes(n.linktarget)}`;
    if (!isValidUtf8(n.linktarget)) f += `,"linktarget_raw":"${Buffer.from(n.linktarget).toString('base64')}"`;
  }
  if (n.extendedAttributes?.length) {
    const attrs = n.extendedAttributes.map((a) => `{"name":${goJsonString(a.name)},"value":"${Buffer.from(a.value).toString('base64')}"}`);
    f += `,"extended_attributes":[${attrs.join(',')}]`;
  }
  if (n.device) f += `,"device":${u64(n, n.device, 'device')}`;
  if (n.content === null || n.content === undefined) {
    if (n.type === 'file') badNode(n, 'a file needs a content list ([] when empty)');
    f += ',"content":null';
  } else {
    f += ',"content":[';
    for (let i = 0; i < n.content.length; i++) {
      const id = n.content[i];
      if (!isBlobId(id)) badNode(n, `invalid content ID ${JSON.stringify(id)}`);
      f += i === 0 ? `"${id}"` : `,"${id}"`;
    }
    f += ']';
  }
  if (n.subtree !== undefined) {
    if (!isBlobId(n.subtree)) badNode(n, `invalid subtree ID ${JSON.stringify(n.subtree)}`);
    f += `,"subtree":"${n.subtree}"`;
  } else if (n.type === 'dir') badNode(n, 'a dir needs a subtree');
  if (n.error) f += `,"error":${goJsonString(n.error)}`;
  return `${f}}`;
}

/**
 * A tree blob's bytes exactly as restic writes them: `{"nodes":[…]}` plus a newline, nodes sorted by
 * their raw name bytes, each node in restic's field order with Go's escaping. Throws a LockstepError
 * for an empty name, a name containing "/" or equal to "." or "..", duplicate names, or a node restic
 * could not read back (bad IDs, a file without content list, a dir without subtree, out-of-range numbers).
 */
export function encodeTree(nodes: readonly TreeNode[]): Buffer {
  // A latin1 string has one code unit per byte, so comparing those strings compares the raw bytes.
  const keyed = nodes.map((node) => ({ node, key: Buffer.from(node.name.buffer, node.name.byteOffset, node.name.byteLength).toString('latin1') }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const sorted = keyed.map((k) => k.node);
  for (let i = 0; i < sorted.length; i++) {
    const name = sorted[i].name;
    const shown = (): string => JSON.stringify(Buffer.from(name).toString());
    if (name.length === 0) throw new LockstepError('cannot write a tree node with an empty name');
    if (name.includes(0x2f)) throw new LockstepError(`cannot write tree node ${shown()}: a name may not contain "/"`);
    if ((name.length === 1 && name[0] === 0x2e) || (name.length === 2 && name[0] === 0x2e && name[1] === 0x2e)) {
      throw new LockstepError(`cannot write tree node ${shown()}: invalid name`);
    }
    if (i > 0 && keyed[i - 1].key === keyed[i].key) throw new LockstepError(`cannot write tree: duplicate name ${shown()}`);
  }
  return Buffer.from(`{"nodes":[${sorted.map(encodeNode).join(',')}]}\n`, 'utf8');
}

/** restic's Node fields, for Go's case-insensitive key matching. */
const FIELDS = [
  'name', 'type', 'mode', 'mtime', 'atime', 'ctime', 'uid', 'gid', 'user', 'group', 'inode', 'device_id', 'size', 'links',
  'linktarget', 'linktarget_raw', 'extended_attributes', 'device', 'content', 'subtree', 'error',
] as const;
type Field = (typeof FIELDS)[number];
const FIELD_SET: ReadonlySet<string> = new Set(FIELDS);
type Fields = Partial<Record<Field, JsonValue>>;

/**
 * The node's known fields. Like Go's decoder, an exact key match wins, else a case-insensitive one.
 * Nodes written by restic only have exact keys, so they are used as they are.
 */
function nodeFields(raw: JsonObject): Fields {
  const keys = Object.keys(raw);
  if (keys.every((k) => FIELD_SET.has(k) || !FIELD_SET.has(k.toLowerCase()))) return raw as Fields;
  const out: Fields = Object.create(null) as Fields;
  for (const key of keys) {
    const field = FIELD_SET.has(key) ? key : key.toLowerCase();
    if (!FIELD_SET.has(field)) continue;
    if (field !== key && Object.prototype.hasOwnProperty.call(raw, field)) continue;
    out[field as Field] = raw[key];
  }
  return out;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * Reads a tree blob. 64-bit numbers stay exact, unknown fields are ignored, names are unquoted to raw
 * bytes, `linktarget_raw` is preferred over `linktarget`. Anything restic could not read, or that its
 * checker rejects (unknown type, file with null content, dir without subtree), raises a
 * CorruptFileError for `tree <id>`. Node order is not checked.
 */
export function decodeTree(bytes: Buffer, blobIdForErrors: string): TreeNode[] {
  return readTree(bytes, blobIdForErrors).nodes;
}

/** A tree blob's nodes, and whether the blob says nothing beyond them (see readTree). */
export interface ReadTree {
  nodes: TreeNode[];
  /** No key outside restic's Node fields, in any node or at the top, and every key spelt exactly. */
  onlyKnownFields: boolean;
}

/** decodeTree, also telling whether the blob holds anything the nodes do not (unknown or oddly spelt keys). */
export function readTree(bytes: Buffer, blobIdForErrors: string): ReadTree {
  const where = `tree ${blobIdForErrors}`;
  let doc: JsonValue;
  try {
    const text = bytes.toString('utf8');
    // JSON.parse is many times faster, and exact where every number is a small integer (as in restic's trees); the
    // lossless parser reads the rest, and says what is wrong with broken JSON.
    doc = (hasOnlySmallIntegers(text) && parseOrUndefined(text)) || parseJsonLossless(text);
  } catch (err) {
    throw new CorruptFileError(where, err instanceof Error ? err.message : String(err));
  }
  if (!isJsonObject(doc)) throw new CorruptFileError(where, 'it is not a JSON object');
  const nodesKey = Object.prototype.hasOwnProperty.call(doc, 'nodes') ? 'nodes' : Object.keys(doc).find((k) => k.toLowerCase() === 'nodes');
  const nodes = nodesKey === undefined ? null : doc[nodesKey];
  const topKnown = nodesKey === 'nodes' && Object.keys(doc).length === 1;
  if (nodes === null) return { nodes: [], onlyKnownFields: topKnown };
  if (!Array.isArray(nodes)) throw new CorruptFileError(where, '"nodes" is not a list');
  const reader = new NodeReader(where);
  const read = nodes.map((raw, i) => reader.read(raw, i));
  return { nodes: read, onlyKnownFields: topKnown && reader.onlyKnownFields };
}

/** Whether two nodes say the same in every field, so that a tree of the one could stand for a tree of the other. */
export function sameNode(a: TreeNode, b: TreeNode): boolean {
  return (
    a.type === b.type &&
    a.mtime === b.mtime &&
    a.ctime === b.ctime &&
    a.atime === b.atime &&
    a.inode === b.inode &&
    a.size === b.size &&
    a.mode === b.mode &&
    a.uid === b.uid &&
    a.gid === b.gid &&
    a.user === b.user &&
    a.group === b.group &&
    a.deviceId === b.deviceId &&
    a.links === b.links &&
    a.device === b.device &&
    a.subtree === b.subtree &&
    a.error === b.error &&
    a.name.equals(b.name) &&
    sameBytes(a.linktarget, b.linktarget) &&
    sameIds(a.content, b.content) &&
    sameAttributes(a.extendedAttributes, b.extendedAttributes)
  );
}

function sameBytes(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.equals(b);
}

function sameIds(a: Id[] | null, b: Id[] | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameAttributes(a: TreeNode['extendedAttributes'], b: TreeNode['extendedAttributes']): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((attr, i) => attr.name === b[i].name && attr.value.equals(b[i].value));
}

function parseOrUndefined(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/** Reads one node at a time (one object for the whole tree, to keep allocations down on big trees). */
class NodeReader {
  private fields: Fields = {};
  private index = 0;
  /** The node's name once read; undefined before. */
  private name: Buffer | undefined;
  /** No node so far had a key other than restic's exact field names. */
  onlyKnownFields = true;

  constructor(private readonly where: string) {}

  private fail(detail: string): never {
    throw new CorruptFileError(this.where, detail);
  }

  private wrong(field: string, what: string): never {
    return this.fail(`${this.label()}: ${field} ${what}`);
  }

  /** How errors name the node: by its name once known (built only for an error: trees hold many nodes). */
  private label(): string {
    return this.name === undefined ? `node ${this.index}` : `node ${this.shown()}`;
  }

  private shown(): string {
    return JSON.stringify(this.name?.toString() ?? '');
  }

  private get(field: Field): JsonValue | undefined {
    const v = this.fields[field];
    return v === null ? undefined : v;
  }

  private str(field: Field): string | undefined {
    const v = this.get(field);
    if (v === undefined) return undefined;
    return typeof v === 'string' ? v : this.wrong(field, 'is not a string');
  }

  private uint(field: Field, max: bigint): bigint | undefined {
    const v = this.get(field);
    if (v === undefined) return undefined;
    // JSON.parse gives numbers only where all are safe integers, so below 2^53 and within any max here but uint32's.
    if (typeof v === 'number') return v >= 0 && v <= Number(max) ? BigInt(v) : this.wrong(field, `${v} is out of range`);
    if (!(v instanceof JsonNumber) || !v.isInteger()) return this.wrong(field, 'is not an unsigned integer');
    const n = v.toBigInt();
    return n >= 0n && n <= max && !v.text.startsWith('-') ? n : this.wrong(field, `${v.text} is out of range`);
  }

  private u32(field: Field): number | undefined {
    const n = this.get(field);
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= UINT32_MAX) return n;
    const v = this.uint(field, BigInt(UINT32_MAX));
    return v === undefined ? undefined : Number(v);
  }

  private u64(field: Field): bigint | undefined {
    return this.uint(field, UINT64_MAX);
  }

  private id(v: JsonValue, field: string): Id {
    if (typeof v !== 'string') return this.wrong(field, 'is not an ID');
    if (isBlobId(v)) return v;
    const lower = v.toLowerCase();
    return isId(lower) ? lower : this.wrong(field, `${JSON.stringify(v)} is not a valid ID`);
  }

  private bytes(v: JsonValue | undefined, field: string): Buffer | undefined {
    if (v === undefined || v === null) return undefined;
    const text = typeof v === 'string' ? v.replace(/[\r\n]/g, '') : undefined;
    if (text === undefined || !BASE64.test(text)) return this.wrong(field, 'is not base64');
    return Buffer.from(text, 'base64');
  }

  private time(field: Field): GoTime {
    const t = this.str(field);
    if (t === undefined) return ZERO_TIME;
    return isGoTime(t) ? t : this.wrong(field, `${JSON.stringify(t)} is not an RFC3339 time`);
  }

  read(raw: JsonValue, index: number): TreeNode {
    this.index = index;
    this.name = undefined;
    if (!isJsonObject(raw)) return this.fail(`${this.label()} is not an object`);
    this.fields = nodeFields(raw);
    if (this.onlyKnownFields) for (const key in raw) if (!FIELD_SET.has(key)) this.onlyKnownFields = false;

    const quoted = this.str('name') ?? '';
    let name: Buffer;
    try {
      name = goUnquoteInner(quoted);
    } catch {
      return this.fail(`${this.label()} has an invalid name ${JSON.stringify(quoted)} (Unquote: invalid syntax)`);
    }
    if (name.length === 0) return this.fail(`${this.label()} has no name`);
    this.name = name;

    const type = this.str('type');
    if (type === undefined || !NODE_TYPES.has(type)) return this.fail(`${this.label()} has an invalid type ${JSON.stringify(type ?? null)}`);

    const contentRaw = this.get('content');
    let content: Id[] | null = null;
    if (contentRaw !== undefined) {
      if (!Array.isArray(contentRaw)) return this.wrong('content', 'is not a list');
      content = contentRaw.map((c) => this.id(c, 'content'));
    }
    if (type === 'file' && content === null) return this.fail(`file ${this.shown()} has nil blob list`);

    const subtreeRaw = this.get('subtree');
    const subtree = subtreeRaw === undefined ? undefined : this.id(subtreeRaw, 'subtree');
    if (type === 'dir' && subtree === undefined) return this.fail(`dir ${this.shown()} has no subtree`);

    const node: TreeNode = {
      name,
      type: type as NodeType,
      mtime: this.time('mtime'),
      atime: this.time('atime'),
      ctime: this.time('ctime'),
      uid: this.u32('uid') ?? 0,
      gid: this.u32('gid') ?? 0,
      content,
    };
    const mode = this.u32('mode');
    if (mode !== undefined) node.mode = mode;
    const user = this.str('user');
    if (user !== undefined) node.user = user;
    const group = this.str('group');
    if (group !== undefined) node.group = group;
    const inode = this.u64('inode');
    if (inode !== undefined) node.inode = inode;
    const deviceId = this.u64('device_id');
    if (deviceId !== undefined) node.deviceId = deviceId;
    const size = this.u64('size');
    if (size !== undefined) node.size = size;
    const links = this.u64('links');
    if (links !== undefined) node.links = links;
    const target = this.str('linktarget');
    const targetRaw = this.bytes(this.get('linktarget_raw'), 'linktarget_raw');
    if (targetRaw !== undefined && targetRaw.length > 0) node.linktarget = targetRaw;
    else if (target !== undefined) node.linktarget = Buffer.from(target, 'utf8');
    const xattrs = this.get('extended_attributes');
    if (xattrs !== undefined) {
      if (!Array.isArray(xattrs)) return this.wrong('extended_attributes', 'is not a list');
      node.extendedAttributes = xattrs.map((a) => {
        if (!isJsonObject(a)) return this.wrong('extended_attributes', 'has an entry that is not an object');
        const attrName = a.name ?? null;
        if (attrName !== null && typeof attrName !== 'string') return this.wrong('extended_attributes', 'has a name that is not a string');
        return { name: attrName ?? '', value: this.bytes(a.value, 'extended attribute value') ?? Buffer.alloc(0) };
      });
    }
    const device = this.u64('device');
    if (device !== undefined) node.device = device;
    if (subtree !== undefined) node.subtree = subtree;
    const error = this.str('error');
    if (error !== undefined) node.error = error;
    return node;
  }
}
