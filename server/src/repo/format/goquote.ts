import { LockstepError } from '../../base/errors';
import { utf8SequenceLength } from './gojson';

/**
 * Go's strconv.Quote / strconv.Unquote for the names in restic's trees, working on raw bytes.
 *
 * Printability approximates Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols
 * (Unicode categories L, M, N, P, S) and the ASCII space. restic 0.14 is built with go1.19, whose
 * tables are Unicode 13.0, while Node's regular expressions know a newer Unicode; code points that
 * were assigned after 13.0 (listed below, derived from the Unicode Character Database "Age"
 * property) are therefore treated as not printable, so a name such as "melt\u{1FAE0}" is written
 * as `melt\U0001fae0`, exactly as restic 0.14 writes it.
 */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Code points printable for Node's Unicode but unassigned in Unicode 13.0 (inclusive hex ranges). */
const NEWER_THAN_UNICODE_13 =
  '61d 870-88f 897-89f 8b5 8c8-8d2 c3c c5c-c5d cdc-cdd cf3 ece 170d 1715 171f 180f 1ac1-1add 1ae0-1aeb 1b4c ' +
  '1b4e-1b4f 1b7d-1b7f 1c89-1c8a 1dfa 20c0-20c1 2427-2429 2b96 2c2f 2c5f 2e53-2e5d 2ffc-2fff 31e4-31e5 31ef ' +
  '9ffd-9fff a7c0-a7c1 a7cb-a7dc a7f1-a7f4 fbc2-fbd2 fd40-fd4f fd90-fd91 fdc8-fdcf fdfe-fdff 10570-1057a ' +
  '1057c-1058a 1058c-10592 10594-10595 10597-105a1 105a3-105b1 105b3-105b9 105bb-105bc 105c0-105f3 10780-10785 ' +
  '10787-107b0 107b2-107ba 10940-10959 10d40-10d65 10d69-10d85 10d8e-10d8f 10ec2-10ec7 10ed0-10ed8 10efa-10eff ' +
  '10f70-10f89 11070-11075 110c2 1123f-11241 11380-11389 1138b 1138e 11390-113b5 113b7-113c0 113c2 113c5 ' +
  '113c7-113ca 113cc-113d5 113d7-113d8 113e1-113e2 116b9 116d0-116e3 11740-11746 11ab0-11abf 11b00-11b09 ' +
  '11b60-11b67 11bc0-11be1 11bf0-11bf9 11db0-11ddb 11de0-11de9 11f00-11f10 11f12-11f3a 11f3e-11f5a 12f90-12ff2 ' +
  '1342f 13440-13455 13460-143fa 16100-16139 16a70-16abe 16ac0-16ac9 16d40-16d79 16ea0-16eb8 16ebb-16ed3 ' +
  '16ff2-16ff6 187f8-187ff 18cff 18d09-18d1e 18d80-18df2 1aff0-1aff3 1aff5-1affb 1affd-1affe 1b11f-1b122 1b132 ' +
  '1b155 1cc00-1ccfc 1cd00-1ceb3 1ceba-1ced0 1cee0-1cef0 1cf00-1cf2d 1cf30-1cf46 1cf50-1cfc3 1d1e9-1d1ea ' +
  '1d2c0-1d2d3 1df00-1df1e 1df25-1df2a 1e030-1e06d 1e08f 1e290-1e2ae 1e4d0-1e4f9 1e5d0-1e5fa 1e5ff 1e6c0-1e6de ' +
  '1e6e0-1e6f5 1e6fe-1e6ff 1e7e0-1e7e6 1e7e8-1e7eb 1e7ed-1e7ee 1e7f0-1e7fe 1f6d8 1f6dc-1f6df 1f774-1f77f 1f7d9 ' +
  '1f7f0 1f8b2-1f8bb 1f8c0-1f8c1 1f8d0-1f8d8 1f979 1f9cc 1fa54-1fa57 1fa75-1fa77 1fa7b-1fa7c 1fa87-1fa8a ' +
  '1fa8e-1fa8f 1faa9-1faaf 1fab7-1fabf 1fac3-1fac6 1fac8 1facd-1facf 1fad7-1fadc 1fadf-1faea 1faef-1faf8 ' +
  '1fbcb-1fbef 1fbfa 2a6de-2a6df 2b735-2b73f 2cea2-2cead 2ebf0-2ee5d 31350-33479';

/** Sorted inclusive [start, end] pairs, flattened. */
const NEWER: readonly number[] = NEWER_THAN_UNICODE_13.split(' ').flatMap((r) => {
  const [a, b = a] = r.split('-');
  return [parseInt(a, 16), parseInt(b, 16)];
});

