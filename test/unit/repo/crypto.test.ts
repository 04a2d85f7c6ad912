import { beforeAll, describe, expect, it } from 'vitest';
import { CiphertextVerificationError } from '../../../server/src/errors';
import { cryptoReady, MasterKey, newRandomMasterKey, open, poly1305Aes, seal } from '../../../server/src/repo/crypto';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

beforeAll(cryptoReady);

describe('Poly1305-AES (vectors from restic-format.md §7)', () => {
  const vectors = [
    ['f3f6', '851fc40c3467ac0be05cc20404f3f700', 'ec074c835580741701425b623235add6', 'fb447350c4e868c52ac3275cf9d4327e', 'f4c633c3044fc145f84f335cb81953de'],
    ['', 'a0f3080000f46400d0c7e9076c834403', '75deaa25c09f208e1dc4ce6b5cad3fbf', '61ee09218d29b0aaed7e154a2c5509cc', 'dd3fab2251f11ac759f0887129cc2ee7'],
    ['663cea190ffb83d89593f3f476b6bc24d7e679107ea26adb8caf6652d0656136', '48443d0bb0d21109c89a100b5ce2c208', '6acb5f61a7176dd320c5c1eb2edcdc74', 'ae212a55399729595dea458bc621ff0e', '0ee1c16bb73f0f4fd19881753c01cdbe'],
    ['ab0812724a7f1e342742cbed374d94d136c6b8795d45b3819830f2c04491faf0990c62e48b8018b2c3e4a0fa3134cb67fa83e158c994d961c4cb21095c1bf9', '12976a08c4426d0ce8a82407c4f48207', 'e1a5668a4d5b66a5f68cc5424ed5982d', '9ae831e743978d3a23527c7128149e3a', '5154ad0d2cb26e01274fc51148491f1b'],
  ];
  for (const [msg, r, k, nonce, mac] of vectors) {
    it(`message of ${msg.length / 2} bytes`, () => {
      expect(poly1305Aes(hex(k), hex(r), hex(nonce), hex(msg)).toString('hex')).toBe(mac);
    });
  }
  it('clamps r itself (restic 0.17+ stores it unclamped)', () => {
    const [msg, r, k, nonce, mac] = vectors[0];
    const unclamped = hex(r);
    unclamped[3] |= 0xf0;
    unclamped[4] |= 0x03;
    expect(poly1305Aes(hex(k), unclamped, hex(nonce), hex(msg)).toString('hex')).toBe(mac);
  });
});

describe('seal and open', () => {
  const key: MasterKey = {
    encrypt: hex('303e8687b1d7db18421bdc6bb8588ccadac4d59ee87b8ff70c44e635790cafef'),
    macK: hex('ef4d8824cb80b2bcc5fbff8a9b12a42c'),
    macR: hex('cc8d4b948ee0ebfe1d415de921d10353'),
  };
  const sealed = hex('69fb41c62d12def4593bd71757138606' + '338f621aeaeb39da0fe4f99233f8037a54ea' + '63338a813bcf3f75d8c3cc75dddf8750');

  it('opens restic\'s test vector', () => {
    expect(open(key, sealed).toString()).toBe('Dies ist ein Test!');
  });

  for (const [what, at] of [['the IV', 3], ['the ciphertext', 20], ['the MAC', sealed.length - 2]] as const) {
    it(`rejects a change to ${what}`, () => {
      const bad = Buffer.from(sealed);
      bad[at] ^= 1;
      expect(() => open(key, bad)).toThrow(CiphertextVerificationError);
    });
  }

  it('rejects short input and an all-zero IV', () => {
    expect(() => open(key, Buffer.alloc(31))).toThrow(CiphertextVerificationError);
    const zeroIv = Buffer.from(sealed);
    zeroIv.fill(0, 0, 16);
    expect(() => open(key, zeroIv)).toThrow(CiphertextVerificationError);
  });

  it('round-trips empty and multi-MiB plaintexts with fresh IVs', () => {
    const k = newRandomMasterKey();
    for (const size of [0, 1, 4096, 5 * 1024 * 1024 + 3]) {
      const plain = Buffer.alloc(size, size % 251);
      const a = seal(k, plain);
      const b = seal(k, plain);
      expect(a.length).toBe(size + 32);
      expect(a.equals(b)).toBe(false);
      expect(open(k, a).equals(plain)).toBe(true);
    }
  });

  it('a different key cannot open it', () => {
    expect(() => open(newRandomMasterKey(), seal(newRandomMasterKey(), Buffer.from('x')))).toThrow(CiphertextVerificationError);
  });
});
