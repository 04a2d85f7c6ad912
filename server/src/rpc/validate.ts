// Checks JSON-RPC params before anything runs: a request with malformed params gets InvalidParams saying which
// field is wrong, and the backend keeps serving.
import { isAbsolute } from 'node:path';
import { ErrorCodes, ResponseError } from 'vscode-jsonrpc';
import type { BackupChanges, FullWalkRequest } from '../../../shared/src/protocol';

export type Raw = Record<string, unknown>;

/**
 * What one request may carry. A backup's strings go into its snapshot, which every later `snapshots`, `forget` and
 * `backup` loads: a 50 MB tag was accepted and then made each `snapshots` take 1.2 GB. A string is at most a path
 * (PATH_MAX is 4096 bytes on Linux); a list is bounded in entries and in characters over all of them.
 */
export const PARAM_LIMITS = { stringChars: 4096, listEntries: 10_000, listChars: 1 << 20 } as const;

function invalid(message: string): never {
  throw new ResponseError(ErrorCodes.InvalidParams, message);
}

/** The params object (an absent one counts as empty). */
export function paramsObject(params: unknown): Raw {
  if (params === undefined || params === null) return {};
  if (typeof params !== 'object' || Array.isArray(params)) invalid('params must be an object');
  return params as Raw;
}

export function optString(p: Raw, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') invalid(`params.${name} must be a string`);
  if (v.length > PARAM_LIMITS.stringChars) invalid(`params.${name} is longer than ${PARAM_LIMITS.stringChars} characters`);
  return v;
}

export function reqString(p: Raw, name: string): string {
  const v = optString(p, name);
  if (v === undefined || v === '') invalid(`params.${name} is required`);
  return v;
}

export function optBoolean(p: Raw, name: string): boolean | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') invalid(`params.${name} must be true or false`);
  return v;
}

export function optCount(p: Raw, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < -1) invalid(`params.${name} must be a whole number (-1 for unlimited)`);
  return v;
}

export function optMilliseconds(p: Raw, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) invalid(`params.${name} must be a number of milliseconds, 0 or more`);
  return v;
}

export function optStrings(p: Raw, name: string): string[] | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) invalid(`params.${name} must be a list of strings`);
  const list = v as string[];
  if (list.length > PARAM_LIMITS.listEntries) invalid(`params.${name} has more than ${PARAM_LIMITS.listEntries} entries`);
  if (list.some((s) => s.length > PARAM_LIMITS.stringChars)) invalid(`params.${name} has an entry longer than ${PARAM_LIMITS.stringChars} characters`);
  if (list.reduce((sum, s) => sum + s.length, 0) > PARAM_LIMITS.listChars) invalid(`params.${name} is longer than ${PARAM_LIMITS.listChars} characters in all`);
  return list;
}

export function reqStrings(p: Raw, name: string): string[] {
  const v = optStrings(p, name);
  if (!v || v.length === 0) invalid(`params.${name} must name at least one entry`);
  return v;
}

export function optToken(p: Raw): string | number | undefined {
  const v = p.workDoneToken;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') invalid('params.workDoneToken must be a string or a number');
  if (typeof v === 'string' && v.length > PARAM_LIMITS.stringChars) invalid(`params.workDoneToken is longer than ${PARAM_LIMITS.stringChars} characters`);
  return v;
}

const FULL_WALK_REQUESTS: readonly string[] = ['watcher-started', 'watcher-overflowed', 'requested'] satisfies FullWalkRequest[];

/** A backup's change list (BackupChanges): absolute paths, a known full-walk reason, minutes 0 or more. */
export function optBackupChanges(p: Raw): BackupChanges | undefined {
  const v = p.changes;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) invalid('params.changes must be an object');
  // Each field read under its full name, so that a complaint names params.changes.<field>.
  const raw = Object.fromEntries(Object.entries(v as Raw).map(([k, value]) => [`changes.${k}`, value]));
  const absolute = (name: string, list: string[] | undefined): string[] => {
    const bad = (list ?? []).find((entry) => !isAbsolute(entry));
    if (bad !== undefined) invalid(`params.${name} must hold absolute paths, not ${JSON.stringify(bad)}`);
    return list ?? [];
  };
  const fullWalk = optString(raw, 'changes.fullWalk');
  if (fullWalk !== undefined && !FULL_WALK_REQUESTS.includes(fullWalk)) invalid(`params.changes.fullWalk must be ${FULL_WALK_REQUESTS.join(' or ')}`);
  const minutes = raw['changes.fullScanMinutes'];
  if (minutes !== undefined && minutes !== null && (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes < 0)) {
    invalid('params.changes.fullScanMinutes must be a number of minutes, 0 or more');
  }
  return {
    since: optString(raw, 'changes.since'),
    paths: absolute('changes.paths', optStrings(raw, 'changes.paths')),
    watchedFolders: absolute('changes.watchedFolders', optStrings(raw, 'changes.watchedFolders')),
    watcherExcludes: optStrings(raw, 'changes.watcherExcludes') ?? [],
    fullWalk: fullWalk as FullWalkRequest | undefined,
    fullScanMinutes: typeof minutes === 'number' ? minutes : undefined,
  };
}
