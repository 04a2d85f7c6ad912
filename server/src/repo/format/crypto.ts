// restic's authenticated encryption (restic-format.md §2.1):
//   sealed = IV(16) || AES-256-CTR(enc, counter block = IV)(plaintext) || Poly1305-AES(k, r, IV, ciphertext)(16)
// AES comes from Node's OpenSSL. Node has no Poly1305, so this file carries its own, as small WebAssembly modules: a
// scalar one (wasm/poly1305.wat: 26-bit limbs in i64, two blocks per step; about 1.4 GiB/s on the project's 2-core
// machine), and for messages of POLY1305_SIMD_MIN bytes or more a SIMD128 one for the bulk of the message
// (wasm/poly1305-simd.wat: four blocks per step, about 2.1 GiB/s). @noble/ciphers' pure-JS Poly1305 (0.16-0.28
// GiB/s) is the fallback when WebAssembly is unavailable (for example `node --jitless`). All are checked against the
// paper's and RFC 8439's vectors, noble and a BigInt reference in the unit tests.
import { Cipher, createCipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { poly1305 as noblePoly1305 } from '@noble/ciphers/_poly1305.js';
import { CiphertextVerificationError } from '../../base/errors';
import { processTuning } from '../../base/processTuning';
import { wasmApi, WasmApi } from '../wasm/wasm';
import { wasmModuleBytes } from '../wasm/wasmmodules';

/** The repository's master key: AES-256 for content, Poly1305-AES (k, r) for authentication. */
export interface MasterKey {
  readonly encrypt: Buffer;
  readonly macK: Buffer;
  readonly macR: Buffer;
}

/** IV (16 bytes) before the ciphertext, MAC (16 bytes) after it. */
export const CRYPTO_OVERHEAD = 32;
const IV_SIZE = 16;
const MAC_SIZE = 16;
/** Poly1305's clamp on r, byte by byte (restic ≥0.17 stores r unclamped, so it is applied on every use). */
const CLAMP = Buffer.from('ffffff0ffcffff0ffcffff0ffcffff0f', 'hex');
/**
 * seal/open work in pieces of this size: AES-CTR output for one piece is a short-lived buffer that malloc
 * reuses (one big `update()` costs fresh pages, several times slower on this VM), and each piece is
 * MACed while it is still in cache.
 */
const PIECE = 64 * 1024;

// ---------------------------------------------------------------------------------------------------------
// Poly1305 in WebAssembly
// ---------------------------------------------------------------------------------------------------------

// Memory layout (byte offsets; the memory is 2 pages = 128 KiB, shared with the SIMD module). The modules have
// these offsets written in; the ones only they use are listed for the whole picture.
const MEM_KEY = 0; //     32 bytes: clamp(r) || s
const MEM_LAST = 32; //   64 bytes: an unfinished block (or SIMD step) of the message; the final block is padded here
const MEM_TAG = 96; //    16 bytes: the tag written by finish()
//            112         5 x i64: accumulator limbs (h)
//            152         5 x i64: r
//            192         5 x i64: r^2 mod 2^130-5
//            240         5 x 4 x u32: r^4, r^3, r^2, r side by side, written by powers() for the SIMD module
const MEM_SCALAR_END = 320;
const MEM_MSG = 512; //   PIECE bytes of message
const MEM_SIMD = MEM_MSG + PIECE; // the SIMD module's area (POLY1305_SIMD_AREA_BYTES: tables, state, constants)
const POLY1305_SIMD_AREA_BYTES = 880;
/** The SIMD module's blocks() takes whole steps of this many bytes (four blocks). */
const POLY1305_SIMD_STEP = 64;
const HIBIT = 1 << 24; // 2^128 in the top 26-bit limb: appended to every full 16-byte block
/**
 * Messages whose first update() has at least this many bytes go through the SIMD module: below about 700 bytes,
 * computing r^3, r^4 and the SIMD tables and collapsing the lanes cost more than the faster steps save.
 */
export const POLY1305_SIMD_MIN = 1024;

/** Which Poly1305 runs: the SIMD module for long messages (with the scalar one around it), the scalar one, noble. */
export type Poly1305Backend = 'wasm-simd' | 'wasm' | 'js';

/** An incremental Poly1305 over a 32-byte key (r || s; r is clamped inside). One at a time per thread. */
interface Poly1305Engine {
  readonly name: Poly1305Backend;
  begin(key32: Uint8Array): void;
  update(data: Uint8Array): void;
  /** Writes the 16-byte tag at out[offset..] and wipes the key state. */
  finish(out: Uint8Array, offset: number): void;
}

interface Poly1305Exports {
  mem: { buffer: ArrayBuffer };
  init(): void;
  blocks(ptr: number, len: number, hibit: number): void;
  finish(): void;
  powers(): void;
}

interface Poly1305SimdExports {
  prepare(): void;
  blocks(ptr: number, len: number): void;
  collapse(): void;
}

const BLOCK = 16;

/**
 * The SIMD module on the scalar module's memory. Throws where WebAssembly has no SIMD128 (the module does not
 * compile).
 */
function simdInstance(api: WasmApi, memory: object): Poly1305SimdExports {
  const module = new api.Module(wasmModuleBytes('poly1305-simd'));
  // WebAssembly exports are untyped; poly1305-simd.wat exports exactly these.
  return new api.Instance(module, { env: { mem: memory } }).exports as unknown as Poly1305SimdExports;
}

/**
 * Poly1305 in WebAssembly. A message is absorbed in units: 16-byte blocks by the scalar module, or, with SIMD
 * (`simdMin` given) and a first update() of at least simdMin bytes, 64-byte steps by the SIMD module. An
 * unfinished unit waits at MEM_LAST; finish() hands what is left (whole blocks, then the padded last one) to the
 * scalar module, after collapse() has put the SIMD lanes' sum where the scalar module keeps h.
 */
function wasmEngine(api: WasmApi, simdMin?: number): Poly1305Engine {
  const instance = new api.Instance(new api.Module(wasmModuleBytes('poly1305')), {});
  // WebAssembly exports are untyped; poly1305.wat exports exactly these.
  const x = instance.exports as unknown as Poly1305Exports;
  const mem = new Uint8Array(x.mem.buffer);
  if (mem.length < MEM_SIMD + POLY1305_SIMD_AREA_BYTES) throw new Error('Poly1305 module memory is too small');
  const simd = simdMin === undefined ? undefined : simdInstance(api, x.mem);
  let unit = 0; // 0 until the first update() chooses BLOCK or POLY1305_SIMD_STEP
  let pending = 0; // bytes of an unfinished unit waiting at MEM_LAST

  const chooseUnit = (firstLength: number): number => {
    if (simd === undefined || simdMin === undefined || firstLength < simdMin) return BLOCK;
    x.powers();
    simd.prepare();
    return POLY1305_SIMD_STEP;
  };
  const absorb = (ptr: number, len: number): void => {
    if (unit === POLY1305_SIMD_STEP && simd !== undefined) simd.blocks(ptr, len);
    else x.blocks(ptr, len, HIBIT);
  };
  const absorbRest = (): void => {
    const whole = pending & -BLOCK;
    if (whole > 0) x.blocks(MEM_LAST, whole, HIBIT);
    if (pending > whole) {
      mem[MEM_LAST + pending] = 1;
      mem.fill(0, MEM_LAST + pending + 1, MEM_LAST + whole + BLOCK);
      x.blocks(MEM_LAST + whole, BLOCK, 0);
    }
    pending = 0;
  };
  return {
    name: simd === undefined ? 'wasm' : 'wasm-simd',
    begin(key32) {
      mem.set(key32.subarray(0, 32), MEM_KEY);
      x.init();
      unit = 0;
      pending = 0;
    },
    update(data) {
      if (unit === 0) unit = chooseUnit(data.length);
      let at = 0;
      if (pending > 0) {
        const take = Math.min(unit - pending, data.length);
        mem.set(data.subarray(0, take), MEM_LAST + pending);
        pending += take;
        at = take;
        if (pending < unit) return;
        absorb(MEM_LAST, unit);
        pending = 0;
      }
      while (data.length - at >= unit) {
        const n = Math.min(PIECE, (data.length - at) & -unit);
        mem.set(data.subarray(at, at + n), MEM_MSG);
        absorb(MEM_MSG, n);
        at += n;
      }
      if (at < data.length) {
        mem.set(data.subarray(at), MEM_LAST);
        pending = data.length - at;
      }
    },
    finish(out, offset) {
      if (unit === POLY1305_SIMD_STEP && simd !== undefined) simd.collapse(); // also wipes the SIMD area
      absorbRest();
      x.finish();
      out.set(mem.subarray(MEM_TAG, MEM_TAG + MAC_SIZE), offset);
      mem.fill(0, 0, MEM_SCALAR_END);
      unit = 0;
    },
  };
}

function jsEngine(): Poly1305Engine {
  let mac: ReturnType<typeof noblePoly1305.create> | undefined;
  return {
    name: 'js',
    begin(key32) {
      mac = noblePoly1305.create(key32.subarray(0, 32));
    },
    update(data) {
      mac?.update(data);
    },
    finish(out, offset) {
      if (mac === undefined) throw new Error('Poly1305 finish() without begin()');
      out.set(mac.digest(), offset);
      mac = undefined;
    },
  };
}

/** The best engine this runtime can run, or exactly `backend` (the SIMD one taking messages from `simdMin` bytes). */
function makeEngine(backend?: Poly1305Backend, simdMin = POLY1305_SIMD_MIN): Poly1305Engine {
  if (backend === 'js' || wasmApi === undefined) return jsEngine();
  if (backend === 'wasm') return wasmEngine(wasmApi);
  if (backend === 'wasm-simd') return wasmEngine(wasmApi, simdMin);
  for (const min of [simdMin, undefined]) {
    try {
      return wasmEngine(wasmApi, min);
    } catch {
      // no SIMD128; or WebAssembly present but refusing the modules (for example a locked-down runtime)
    }
  }
  return jsEngine();
}

let engine: Poly1305Engine | undefined;

function poly(): Poly1305Engine {
  engine ??= makeEngine();
  return engine;
}

/**
 * Prepares the Poly1305 implementation. Compilation is synchronous and also happens on first use, so awaiting
 * this is optional; it is kept so callers can warm up early. Idempotent and cheap.
 */
export function cryptoReady(): Promise<void> {
  poly();
  return Promise.resolve();
}

/** Which Poly1305 is in use: 'wasm-simd' normally, 'wasm' without SIMD128, 'js' (noble) without WebAssembly. */
export function poly1305Backend(): Poly1305Backend {
  return poly().name;
}

/**
 * For tests: use exactly this backend, or (undefined) go back to the default choice. With 'wasm-simd', `simdMin`
 * moves the length from which messages go through the SIMD module (0: all of them).
 */
export function usePoly1305BackendForTesting(backend: Poly1305Backend | undefined, simdMin = POLY1305_SIMD_MIN): void {
  engine = backend === undefined ? undefined : makeEngine(backend, simdMin);
}

/** For tests: Poly1305 under a raw 32-byte key (r || s; r is clamped inside), the message given to update() in these pieces. */
export function poly1305ForTesting(key32: Uint8Array, pieces: readonly Uint8Array[]): Buffer {
  const p = poly();
  p.begin(key32);
  for (const piece of pieces) p.update(piece);
  const tag = Buffer.allocUnsafe(MAC_SIZE);
  p.finish(tag, 0);
  return tag;
}

// ---------------------------------------------------------------------------------------------------------
// Poly1305-AES, seal, open
// ---------------------------------------------------------------------------------------------------------

/**
 * AES-128 of one block. The ECB cipher for the last k is kept: setting one up costs more than MACing a small
 * blob, and ECB carries no state from one block to the next.
 */
let ecbKey: Buffer | undefined;
let ecb: Cipher | undefined;

function aes128Block(k: Buffer, block: Uint8Array): Buffer {
  if (ecb === undefined || ecbKey === undefined || !ecbKey.equals(k)) {
    ecb = createCipheriv('aes-128-ecb', k, null);
    ecb.setAutoPadding(false);
    ecbKey = Buffer.from(k);
  }
  const out = ecb.update(block);
  if (out.length !== 16) throw new Error('AES-128-ECB returned an unexpected length');
  return out;
}

/** Starts Poly1305-AES: key = clamp(r) || AES-128_k(nonce). */
function beginPoly1305Aes(macK: Buffer, macR: Buffer, nonce: Uint8Array): Poly1305Engine {
  if (macK.length !== 16 || macR.length !== 16) throw new Error('Poly1305-AES needs 16-byte k and r');
  if (nonce.length !== IV_SIZE) throw new Error('Poly1305-AES needs a 16-byte nonce');
  const s = aes128Block(macK, nonce);
  const key = Buffer.allocUnsafe(32);
  for (let i = 0; i < 16; i++) key[i] = macR[i] & CLAMP[i];
  s.copy(key, 16, 0, 16);
  const p = poly();
  p.begin(key);
  key.fill(0);
  return p;
}

/** Poly1305-AES as restic uses it: key = clamp(r) || AES-128_k(nonce), tag over `message`. */
export function poly1305Aes(macK: Buffer, macR: Buffer, nonce: Uint8Array, message: Uint8Array): Buffer {
  const p = beginPoly1305Aes(macK, macR, nonce);
  p.update(message);
  const tag = Buffer.allocUnsafe(MAC_SIZE);
  p.finish(tag, 0);
  return tag;
}

/** IVs come from a pool refilled in bulk: one CSPRNG call per 1024 blobs instead of one per blob. */
const IV_POOL_SIZE = IV_SIZE * 1024;
let ivPool = Buffer.alloc(0);
let ivPoolAt = 0;

function nextIv(): Buffer {
  for (;;) {
    if (ivPoolAt >= ivPool.length) {
      ivPool = randomBytes(IV_POOL_SIZE);
      ivPoolAt = 0;
    }
    const iv = ivPool.subarray(ivPoolAt, ivPoolAt + IV_SIZE);
    ivPoolAt += IV_SIZE;
    if (iv.some((b) => b !== 0)) return iv;
  }
}

function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/**
 * Encrypts and authenticates: IV || AES-256-CTR(plaintext) || Poly1305-AES(ciphertext). Writes into `into` (at
 * least plaintext length + CRYPTO_OVERHEAD bytes) when given, else into a new buffer.
 */
export function seal(key: MasterKey, plaintext: Uint8Array, into?: Buffer): Buffer {
  const n = plaintext.length;
  if (into && into.length < n + CRYPTO_OVERHEAD) throw new Error(`seal: ${into.length} bytes is too small for ${n + CRYPTO_OVERHEAD}`);
  const out = into ? into.subarray(0, n + CRYPTO_OVERHEAD) : Buffer.allocUnsafe(n + CRYPTO_OVERHEAD);
  const iv = nextIv();
  iv.copy(out, 0);
  const cipher = createCipheriv('aes-256-ctr', key.encrypt, iv);
  const mac = beginPoly1305Aes(key.macK, key.macR, iv);
  for (let at = 0; at < n; at += PIECE) {
    const ct = cipher.update(plaintext.subarray(at, Math.min(n, at + PIECE)));
    // CTR is a stream mode: OpenSSL returns exactly as many bytes as it is given.
    if (ct.length !== Math.min(PIECE, n - at)) throw new Error('AES-CTR returned an unexpected length');
    out.set(ct, IV_SIZE + at);
    mac.update(ct);
  }
  processTuning.noteCipherOutput(n);
  mac.finish(out, IV_SIZE + n);
  return out;
}

/**
 * Checks the MAC (constant-time compare) and only then decrypts. Throws CiphertextVerificationError. With
 * `inPlace`, the plaintext is written over the ciphertext and returned as a view of `sealed`.
 */
export function open(key: MasterKey, sealed: Uint8Array, inPlace = false): Buffer {
  if (sealed.length < CRYPTO_OVERHEAD) throw new CiphertextVerificationError();
  const buf = asBuffer(sealed);
  const iv = buf.subarray(0, IV_SIZE);
  if (iv.every((b) => b === 0)) throw new CiphertextVerificationError();
  const ct = buf.subarray(IV_SIZE, buf.length - MAC_SIZE);
  const expected = poly1305Aes(key.macK, key.macR, iv, ct);
  if (!timingSafeEqual(expected, buf.subarray(buf.length - MAC_SIZE))) throw new CiphertextVerificationError();
  const n = ct.length;
  const decipher = createCipheriv('aes-256-ctr', key.encrypt, iv);
  if (n <= PIECE && !inPlace) {
    // One piece: OpenSSL's output is the plaintext, without another buffer and a copy.
    const whole = decipher.update(ct);
    if (whole.length !== n) throw new Error('AES-CTR returned an unexpected length');
    processTuning.noteCipherOutput(n);
    return whole;
  }
  // Each piece is decrypted to a new buffer before it is copied back, so writing over the ciphertext is safe.
  const plain = inPlace ? ct : Buffer.allocUnsafe(n);
  for (let at = 0; at < n; at += PIECE) {
    const piece = decipher.update(ct.subarray(at, Math.min(n, at + PIECE)));
    if (piece.length !== Math.min(PIECE, n - at)) throw new Error('AES-CTR returned an unexpected length');
    plain.set(piece, at);
  }
  processTuning.noteCipherOutput(n);
  return plain;
}

/** A fresh master key from the CSPRNG (32 + 16 + 16 bytes), never all zero in any part. */
export function newRandomMasterKey(): MasterKey {
  for (;;) {
    const k = { encrypt: randomBytes(32), macK: randomBytes(16), macR: randomBytes(16) };
    if (isValidMasterKey(k)) return k;
  }
}

/** Right sizes, and no part all zero (restic refuses such keys). */
export function isValidMasterKey(k: MasterKey): boolean {
  const nonZero = (b: Buffer): boolean => b.some((x) => x !== 0);
  return k.encrypt.length === 32 && k.macK.length === 16 && k.macR.length === 16 && nonZero(k.encrypt) && nonZero(k.macK) && nonZero(k.macR);
}
