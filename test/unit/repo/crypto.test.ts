import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { poly1305 as noblePoly1305 } from '@noble/ciphers/_poly1305.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CiphertextVerificationError } from '../../../server/src/base/errors';
import {
  CRYPTO_OVERHEAD,
  cryptoReady,
  isValidMasterKey,
  MasterKey,
  newRandomMasterKey,
  open,
  Poly1305Backend,
  poly1305Aes,
  poly1305Backend,
  poly1305ForTesting,
  seal,
  usePoly1305BackendForTesting,
} from '../../../server/src/repo/format/crypto';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

beforeAll(cryptoReady);
afterEach(() => usePoly1305BackendForTesting(undefined));

/** Poly1305 straight from its definition, with BigInt: the reference the fast code is checked against. */
function referencePoly1305(key32: Uint8Array, msg: Uint8Array): Buffer {
  const le = (b: Uint8Array): bigint => {
    let x = 0n;
    for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]);
    return x;
  };
  const r = le(key32.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  const s = le(key32.subarray(16, 32));
  const p = (1n << 130n) - 5n;
  let h = 0n;
  for (let i = 0; i < msg.length; i += 16) {
    const block = msg.subarray(i, i + 16);
    h = ((h + le(block) + (1n << BigInt(8 * block.length))) * r) % p;
  }
  h = (h + s) & ((1n << 128n) - 1n);
  const out = Buffer.alloc(16);
  for (let i = 0; i < 16; i++, h >>= 8n) out[i] = Number(h & 0xffn);
  return out;
}

/** Poly1305-AES built independently: key = r || AES-128_k(nonce) (the reference clamps r itself). */
function referencePoly1305Aes(k: Buffer, r: Buffer, nonce: Buffer, msg: Uint8Array): Buffer {
  const ecb = createCipheriv('aes-128-ecb', k, null);
  ecb.setAutoPadding(false);
  return referencePoly1305(Buffer.concat([r, ecb.update(nonce)]), msg);
}

/** name, backend, the length from which the SIMD module takes a message (0: every message goes through it) */
const backends: readonly (readonly [string, Poly1305Backend, number?])[] = [
  ['WebAssembly SIMD', 'wasm-simd'],
  ['WebAssembly SIMD on every length', 'wasm-simd', 0],
  ['scalar WebAssembly', 'wasm'],
  ['pure-JS fallback', 'js'],
];

// restic-format.md §7 (Bernstein's Poly1305-AES vectors): msg, r, k, nonce, mac
const vectors = [
  ['f3f6', '851fc40c3467ac0be05cc20404f3f700', 'ec074c835580741701425b623235add6', 'fb447350c4e868c52ac3275cf9d4327e', 'f4c633c3044fc145f84f335cb81953de'],
  ['', 'a0f3080000f46400d0c7e9076c834403', '75deaa25c09f208e1dc4ce6b5cad3fbf', '61ee09218d29b0aaed7e154a2c5509cc', 'dd3fab2251f11ac759f0887129cc2ee7'],
  [
    '663cea190ffb83d89593f3f476b6bc24d7e679107ea26adb8caf6652d0656136',
    '48443d0bb0d21109c89a100b5ce2c208',
    '6acb5f61a7176dd320c5c1eb2edcdc74',
    'ae212a55399729595dea458bc621ff0e',
    '0ee1c16bb73f0f4fd19881753c01cdbe',
  ],
  [
    'ab0812724a7f1e342742cbed374d94d136c6b8795d45b3819830f2c04491faf0990c62e48b8018b2c3e4a0fa3134cb67fa83e158c994d961c4cb21095c1bf9',
    '12976a08c4426d0ce8a82407c4f48207',
    'e1a5668a4d5b66a5f68cc5424ed5982d',
    '9ae831e743978d3a23527c7128149e3a',
    '5154ad0d2cb26e01274fc51148491f1b',
  ],
] as const;

// restic's testValues: enc, k, r and a sealed "Dies ist ein Test!"
const testKey: MasterKey = {
  encrypt: hex('303e8687b1d7db18421bdc6bb8588ccadac4d59ee87b8ff70c44e635790cafef'),
  macK: hex('ef4d8824cb80b2bcc5fbff8a9b12a42c'),
  macR: hex('cc8d4b948ee0ebfe1d415de921d10353'),
};
const testSealed = hex('69fb41c62d12def4593bd71757138606' + '338f621aeaeb39da0fe4f99233f8037a54ea' + '63338a813bcf3f75d8c3cc75dddf8750');

it('uses the WebAssembly SIMD Poly1305 by default', () => {
  expect(poly1305Backend()).toBe('wasm-simd');
});

