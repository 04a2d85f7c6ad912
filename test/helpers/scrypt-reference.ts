// scrypt straight from RFC 7914 in plain TypeScript: slow, for checking the WebAssembly scrypt with any N, r, p.
import { pbkdf2Sync } from 'node:crypto';
import { checkScryptParameters } from '../../server/src/repo/wasm/scryptwasm';

const rotl = (v: number, bits: number): number => (v << bits) | (v >>> (32 - bits));

/** Salsa20/8 core on the 16 words at b[at..at+16), in place. */
function salsa20x8(b: Uint32Array, at: number): void {
  const x = b.slice(at, at + 16);
  const quarter = (t: number, u: number, v: number, bits: number): void => {
    x[t] ^= rotl((x[u] + x[v]) | 0, bits);
  };
  const columns = [
    [0, 4, 8, 12],
    [5, 9, 13, 1],
    [10, 14, 2, 6],
    [15, 3, 7, 11],
  ];
  const rows = [
    [0, 1, 2, 3],
    [5, 6, 7, 4],
    [10, 11, 8, 9],
    [15, 12, 13, 14],
  ];
  for (let round = 0; round < 8; round += 2) {
    for (const [p0, p1, p2, p3] of [...columns, ...rows]) {
      quarter(p1, p0, p3, 7);
      quarter(p2, p1, p0, 9);
      quarter(p3, p2, p1, 13);
      quarter(p0, p3, p2, 18);
    }
  }
  for (let i = 0; i < 16; i++) b[at + i] = (b[at + i] + x[i]) | 0;
}

/** BlockMix of the 32r words of b into out. */
function blockMixReference(b: Uint32Array, r: number, out: Uint32Array): void {
  const x = b.slice((2 * r - 1) * 16, 2 * r * 16);
  for (let i = 0; i < 2 * r; i++) {
    for (let w = 0; w < 16; w++) x[w] ^= b[i * 16 + w];
    salsa20x8(x, 0);
    out.set(x, ((i % 2) * r + (i >> 1)) * 16);
  }
}

function romixReference(b: Uint32Array, N: number, r: number): void {
  const words = 32 * r;
  const v = new Uint32Array(N * words);
  const x = b.slice();
  const y = new Uint32Array(words);
  for (let i = 0; i < N; i++) {
    v.set(x, i * words);
    blockMixReference(x, r, y);
    x.set(y);
  }
  for (let i = 0; i < N; i++) {
    const j = x[(2 * r - 1) * 16] % N;
    for (let w = 0; w < words; w++) x[w] ^= v[j * words + w];
    blockMixReference(x, r, y);
    x.set(y);
  }
  b.set(x);
}

/** scrypt straight from RFC 7914 in plain TypeScript, for checking scryptWasm with any N, r, p (slow). */
export function scryptReference(password: Uint8Array, salt: Uint8Array, N: number, r: number, p: number, dkLen: number): Buffer {
  checkScryptParameters(N, r, p, dkLen);
  const lanes = pbkdf2Sync(password, salt, 1, p * 128 * r, 'sha256');
  const words = new Uint32Array(32 * r);
  for (let lane = 0; lane < p; lane++) {
    const at = lane * 128 * r;
    for (let w = 0; w < words.length; w++) words[w] = lanes.readUInt32LE(at + 4 * w);
    romixReference(words, N, r);
    for (let w = 0; w < words.length; w++) lanes.writeUInt32LE(words[w], at + 4 * w);
  }
  return pbkdf2Sync(password, lanes, 1, dkLen, 'sha256');
}
