/**
 * JSON the way Go's encoding/json (go1.19, as in restic 0.14) writes it, and a reader that keeps
 * 64-bit integers exact. Written from the documented behaviour of encoding/json:
 * - `"` and `\` are escaped with a backslash; `\n`, `\r`, `\t` keep their short forms;
 * - every other control character (including \b and \f in go1.19) becomes `\u00XX`;
 * - `<`, `>`, `&` become `\u003c`, `\u003e`, `\u0026` (HTML-safe mode, the default of json.Marshal);
 * - U+2028 and U+2029 become `\u2028`, `\u2029`;
 * - each byte that is not part of valid UTF-8 becomes `\ufffd`; everything else is written raw.
 */

const HEX = '0123456789abcdef';

function escapeAscii(c: number): string | undefined {
  if (c === 0x22) return '\\"';
  if (c === 0x5c) return '\\\\';
  if (c === 0x0a) return '\\n';
  if (c === 0x0d) return '\\r';
  if (c === 0x09) return '\\t';
  if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) return `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
  return undefined;
}

/** A JSON string literal (with quotes) as Go writes a Go string holding this text. Lone surrogates become `\ufffd`. */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\<>&\u2028\u2029\ud800-\udfff]/;

export function goJsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  let runStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x80) rep = escapeAscii(c);
    else if (c === 0x2028 || c === 0x2029) rep = `\\u${c.toString(16)}`;
    else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      rep = '\\ufffd';
    }
    if (rep !== undefined) {
      out += s.slice(runStart, i) + rep;
      runStart = i + 1;
    }
  }
  return `${out}${s.slice(runStart)}"`;
}

/**
 * Length of the valid UTF-8 sequence starting at `i` (1-4), or 0 if the byte there does not start one.
 * Follows Go's utf8.DecodeRune: overlong forms, surrogates and values above U+10FFFF are invalid.
 */
export function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) need = 1;
  else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    if (c === 0xe0) lo = 0xa0;
    else if (c === 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    if (c === 0xf0) lo = 0x90;
    else if (c === 0xf4) hi = 0x8f;
  } else return 0;
  const second = b[i + 1];
  if (second === undefined || second < lo || second > hi) return 0;
  for (let k = 2; k <= need; k++) {
    const x = b[i + k];
    if (x === undefined || (x & 0xc0) !== 0x80) return 0;
  }
  return need + 1;
}

/**
 * A JSON string literal (with quotes) as Go writes a Go string holding these raw bytes: valid UTF-8 is
 * written as text, each invalid byte as `\ufffd` (what restic 0.14 does to non-UTF-8 symlink targets).
 */
export function goJsonBytes(b: Uint8Array): string {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  let out = '"';
  let runStart = 0;
  let i = 0;
  while (i < buf.length) {
    const c = buf[i];
    let rep: string | undefined;
    let size = 1;
    if (c < 0x80) rep = escapeAscii(c);
    else {
      size = utf8SequenceLength(buf, i);
      if (size === 0) {
        rep = '\\ufffd';
        size = 1;
      } else if (size === 3 && c === 0xe2 && buf[i + 1] === 0x80 && (buf[i + 2] === 0xa8 || buf[i + 2] === 0xa9)) {
        rep = buf[i + 2] === 0xa8 ? '\\u2028' : '\\u2029';
      }
    }
    if (rep !== undefined) {
      out += buf.toString('utf8', runStart, i) + rep;
      runStart = i + size;
    }
    i += size;
  }
  return `${out}${buf.toString('utf8', runStart)}"`;
}

/** Go-style JSON for plain data (objects keep their key order; bigint for exact integers). */
export function goJsonValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot write ${v} as JSON`);
    return JSON.stringify(v);
  }
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map(goJsonValue).join(',')}]`;
  if (typeof v === 'object') {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x !== undefined) parts.push(`${goJsonString(k)}:${goJsonValue(x)}`);
    }
    return `{${parts.join(',')}}`;
  }
  throw new Error(`cannot write a ${typeof v} as JSON`);
}

