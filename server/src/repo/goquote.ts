import { LockstepError } from '../errors';

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/**
 * Go's strconv.Quote without the outer quotes, over raw bytes: how restic stores file names.
 * Printability follows Go's unicode.IsPrint through Unicode categories (L, M, N, P, S and the space).
 */
export function goQuoteInner(name: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < name.length) {
    const [rune, size] = decodeRune(name, i);
    if (rune < 0) {
      out += `\\x${name[i].toString(16).padStart(2, '0')}`;
      i++;
      continue;
    }
    i += size;
    const ch = String.fromCodePoint(rune);
    if (rune === 0x5c) out += '\\\\';
    else if (rune === 0x22) out += '\\"';
    else if (rune < 0x80 && rune >= 0x20 && rune !== 0x7f) out += ch;
    else if (rune >= 0x80 && PRINTABLE.test(ch)) out += ch;
    else if (rune === 0x07) out += '\\a';
    else if (rune === 0x08) out += '\\b';
    else if (rune === 0x0c) out += '\\f';
    else if (rune === 0x0a) out += '\\n';
    else if (rune === 0x0d) out += '\\r';
    else if (rune === 0x09) out += '\\t';
    else if (rune === 0x0b) out += '\\v';
    else if (rune < 0x80) out += `\\x${rune.toString(16).padStart(2, '0')}`;
    else if (rune <= 0xffff) out += `\\u${rune.toString(16).padStart(4, '0')}`;
    else out += `\\U${rune.toString(16).padStart(8, '0')}`;
  }
  return out;
}

/** One UTF-8 rune at `i`: [code point, byte length], or [-1, 1] for an invalid byte. */
function decodeRune(b: Uint8Array, i: number): [number, number] {
  const c = b[i];
  if (c < 0x80) return [c, 1];
  let need: number;
  let min: number;
  let cp: number;
  if (c >= 0xc2 && c <= 0xdf) [need, min, cp] = [1, 0x80, c & 0x1f];
  else if (c >= 0xe0 && c <= 0xef) [need, min, cp] = [2, 0x800, c & 0x0f];
  else if (c >= 0xf0 && c <= 0xf4) [need, min, cp] = [3, 0x10000, c & 0x07];
  else return [-1, 1];
  for (let k = 1; k <= need; k++) {
    const x = b[i + k];
    if (x === undefined || (x & 0xc0) !== 0x80) return [-1, 1];
    cp = (cp << 6) | (x & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return [-1, 1];
  return [cp, need + 1];
}

/** Go's strconv.Unquote of `"` + s + `"`, to raw bytes. */
export function goUnquoteInner(s: string): Buffer {
  if (!s.includes('\\') && !s.includes('"') && !s.includes('\n')) return Buffer.from(s, 'utf8');
  const out: number[] = [];
  const pushUtf8 = (cp: number): void => {
    out.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
  };
  const fail = (): never => {
    throw new LockstepError(`invalid quoted name ${JSON.stringify(s)}`);
  };
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    if (cp === 0x22 || cp === 0x0a) fail();
    if (cp !== 0x5c) {
      pushUtf8(cp);
      i += len;
      continue;
    }
    const e = s[i + 1];
    i += 2;
    const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 0x5c, '"': 0x22 };
    if (e in simple) out.push(simple[e]);
    else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = s.slice(i, i + n);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) fail();
      const v = parseInt(hex, 16);
      i += n;
      if (e === 'x') out.push(v);
      else if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) fail();
      else pushUtf8(v);
    } else if (e !== undefined && e >= '0' && e <= '7') {
      const oct = s.slice(i - 1, i + 2);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) fail();
      out.push(parseInt(oct, 8));
      i += 2;
    } else fail();
  }
  return Buffer.from(out);
}
