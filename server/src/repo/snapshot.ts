import { failIn, parseJsonFile } from './jsonfile';
import { goJsonString } from './gojson';
import { GoTime } from './gotime';
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
  summary?: Record<string, unknown>;
}

const list = (items: string[]): string => `[${items.map(goJsonString).join(',')}]`;

/** restic's snapshot JSON: Go field order, empty fields left out, no trailing newline. */
export function encodeSnapshot(s: Snapshot): string {
  const fields: string[] = [`"time":${goJsonString(s.time)}`];
  if (s.parent) fields.push(`"parent":"${s.parent}"`);
  fields.push(`"tree":"${s.tree}"`, `"paths":${list(s.paths)}`);
  if (s.hostname) fields.push(`"hostname":${goJsonString(s.hostname)}`);
  if (s.username) fields.push(`"username":${goJsonString(s.username)}`);
  if (s.uid) fields.push(`"uid":${s.uid}`);
  if (s.gid) fields.push(`"gid":${s.gid}`);
  if (s.excludes?.length) fields.push(`"excludes":${list(s.excludes)}`);
  if (s.tags?.length) fields.push(`"tags":${list(s.tags)}`);
  if (s.original) fields.push(`"original":"${s.original}"`);
  if (s.programVersion) fields.push(`"program_version":${goJsonString(s.programVersion)}`);
  if (s.summary) fields.push(`"summary":${JSON.stringify(s.summary)}`);
  return `{${fields.join(',')}}`;
}

export function parseSnapshot(json: string, fileForErrors: string): Snapshot {
  const fail = failIn(fileForErrors);
  const raw = parseJsonFile(json, fileForErrors);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('it is not a JSON object');
  const r = raw as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const strings = (v: unknown, what: string): string[] | undefined => {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return fail(`${what} is not a list of strings`);
    return v as string[];
  };
  const id = (v: unknown, what: string): Id | undefined => {
    if (v === undefined || v === null || v === '') return undefined;
    return typeof v === 'string' && isId(v) ? v : fail(`${what} is not a valid ID`);
  };
  if (typeof r.time !== 'string') return fail('the snapshot has no time');
  const tree = id(r.tree, 'tree') ?? fail('the snapshot has no tree');
  return {
    time: r.time,
    parent: id(r.parent, 'parent'),
    tree,
    paths: strings(r.paths, 'paths') ?? [],
    hostname: str(r.hostname),
    username: str(r.username),
    uid: typeof r.uid === 'number' ? r.uid : undefined,
    gid: typeof r.gid === 'number' ? r.gid : undefined,
    excludes: strings(r.excludes, 'excludes'),
    tags: strings(r.tags, 'tags'),
    original: id(r.original, 'original'),
    programVersion: str(r.program_version),
    summary: typeof r.summary === 'object' && r.summary !== null ? (r.summary as Record<string, unknown>) : undefined,
  };
}