/** A number exactly as written in the JSON text. */
export class JsonNumber {
  constructor(readonly text: string) {}
  isInteger(): boolean {
    return /^-?\d+$/.test(this.text);
  }
  toBigInt(): bigint {
    if (!this.isInteger()) throw new Error(`${this.text} is not an integer`);
    return BigInt(this.text);
  }
  toNumber(): number {
    return Number(this.text);
  }
}

export type JsonObject = { [key: string]: JsonValue };
/** Numbers are JsonNumber from parseJsonLossless, plain numbers from JSON.parse of a text hasOnlySmallIntegers accepts. */
export type JsonValue = null | boolean | string | number | JsonNumber | JsonValue[] | JsonObject;

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

/**
 * Whether every number in the JSON text `text` (outside its strings) is a plain integer of at most 15 digits, so
 * that JSON.parse reads it exactly, as the text it was. Scans from quote to quote; says no to anything unusual.
 */
export function hasOnlySmallIntegers(text: string): boolean {
  let at = 0;
  for (;;) {
    const quote = text.indexOf('"', at);
    const end = quote < 0 ? text.length : quote;
    if (!integersOnlyIn(text, at, end)) return false;
    if (quote < 0) return true;
    // Skip the string: find its closing quote (one not escaped by an odd run of backslashes).
    let close = quote;
    for (;;) {
      close = text.indexOf('"', close + 1);
      if (close < 0) return false;
      let slashes = 0;
      while (text.charCodeAt(close - 1 - slashes) === 0x5c) slashes++;
      if (slashes % 2 === 0) break;
    }
    at = close + 1;
  }
}

function integersOnlyIn(text: string, from: number, to: number): boolean {
  let digits = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (++digits > 15) return false;
    } else {
      if (digits > 0 && (c === 0x2e || c === 0x65 || c === 0x45)) return false;
      digits = 0;
    }
  }
  return true;
}

const MAX_DEPTH = 1000;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Parses strict JSON (RFC 8259), keeping numbers as their text so that 64-bit integers survive.
 * A "__proto__" key becomes an own property (never the prototype). Duplicate keys: the last wins (as in Go).
 * Throws a plain Error whose message starts with "invalid JSON".
 */
export function parseJsonLossless(text: string): JsonValue {
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`invalid JSON at offset ${at}: ${what}`);
  };
  const ws = (): void => {
    for (;;) {
      const c = text.charCodeAt(at);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) at++;
      else return;
    }
  };
  const string = (): string => {
    const start = at;
    at++;
    let plain = true;
    for (;;) {
      if (at >= text.length) fail('unterminated string');
      const c = text.charCodeAt(at);
      if (c === 0x22) break;
      if (c < 0x20) fail('control character in string');
      if (c === 0x5c) {
        plain = false;
        at++;
      }
      at++;
    }
    at++;
    if (plain) return text.slice(start + 1, at - 1);
    try {
      return JSON.parse(text.slice(start, at)) as string;
    } catch {
      return fail('invalid escape in string');
    }
  };
  const value = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    ws();
    const c = text[at];
    if (c === '{') {
      at++;
      const obj: JsonObject = {};
      ws();
      if (text[at] === '}') {
        at++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[at] !== '"') fail('expected a key');
        const key = string();
        ws();
        if (text[at] !== ':') fail('expected ":"');
        at++;
        const v = value(depth + 1);
        if (key === '__proto__') Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        else obj[key] = v;
        ws();
        const sep = text[at];
        at++;
        if (sep === '}') return obj;
        if (sep !== ',') fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      at++;
      const arr: JsonValue[] = [];
      ws();
      if (text[at] === ']') {
        at++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        const sep = text[at];
        at++;
        if (sep === ']') return arr;
        if (sep !== ',') fail('expected "," or "]"');
      }
    }
    if (c === '"') return string();
    if (text.startsWith('true', at)) {
      at += 4;
      return true;
    }
    if (text.startsWith('false', at)) {
      at += 5;
      return false;
    }
    if (text.startsWith('null', at)) {
      at += 4;
      return null;
    }
    NUMBER.lastIndex = at;
    const m = NUMBER.exec(text);
    if (!m) return fail(at >= text.length ? 'unexpected end' : 'unexpected character');
    at += m[0].length;
    return new JsonNumber(m[0]);
  };
  const result = value(0);
  ws();
  if (at !== text.length) fail('trailing characters');
  return result;
}
