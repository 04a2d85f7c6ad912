/** JSON the way Go's encoding/json writes it, and a reader that keeps big integers exact. */

/** A JSON string literal as Go escapes it (HTML characters and U+2028/2029 too). */
export function goJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += s[i] + s[i + 1];
        i++;
      } else out += '\\ufffd';
    } else out += s[i];
  }
  return `${out}"`;
}

/** A number exactly as written in the JSON text. */
export class JsonNumber {
  constructor(readonly text: string) {}
  toBigInt(): bigint {
    if (!/^-?\d+$/.test(this.text)) throw new Error(`${this.text} is not an integer`);
    return BigInt(this.text);
  }
  toNumber(): number {
    return Number(this.text);
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [key: string]: JsonValue };

/** Parses JSON, keeping numbers as their text so that 64-bit integers survive. */
export function parseJsonLossless(text: string): JsonValue {
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`invalid JSON at offset ${at}: ${what}`);
  };
  const ws = (): void => {
    while (at < text.length && (text[at] === ' ' || text[at] === '\n' || text[at] === '\r' || text[at] === '\t')) at++;
  };
  const value = (): JsonValue => {
    ws();
    const c = text[at];
    if (c === '{') {
      at++;
      const obj: { [key: string]: JsonValue } = {};
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
        if (text[at++] !== ':') fail('expected ":"');
        obj[key] = value();
        ws();
        const sep = text[at++];
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
        arr.push(value());
        ws();
        const sep = text[at++];
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
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at, at + 64));
    if (!m) return fail('unexpected character');
    at += m[0].length;
    return new JsonNumber(m[0]);
  };
  const string = (): string => {
    const start = at;
    at++;
    let simple = true;
    while (at < text.length && text[at] !== '"') {
      if (text[at] === '\\') {
        simple = false;
        at++;
      }
      at++;
    }
    if (at >= text.length) fail('unterminated string');
    at++;
    const literal = text.slice(start, at);
    if (simple && !/[\u0000-\u001f]/.test(literal)) return literal.slice(1, -1);
    try {
      return JSON.parse(literal) as string;
    } catch {
      return fail('invalid string');
    }
  };
  const result = value();
  ws();
  if (at !== text.length) fail('trailing characters');
  return result;
}
