import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../server/src/base/errors';
import { goJsonBytes, goJsonString } from '../../../server/src/repo/format/gojson';
import { goQuoteInner, goUnquoteInner } from '../../../server/src/repo/format/goquote';

const bytes = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('goQuoteInner (Go strconv.Quote without the quotes)', () => {
  it('escapes quote and backslash, keeps HTML characters (JSON escapes those later)', () => {
    expect(goQuoteInner(bytes('we"ird<&>name'))).toBe('we\\"ird<&>name');
    expect(goQuoteInner(bytes('back\\slash'))).toBe('back\\\\slash');
    expect(goQuoteInner(bytes("it's"))).toBe("it's");
  });

  it('writes invalid UTF-8 bytes as \\xHH', () => {
    expect(goQuoteInner(bytes('bad', [0xff], 'name'))).toBe('bad\\xffname');
    expect(goQuoteInner(bytes([0xe2, 0x82], 'A'))).toBe('\\xe2\\x82A'); // truncated sequence: one escape per byte
    expect(goQuoteInner(bytes([0xed, 0xa0, 0x80]))).toBe('\\xed\\xa0\\x80'); // UTF-8 encoded surrogate
    expect(goQuoteInner(bytes([0xc0, 0xaf]))).toBe('\\xc0\\xaf'); // overlong
    expect(goQuoteInner(bytes([0xf4, 0x90, 0x80, 0x80]))).toBe('\\xf4\\x90\\x80\\x80'); // above U+10FFFF
    expect(goQuoteInner(bytes([0xf0, 0x9f, 0x98]))).toBe('\\xf0\\x9f\\x98'); // cut at the end
  });

  it('uses the short escapes and \\xHH for other ASCII controls', () => {
    expect(goQuoteInner(bytes('\x07\b\f\n\r\t\v'))).toBe('\\a\\b\\f\\n\\r\\t\\v');
    expect(goQuoteInner(bytes('ctl\x01\b\f\x7f'))).toBe('ctl\\x01\\b\\f\\x7f'); // as restic 0.14 stored it
    expect(goQuoteInner(bytes([0]))).toBe('\\x00');
  });

  it('keeps printable runes raw and escapes the others as \\u / \\U', () => {
    expect(goQuoteInner(bytes('nb\u00a0sp'))).toBe('nb\\u00a0sp');
    expect(goQuoteInner(bytes('emoji\u{1F600} ü é\u0301 日本'))).toBe('emoji\u{1F600} ü é\u0301 日本');
    expect(goQuoteInner(bytes('ls\u2028x'))).toBe('ls\\u2028x');
    expect(goQuoteInner(bytes('priv\ue000'))).toBe('priv\\ue000'); // private use (Co)
    expect(goQuoteInner(bytes('soft\u00adhyphen\u200b\u3000'))).toBe('soft\\u00adhyphen\\u200b\\u3000');
    expect(goQuoteInner(bytes('\u{E0001}'))).toBe('\\U000e0001'); // tag character (Cf)
    expect(goQuoteInner(bytes('\ufffd'))).toBe('\ufffd'); // a real U+FFFD is printable
  });

  it('treats characters newer than Unicode 13 (go1.19) as not printable', () => {
    // restic 0.14 stored "melt🫠" (U+1FAE0, Unicode 14) as melt\U0001fae0.
    expect(goQuoteInner(bytes('melt\u{1FAE0}'))).toBe('melt\\U0001fae0');
    expect(goQuoteInner(bytes('\u{1FA78}'))).toBe('\u{1FA78}'); // drop of blood, Unicode 12
    expect(goQuoteInner(bytes('\u20c0'))).toBe('\\u20c0'); // som sign, Unicode 14
    expect(goQuoteInner(bytes('\u20bf'))).toBe('\u20bf'); // bitcoin sign, Unicode 10
  });

  it('is JSON-encoded as restic writes names', () => {
    expect(goJsonString(goQuoteInner(bytes('we"ird<&>name')))).toBe('"we\\\\\\"ird\\u003c\\u0026\\u003ename"');
    expect(goJsonString(goQuoteInner(bytes('bad', [0xff], 'name')))).toBe('"bad\\\\xffname"');
    expect(goJsonString(goQuoteInner(bytes('nb\u00a0sp')))).toBe('"nb\\\\u00a0sp"');
  });
});

describe('goUnquoteInner (Go strconv.Unquote to bytes)', () => {
  it('reverses the examples', () => {
    expect(goUnquoteInner('we\\"ird<&>name')).toEqual(bytes('we"ird<&>name'));
    expect(goUnquoteInner('bad\\xffname')).toEqual(bytes('bad', [0xff], 'name'));
    expect(goUnquoteInner('nb\\u00a0sp')).toEqual(bytes('nb\u00a0sp'));
    expect(goUnquoteInner('melt\\U0001fae0')).toEqual(bytes('melt\u{1FAE0}'));
    expect(goUnquoteInner('emoji\u{1F600}')).toEqual(bytes('emoji\u{1F600}'));
  });

  it('knows every Go escape', () => {
    expect(goUnquoteInner('\\a\\b\\f\\n\\r\\t\\v\\\\\\"')).toEqual(bytes('\x07\b\f\n\r\t\v\\"'));
    expect(goUnquoteInner('\\101\\377\\000')).toEqual(bytes('A', [0xff, 0]));
    expect(goUnquoteInner('\\x41\\xFF\\u00E9')).toEqual(bytes('A', [0xff], 'é'));
  });

  it('turns a backslash-t into a TAB and keeps raw control characters', () => {
    expect(goUnquoteInner('a\\tb')).toEqual(bytes('a\tb'));
    expect(goUnquoteInner('a\tb')).toEqual(bytes('a\tb'));
  });

  it('refuses what Go refuses', () => {
    for (const s of ['raw"quote', 'new\nline', 'trailing\\', "\\'", '\\q', '\\x1', '\\xg0', '\\u12', '\\ud800', '\\U00110000', '\\400', '\\12']) {
      expect(() => goUnquoteInner(s), s).toThrow(LockstepError);
    }
  });

  it('round-trips random bytes', () => {
    for (let i = 0; i < 2000; i++) {
      const b = randomBytes(1 + (i % 40));
      if (i % 3 === 0) b.write('é\u{1F600}"\\', i % b.length);
      expect(goUnquoteInner(goQuoteInner(b)).equals(b)).toBe(true);
    }
  });
});

describe('Go JSON string escaping', () => {
  it('escapes like encoding/json in go1.19', () => {
    expect(goJsonString('a"b\\c\n\r\t')).toBe('"a\\"b\\\\c\\n\\r\\t"');
    expect(goJsonString('\b\f\x01\x1f\x7f')).toBe('"\\u0008\\u000c\\u0001\\u001f\x7f"');
    expect(goJsonString('<&>\u2028\u2029')).toBe('"\\u003c\\u0026\\u003e\\u2028\\u2029"');
    expect(goJsonString('ü\u{1F600}\ud800')).toBe('"ü\u{1F600}\\ufffd"');
  });

  it('writes each invalid UTF-8 byte as \\ufffd, a real U+FFFD raw', () => {
    expect(goJsonBytes(bytes('tgt', [0xfe], '<'))).toBe('"tgt\\ufffd\\u003c"');
    expect(goJsonBytes(bytes([0xe2, 0x82], 'x'))).toBe('"\\ufffd\\ufffdx"');
    expect(goJsonBytes(bytes('\ufffd\u2028é'))).toBe('"\ufffd\\u2028é"');
  });
});