function isNewerThanUnicode13(cp: number): boolean {
  let lo = 0;
  let hi = NEWER.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (NEWER[2 * mid + 1] < cp) lo = mid + 1;
    else hi = mid;
  }
  return lo < NEWER.length / 2 && NEWER[2 * lo] <= cp;
}

/** Approximates Go 1.19's unicode.IsPrint for a code point at or above 0x80. */
function isPrintNonAscii(cp: number): boolean {
  return PRINTABLE.test(String.fromCodePoint(cp)) && !isNewerThanUnicode13(cp);
}

const hex = (v: number, width: number): string => v.toString(16).padStart(width, '0');

const SHORT_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/** Decodes the code point of a valid UTF-8 sequence of `size` bytes at `i`. */
function codePointAt(b: Uint8Array, i: number, size: number): number {
  if (size === 1) return b[i];
  let cp = b[i] & (0x7f >> size);
  for (let k = 1; k < size; k++) cp = (cp << 6) | (b[i + k] & 0x3f);
  return cp;
}

/**
 * Go's strconv.Quote(name) without the outer quotes: `\xHH` for bytes that are not valid UTF-8,
 * `\a \b \f \n \r \t \v`, `\\` and `\"`, `\xHH` for other ASCII controls and DEL, `\uXXXX` or
 * `\UXXXXXXXX` for runes that are not printable; printable runes stay as they are.
 */
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

export function goQuoteInner(name: Uint8Array): string {
  if (name.length < 256) {
    const latin1 = Buffer.from(name.buffer, name.byteOffset, name.byteLength).toString('latin1');
    if (PLAIN_ASCII.test(latin1)) return latin1;
  }
  let out = '';
  let i = 0;
  while (i < name.length) {
    const c = name[i];
    if (c >= 0x20 && c < 0x7f) {
      out += c === 0x5c ? '\\\\' : c === 0x22 ? '\\"' : String.fromCharCode(c);
      i++;
      continue;
    }
    if (c < 0x80) {
      out += SHORT_ESCAPES[c] ?? `\\x${hex(c, 2)}`;
      i++;
      continue;
    }
    const size = utf8SequenceLength(name, i);
    if (size === 0) {
      out += `\\x${hex(c, 2)}`;
      i++;
      continue;
    }
    const cp = codePointAt(name, i, size);
    i += size;
    if (isPrintNonAscii(cp)) out += String.fromCodePoint(cp);
    else if (cp <= 0xffff) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return out;
}

const SIMPLE_UNESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 0x5c, '"': 0x22 };

/**
 * Go's strconv.Unquote('"' + s + '"') as raw bytes. Throws a LockstepError when Go would report
 * invalid syntax: a raw `"` or newline, an unknown escape (including `\'`), bad hex or octal digits,
 * or a `\u`/`\U` value that is a surrogate or above U+10FFFF.
 */
export function goUnquoteInner(s: string): Buffer {
  if (!/["\\\n]/.test(s)) return Buffer.from(s, 'utf8');
  const fail = (): never => {
    throw new LockstepError(`invalid quoted name ${JSON.stringify(s)}: invalid syntax`);
  };
  const parts: Buffer[] = [];
  const bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length) {
      parts.push(Buffer.from(bytes));
      bytes.length = 0;
    }
  };
  let runStart = 0;
  let i = 0;
  const endRun = (): void => {
    if (i > runStart) {
      flush();
      parts.push(Buffer.from(s.slice(runStart, i), 'utf8'));
    }
  };
  while (i < s.length) {
    const ch = s[i];
    if (ch === '"' || ch === '\n') fail();
    if (ch !== '\\') {
      i++;
      continue;
    }
    endRun();
    const e = s[i + 1];
    i += 2;
    if (e !== undefined && e in SIMPLE_UNESCAPES) bytes.push(SIMPLE_UNESCAPES[e]);
    else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const digits = s.slice(i, i + n);
      if (digits.length !== n || !/^[0-9a-fA-F]+$/.test(digits)) fail();
      const v = parseInt(digits, 16);
      i += n;
      if (e === 'x') bytes.push(v);
      else if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) fail();
      else bytes.push(...Buffer.from(String.fromCodePoint(v), 'utf8'));
    } else if (e !== undefined && e >= '0' && e <= '7') {
      const digits = s.slice(i - 1, i + 2);
      if (!/^[0-7]{3}$/.test(digits)) fail();
      const v = parseInt(digits, 8);
      if (v > 255) fail();
      bytes.push(v);
      i += 2;
    } else fail();
    runStart = i;
  }
  endRun();
  flush();
  return Buffer.concat(parts);
}
