// Checks JSON-RPC params before anything runs: a request with malformed params gets InvalidParams saying which
// field is wrong, and the backend keeps serving.
import { ErrorCodes, ResponseError } from 'vscode-jsonrpc';

export type Raw = Record<string, unknown>;

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
  return v as string[];
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
  return v;
}