it('cryptoReady() can be awaited again', async () => {
  await expect(cryptoReady()).resolves.toBeUndefined();
  await expect(cryptoReady()).resolves.toBeUndefined();
});

for (const [backendName, backend, simdMin] of backends) {
  describe(`Poly1305-AES with the ${backendName}`, () => {
    const use = (): void => usePoly1305BackendForTesting(backend, simdMin);

    for (const [msg, r, k, nonce, mac] of vectors) {
      it(`matches the §7 vector for a ${msg.length / 2}-byte message`, () => {
        use();
        expect(poly1305Aes(hex(k), hex(r), hex(nonce), hex(msg)).toString('hex')).toBe(mac);
      });
    }

    it('clamps r itself (restic 0.17+ stores it unclamped)', () => {
      use();
      const [msg, r, k, nonce, mac] = vectors[0];
      const unclamped = hex(r);
      for (const i of [3, 7, 11, 15]) unclamped[i] |= 0xf0;
      for (const i of [4, 8, 12]) unclamped[i] |= 0x03;
      expect(poly1305Aes(hex(k), unclamped, hex(nonce), hex(msg)).toString('hex')).toBe(mac);
    });

    it('agrees with a BigInt reference on every length to 200 bytes, long messages and all-ones inputs', () => {
      use();
      const lengths = [...Array.from({ length: 201 }, (_, i) => i), 1000, 4095, 65535, 65536, 65537, 65536 + 31, 65536 + 32, 65536 + 33, 200_003];
      for (const len of lengths) {
        const allOnes = len % 5 === 0;
        const k = randomBytes(16);
        const r = allOnes ? Buffer.alloc(16, 0xff) : randomBytes(16);
        const nonce = randomBytes(16);
        const msg = allOnes ? Buffer.alloc(len, 0xff) : randomBytes(len);
        const got = poly1305Aes(k, r, nonce, msg).toString('hex');
        expect(got, `length ${len}`).toBe(referencePoly1305Aes(k, r, nonce, msg).toString('hex'));
      }
    });

    it('keeps no state from one message to the next', () => {
      use();
      const [msg, r, k, nonce, mac] = vectors[3];
      poly1305Aes(randomBytes(16), randomBytes(16), randomBytes(16), randomBytes(77)); // leaves a partial block behind
      expect(poly1305Aes(hex(k), hex(r), hex(nonce), hex(msg)).toString('hex')).toBe(mac);
      expect(poly1305Aes(hex(k), hex(r), hex(nonce), hex(msg)).toString('hex')).toBe(mac);
    });

    it("opens restic's sealed test vector", () => {
      use();
      expect(open(testKey, testSealed).toString()).toBe('Dies ist ein Test!');
    });

    it('round-trips empty, odd-sized and multi-MiB plaintexts with fresh IVs', () => {
      use();
      const k = newRandomMasterKey();
      for (const size of [0, 1, 15, 16, 17, 4096, 65535, 65536, 65537, 3 * 65536 + 5, 5 * 1024 * 1024 + 3]) {
        const plain = randomBytes(size);
        const a = seal(k, plain);
        const b = seal(k, plain);
        expect(a.length).toBe(size + CRYPTO_OVERHEAD);
        expect(a.subarray(0, 16).equals(b.subarray(0, 16))).toBe(false);
        expect(open(k, a).equals(plain), `size ${size}`).toBe(true);
        expect(open(k, b).equals(plain), `size ${size}`).toBe(true);
      }
    });
  });
}

