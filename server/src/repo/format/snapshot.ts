import { CorruptFileError, LockstepError } from '../../base/errors';
import { goJsonString, goJsonValue, isJsonObject, JsonNumber, JsonObject, JsonValue, parseJsonLossless } from './gojson';
import { GoTime, parseGoTime } from './gotime';
import { Id, isId } from './ids';

export interface Snapshot {
  time: GoTime;
  parent?: Id;
  tree: Id;
  paths: string[];
  hostname?: string;
  username?: string;
  uid?: number;
  gid?: number;
  excludes?: string[];
  tags?: string[];
  original?: Id;
  programVersion?: string;
  /** Written with snake_case keys (camelCase keys are converted); integers beyond 2^53 are read as bigint. */
  summary?: Record<string, unknown>;
}

/** The summary fields newer restic writes, in its struct order. */
const SUMMARY_ORDER = [
  'backup_start', 'backup_end', 'files_new', 'files_changed', 'files_unmodified', 'dirs_new', 'dirs_changed', 'dirs_unmodified',
  'data_blobs', 'tree_blobs', 'data_added', 'data_added_packed', 'total_files_processed', 'total_bytes_processed',
];

const snakeCase = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function encodeSummary(summary: Record<string, unknown>): string {
  const entries = new Map<string, unknown>();
  for (const [k, v] of Object.entries(summary)) if (v !== undefined) entries.set(snakeCase(k), v);
  const keys = [...SUMMARY_ORDER.filter((k) => entries.has(k)), ...[...entries.keys()].filter((k) => !SUMMARY_ORDER.includes(k))];
  return `{${keys.map((k) => `${goJsonString(k)}:${goJsonValue(entries.get(k))}`).join(',')}}`;
}

const list = (items: readonly string[]): string => `[${items.map(goJsonString).join(',')}]`;

/**
 * restic's snapshot JSON: Go field order, omitempty fields left out (so uid/gid 0 are not written),
 * Go string escaping, no trailing newline.
 */
export function encodeSnapshot(s: Snapshot): string {
  const bad = (what: string): never => {
    throw new LockstepError(`cannot write snapshot: ${what}`);
  };
  const id = (v: string, what: string): string => (isId(v) ? `"${v}"` : bad(`${what} ${JSON.stringify(v)} is not a valid ID`));
  const u32 = (v: number, what: string): number => (Number.isInteger(v) && v >= 0 && v <= 0xffffffff ? v : bad(`${what} ${v} is not a uint32`));
  try {
    parseGoTime(s.time);
  } catch {
    bad(`time ${JSON.stringify(s.time)} is not an RFC3339 time`);
  }
  const fields: string[] = [`"time":${goJsonString(s.time)}`];
  if (s.parent) fields.push(`"parent":${id(s.parent, 'parent')}`);
  fields.push(`"tree":${id(s.tree, 'tree')}`, `"paths":${list(s.paths)}`);
  if (s.hostname) fields.push(`"hostname":${goJsonString(s.hostname)}`);
  if (s.username) fields.push(`"username":${goJsonString(s.username)}`);
  if (s.uid) fields.push(`"uid":${u32(s.uid, 'uid')}`);
  if (s.gid) fields.push(`"gid":${u32(s.gid, 'gid')}`);
  if (s.excludes?.length) fields.push(`"excludes":${list(s.excludes)}`);
  if (s.tags?.length) fields.push(`"tags":${list(s.tags)}`);
  if (s.original) fields.push(`"original":${id(s.original, 'original')}`);
  if (s.programVersion) fields.push(`"program_version":${goJsonString(s.programVersion)}`);
  if (s.summary) fields.push(`"summary":${encodeSummary(s.summary)}`);
  return `{${fields.join(',')}}`;
}

