import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scryptWasm, scryptWasmAvailable } from '../../../server/src/repo/wasm/scryptwasm';
import { scryptReference } from '../../helpers/scrypt-reference';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const openssl = (password: Uint8Array, salt: Uint8Array, N: number, r: number, p: number, dkLen: number): Buffer =>
  scryptSync(password, salt, dkLen, { N, r, p, maxmem: 128 * N * r + 128 * r * p + 16 * 1024 * 1024 });

/** scryptWasm, failing the test if this runtime has no WebAssembly SIMD. */
function wasm(password: Uint8Array, salt: Uint8Array, N: number, r: number, p: number, dkLen: number): Buffer {
  const key = scryptWasm(password, salt, N, r, p, dkLen);
  if (key === undefined) throw new Error('scryptWasm is unavailable');
  return key;
}

/** A small deterministic generator (mulberry32), so a failing case can be reproduced. */
function randomSource(seed: number): { int(below: number): number; bytes(n: number): Buffer } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (below: number): number => Math.floor(next() * below);
  return { int, bytes: (n) => Buffer.from(Array.from({ length: n }, () => int(256))) };
}

// RFC 7914 §12 (the fourth vector, N = 2^20, needs 1 GiB and is left out).
const rfcVectors = [
  {
    password: '',
    salt: '',
    N: 16,
    r: 1,
    p: 1,
    dk: `77 d6 57 62 38 65 7b 20 3b 19 ca 42 c1 8a 04 97 f1 6b 48 44 e3 07 4a e8 df df fa 3f ed e2 14 42
         fc d0 06 9d ed 09 48 f8 32 6a 75 3a 0f c8 1f 17 e8 d3 e0 fb 2e 0d 36 28 cf 35 e2 0c 38 d1 89 06`,
  },
  {
    password: 'password',
    salt: 'NaCl',
    N: 1024,
    r: 8,
    p: 16,
    dk: `fd ba be 1c 9d 34 72 00 78 56 e7 19 0d 01 e9 fe 7c 6a d7 cb c8 23 78 30 e7 73 76 63 4b 37 31 62
         2e af 30 d9 2e 22 a3 88 6f f1 09 27 9d 98 30 da c7 27 af b9 4a 83 ee 6d 83 60 cb df a2 cc 06 40`,
  },
  {
    password: 'pleaseletmein',
    salt: 'SodiumChloride',
    N: 16384,
    r: 8,
    p: 1,
    dk: `70 23 bd cb 3a fd 73 48 46 1c 06 cd 81 fd 38 eb fd a8 fb ba 90 4f 8e 3e a9 b5 43 f6 54 5d a1 f2
         d5 43 29 55 61 3f 0f cf 62 d4 97 05 24 2a 9a f9 e6 1e 85 dc 0d 65 1e 40 df cf 01 7b 45 57 58 87`,
  },
];

describe('scryptWasm', () => {
  it('is available on this runtime (WebAssembly SIMD)', () => {
    expect(scryptWasmAvailable()).toBe(true);
  });

  for (const v of rfcVectors) {
    it(`matches RFC 7914 §12: P=${JSON.stringify(v.password)}, S=${JSON.stringify(v.salt)}, N=${v.N}, r=${v.r}, p=${v.p}`, () => {
      expect(wasm(utf8(v.password), utf8(v.salt), v.N, v.r, v.p, 64).toString('hex')).toBe(hex(v.dk).toString('hex'));
    });
  }

  it('matches crypto.scryptSync on random passwords, salts and parameters', () => {
    const random = randomSource(7914);
    const cases: [number, number, number, number][] = [
      [2, 1, 1, 1],
      [2, 9, 4, 100],
      [16384, 1, 1, 64],
      [16384, 9, 4, 33],
      [4096, 3, 4, 7],
      [8, 5, 3, 64],
      [4, 2, 2, 64], // the smallest N that skips every fourth V[i]
    ];
    while (cases.length < 40) {
      const N = 2 ** (1 + random.int(14));
      const r = 1 + random.int(9);
      const p = 1 + random.int(4);
      cases.push([N, r, p, 1 + random.int(100)]);
    }
    for (const [N, r, p, dkLen] of cases) {
      const password = random.bytes(random.int(80));
      const salt = random.bytes(random.int(80));
      const label = `N=${N} r=${r} p=${p} dkLen=${dkLen} password=${password.toString('hex')} salt=${salt.toString('hex')}`;
      expect(wasm(password, salt, N, r, p, dkLen).toString('hex'), label).toBe(openssl(password, salt, N, r, p, dkLen).toString('hex'));
    }
  });

  it('matches the plain reference where OpenSSL refuses (N >= 2^(16r))', () => {
    const [password, salt] = [utf8('lockstep'), utf8('salt')];
    expect(() => openssl(password, salt, 65536, 1, 1, 32)).toThrow();
    expect(wasm(password, salt, 65536, 1, 1, 32).toString('hex')).toBe(scryptReference(password, salt, 65536, 1, 1, 32).toString('hex'));
  });

  it('gives the same bytes call after call, with memory sized per call', () => {
    const [password, salt] = [utf8('again'), utf8('and again')];
    const big = wasm(password, salt, 16384, 8, 1, 64);
    const small = wasm(password, salt, 16, 2, 3, 64);
    expect(wasm(password, salt, 16384, 8, 1, 64)).toEqual(big);
    expect(wasm(password, salt, 16, 2, 3, 64)).toEqual(small);
    expect(small).toEqual(openssl(password, salt, 16, 2, 3, 64));
  });

  it('refuses parameters it cannot or should not run', () => {
    const [password, salt] = [utf8('x'), utf8('y')];
    expect(() => wasm(password, salt, 2 ** 21, 8, 1, 64)).toThrow(/MiB/); // 2 GiB for V
    for (const N of [0, 1, 3, 1000, 2.5]) expect(() => wasm(password, salt, N, 1, 1, 64)).toThrow(RangeError);
    expect(() => wasm(password, salt, 16, 0, 1, 64)).toThrow(RangeError);
    expect(() => wasm(password, salt, 16, 1, 0, 64)).toThrow(RangeError);
    expect(() => wasm(password, salt, 16, 1, 1, -1)).toThrow(RangeError);
  });
});

describe('scryptReference', () => {
  it('matches RFC 7914 §12 and crypto.scryptSync', () => {
    const v = rfcVectors[0];
    expect(scryptReference(utf8(v.password), utf8(v.salt), v.N, v.r, v.p, 64).toString('hex')).toBe(hex(v.dk).toString('hex'));
    const random = randomSource(1);
    for (const [N, r, p] of [
      [2, 1, 1],
      [64, 3, 2],
      [256, 8, 1],
    ]) {
      const [password, salt] = [random.bytes(20), random.bytes(16)];
      expect(scryptReference(password, salt, N, r, p, 48)).toEqual(openssl(password, salt, N, r, p, 48));
    }
  });
});