describe('Poly1305 engines', () => {
  const nobleTag = (key: Uint8Array, msg: Uint8Array): string => Buffer.from(noblePoly1305(msg, key)).toString('hex');
  const split = (msg: Uint8Array, size: number): Uint8Array[] => {
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < msg.length; at += size) pieces.push(msg.subarray(at, at + size));
    return pieces;
  };
  interface Case {
    what: string;
    key: Uint8Array;
    pieces: readonly Uint8Array[];
    expected: string;
  }
  /** Every case with every backend, one backend at a time (making an engine compiles its modules). */
  const expectAllAgree = (cases: readonly Case[], which = backends): void => {
    for (const [name, backend, simdMin] of which) {
      usePoly1305BackendForTesting(backend, simdMin);
      for (const c of cases) expect(poly1305ForTesting(c.key, c.pieces).toString('hex'), `${name}, ${c.what}`).toBe(c.expected);
    }
  };

  it('matches the RFC 8439 §2.5.2 vector', () => {
    const key = hex('85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b');
    const msg = Buffer.from('Cryptographic Forum Research Group');
    const expected = 'a8061dc1305136c6c22b8baf0c0127a9';
    expect(nobleTag(key, msg)).toBe(expected);
    expectAllAgree([
      { what: 'whole', key, pieces: [msg], expected },
      { what: 'byte by byte', key, pieces: split(msg, 1), expected },
    ]);
  });

  it('all give the same tag as noble on every length to 300 bytes, with random keys and with all-ones keys and messages', () => {
    const cases: Case[] = [];
    for (let len = 0; len <= 300; len++) {
      for (const allOnes of [false, true]) {
        const key = allOnes ? Buffer.alloc(32, 0xff) : randomBytes(32);
        const msg = allOnes ? Buffer.alloc(len, 0xff) : randomBytes(len);
        cases.push({ what: `length ${len}${allOnes ? ', all ones' : ''}`, key, pieces: [msg], expected: nobleTag(key, msg) });
      }
    }
    expectAllAgree(cases);
  });

  it('all give the same tag as noble on long messages, whole or given to update() in pieces of 1, 15, 16, 17, 63 and 64 Ki bytes', () => {
    // Not the pure-JS backend: noble is the reference here, and fed a byte at a time it takes seconds per MiB.
    const wasmBackends = backends.filter(([, backend]) => backend !== 'js');
    for (const len of [2 * 1024 * 1024 - 1, 65536 + 63, Math.floor(Math.random() * 2 * 1024 * 1024)]) {
      const key = randomBytes(32);
      const msg = randomBytes(len);
      const expected = nobleTag(key, msg);
      const cases = [len, 1, 15, 16, 17, 63, 65536].map((size) => ({ what: `length ${len}, pieces of ${size}`, key, pieces: split(msg, size), expected }));
      expectAllAgree(cases, wasmBackends);
    }
  });

  it('all agree on random lengths given in random pieces, one message after another', () => {
    const cases: Case[] = [];
    for (let n = 0; n < 300; n++) {
      const allOnes = n % 7 === 0;
      const key = allOnes ? Buffer.alloc(32, 0xff) : randomBytes(32);
      const len = Math.floor(Math.random() * (n % 3 === 0 ? 70_000 : 3000));
      const msg = allOnes ? Buffer.alloc(len, 0xff) : randomBytes(len);
      const size = n % 2 === 0 ? len + 1 : 1 + Math.floor(Math.random() * 200);
      cases.push({ what: `length ${len}, pieces of ${size}`, key, pieces: split(msg, size), expected: nobleTag(key, msg) });
    }
    expectAllAgree(cases);
  });
});

describe('seal', () => {
  it('writes IV || AES-256-CTR(full IV as counter) || Poly1305-AES over the ciphertext only', () => {
    const k = newRandomMasterKey();
    for (const size of [0, 5, 64, 65536 + 7, 200_000]) {
      const plain = randomBytes(size);
      const sealed = seal(k, plain);
      const iv = sealed.subarray(0, 16);
      const ct = sealed.subarray(16, 16 + size);
      const dec = createDecipheriv('aes-256-ctr', k.encrypt, iv);
      expect(Buffer.concat([dec.update(ct), dec.final()]).equals(plain)).toBe(true);
      expect(sealed.subarray(16 + size).toString('hex')).toBe(referencePoly1305Aes(k.macK, k.macR, Buffer.from(iv), ct).toString('hex'));
    }
  });

  it('counts across the whole IV as one 128-bit big-endian number', () => {
    // IV ff..ff: the second block's counter wraps to 00..00. Build the object from AES-ECB by hand and open it.
    const iv = Buffer.alloc(16, 0xff);
    const plain = Buffer.from('0123456789abcdef0123456789ABCDEF!');
    const ecb = createCipheriv('aes-256-ecb', testKey.encrypt, null);
    ecb.setAutoPadding(false);
    const counterBlocks = Buffer.concat([iv, Buffer.alloc(16), Buffer.from('00000000000000000000000000000001', 'hex')]);
    const keystream = ecb.update(counterBlocks);
    const ct = Buffer.from(plain.map((b, i) => b ^ keystream[i]));
    const sealed = Buffer.concat([iv, ct, referencePoly1305Aes(testKey.macK, testKey.macR, iv, ct)]);
    expect(open(testKey, sealed).equals(plain)).toBe(true);
  });

  it('accepts a plain Uint8Array view with an offset', () => {
    const k = newRandomMasterKey();
    const backing = new Uint8Array(100).map((_, i) => i);
    const view = backing.subarray(10, 90);
    const sealed = seal(k, view);
    const copy = new Uint8Array(sealed.length + 7);
    copy.set(sealed, 7);
    expect(Buffer.from(open(k, copy.subarray(7))).equals(Buffer.from(view))).toBe(true);
  });
});