/** Plain JS data from parsed JSON: safe integers and fractions as number, bigger integers as bigint. */
function plain(v: JsonValue): unknown {
  if (v instanceof JsonNumber) {
    if (v.isInteger()) {
      const n = v.toBigInt();
      return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
    }
    return v.toNumber();
  }
  if (Array.isArray(v)) return v.map(plain);
  if (isJsonObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

const SNAPSHOT_FIELDS = [
  'time', 'parent', 'tree', 'paths', 'hostname', 'username', 'uid', 'gid', 'excludes', 'tags', 'original', 'program_version', 'summary',
] as const;
type SnapshotField = (typeof SNAPSHOT_FIELDS)[number];

/** Known fields; like Go's decoder, an exact key match wins over a case-insensitive one. Unknown keys are ignored. */
function snapshotFields(raw: JsonObject): Map<SnapshotField, JsonValue> {
  const out = new Map<SnapshotField, JsonValue>();
  const known: ReadonlySet<string> = new Set(SNAPSHOT_FIELDS);
  for (const key of Object.keys(raw)) {
    const lower = key.toLowerCase();
    const field = known.has(key) ? key : known.has(lower) && !Object.prototype.hasOwnProperty.call(raw, lower) ? lower : undefined;
    if (field !== undefined && raw[key] !== null) out.set(field as SnapshotField, raw[key]);
  }
  return out;
}

/**
 * Reads a snapshot file. Unknown fields are ignored; `time` (RFC 3339) and `tree` (a valid ID) are
 * required; fields of the wrong type raise a CorruptFileError naming `fileForErrors`.
 */
export function parseSnapshot(json: string, fileForErrors: string): Snapshot {
  const fail = (detail: string): never => {
    throw new CorruptFileError(fileForErrors, detail);
  };
  let doc: JsonValue;
  try {
    doc = parseJsonLossless(json);
  } catch (err) {
    return fail(err instanceof Error ? err.message : 'invalid JSON');
  }
  if (!isJsonObject(doc)) return fail('it is not a JSON object');
  const f = snapshotFields(doc);
  const str = (k: SnapshotField): string | undefined => {
    const v = f.get(k);
    if (v === undefined) return undefined;
    return typeof v === 'string' ? v : fail(`${k} is not a string`);
  };
  const strings = (k: SnapshotField): string[] | undefined => {
    const v = f.get(k);
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) return fail(`${k} is not a list of strings`);
    return v as string[];
  };
  const id = (k: SnapshotField): Id | undefined => {
    const v = str(k);
    if (v === undefined) return undefined;
    const lower = v.toLowerCase();
    return isId(lower) ? lower : fail(`${k} ${JSON.stringify(v)} is not a valid ID`);
  };
  const u32 = (k: SnapshotField): number | undefined => {
    const v = f.get(k);
    if (v === undefined) return undefined;
    if (!(v instanceof JsonNumber) || !v.isInteger() || v.text.startsWith('-') || v.toBigInt() > 0xffffffffn) return fail(`${k} is not a uint32`);
    return v.toNumber();
  };

  const time = str('time') ?? fail('the snapshot has no time');
  try {
    parseGoTime(time);
  } catch {
    fail(`time ${JSON.stringify(time)} is not an RFC3339 time`);
  }
  const tree = id('tree') ?? fail('the snapshot has no tree');
  const s: Snapshot = { time, tree, paths: strings('paths') ?? [] };
  const parent = id('parent');
  if (parent !== undefined) s.parent = parent;
  const hostname = str('hostname');
  if (hostname !== undefined) s.hostname = hostname;
  const username = str('username');
  if (username !== undefined) s.username = username;
  const uid = u32('uid');
  if (uid !== undefined) s.uid = uid;
  const gid = u32('gid');
  if (gid !== undefined) s.gid = gid;
  const excludes = strings('excludes');
  if (excludes !== undefined) s.excludes = excludes;
  const tags = strings('tags');
  if (tags !== undefined) s.tags = tags;
  const original = id('original');
  if (original !== undefined) s.original = original;
  const programVersion = str('program_version');
  if (programVersion !== undefined) s.programVersion = programVersion;
  const summary = f.get('summary');
  if (summary !== undefined) {
    if (!isJsonObject(summary)) return fail('summary is not an object');
    s.summary = plain(summary) as Record<string, unknown>;
  }
  return s;
}