describe('open', () => {
  for (const [what, at] of [
    ['the IV', 3],
    ['the ciphertext', 20],
    ['the MAC', testSealed.length - 2],
  ] as const) {
    it(`rejects a change to ${what}`, () => {
      const bad = Buffer.from(testSealed);
      bad[at] ^= 1;
      expect(() => open(testKey, bad)).toThrow(CiphertextVerificationError);
      expect(() => open(testKey, bad)).toThrow('ciphertext verification failed');
    });
  }

  it('rejects a truncated or extended object', () => {
    expect(() => open(testKey, testSealed.subarray(0, testSealed.length - 1))).toThrow(CiphertextVerificationError);
    expect(() => open(testKey, Buffer.concat([testSealed, Buffer.alloc(1)]))).toThrow(CiphertextVerificationError);
  });

  it('rejects input shorter than 32 bytes and an all-zero IV', () => {
    expect(() => open(testKey, Buffer.alloc(0))).toThrow(CiphertextVerificationError);
    expect(() => open(testKey, Buffer.alloc(31, 1))).toThrow(CiphertextVerificationError);
    const zeroIv = Buffer.from(testSealed);
    zeroIv.fill(0, 0, 16);
    expect(() => open(testKey, zeroIv)).toThrow(CiphertextVerificationError);
    // Even when the MAC is right for that IV: the IV itself is refused.
    const ct = zeroIv.subarray(16, zeroIv.length - 16);
    const forged = Buffer.concat([Buffer.alloc(16), ct, poly1305Aes(testKey.macK, testKey.macR, Buffer.alloc(16), ct)]);
    expect(() => open(testKey, forged)).toThrow(CiphertextVerificationError);
  });

  it('in place, decrypts over the ciphertext (several pieces long) and gives a view of it; a bad MAC changes nothing', () => {
    const k = newRandomMasterKey();
    const plain = randomBytes(200_000);
    const sealed = seal(k, plain);
    const bad = Buffer.from(sealed);
    bad[100] ^= 1;
    const badCopy = Buffer.from(bad);
    expect(() => open(k, bad, true)).toThrow(CiphertextVerificationError);
    expect(bad.equals(badCopy)).toBe(true);
    const opened = open(k, sealed, true);
    expect(opened.buffer).toBe(sealed.buffer);
    expect(opened.byteOffset).toBe(sealed.byteOffset + 16);
    expect(opened.equals(plain)).toBe(true);
  });

  it('opens a 32-byte object (empty plaintext)', () => {
    const k = newRandomMasterKey();
    const sealed = seal(k, Buffer.alloc(0));
    expect(sealed.length).toBe(32);
    expect(open(k, sealed).length).toBe(0);
  });

  it('a different key cannot open it', () => {
    expect(() => open(newRandomMasterKey(), seal(newRandomMasterKey(), Buffer.from('x')))).toThrow(CiphertextVerificationError);
  });

  it('checks the MAC with the MAC key, not the encryption key', () => {
    const k = newRandomMasterKey();
    const sealed = seal(k, Buffer.from('hello'));
    expect(() => open({ ...k, macR: randomBytes(16) }, sealed)).toThrow(CiphertextVerificationError);
    expect(() => open({ ...k, macK: randomBytes(16) }, sealed)).toThrow(CiphertextVerificationError);
    // Right MAC key, wrong AES key: authenticates, decrypts to garbage (as restic's construction does).
    expect(open({ ...k, encrypt: randomBytes(32) }, sealed).toString()).not.toBe('hello');
  });
});

describe('master keys', () => {
  it('newRandomMasterKey gives valid, different keys of the right sizes', () => {
    const a = newRandomMasterKey();
    const b = newRandomMasterKey();
    expect([a.encrypt.length, a.macK.length, a.macR.length]).toEqual([32, 16, 16]);
    expect(isValidMasterKey(a)).toBe(true);
    expect(a.encrypt.equals(b.encrypt)).toBe(false);
  });

  it('isValidMasterKey refuses all-zero parts and wrong sizes', () => {
    const k = newRandomMasterKey();
    expect(isValidMasterKey({ ...k, encrypt: Buffer.alloc(32) })).toBe(false);
    expect(isValidMasterKey({ ...k, macK: Buffer.alloc(16) })).toBe(false);
    expect(isValidMasterKey({ ...k, macR: Buffer.alloc(16) })).toBe(false);
    expect(isValidMasterKey({ ...k, encrypt: randomBytes(16) })).toBe(false);
    expect(isValidMasterKey({ ...k, macR: randomBytes(32) })).toBe(false);
  });
});
