import { createCipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import sodium from 'libsodium-wrappers-sumo';
import { CiphertextVerificationError } from '../errors';

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
const CLAMP = Buffer.from('ffffff0ffcffff0ffcffff0ffcffff0f', 'hex');

let sodiumReady: Promise<void> | undefined;
let ready = false;

/** Loads libsodium's WebAssembly Poly1305 (several times faster than a pure-JS one here). */
export function cryptoReady(): Promise<void> {
  sodiumReady ??= sodium.ready.then(() => {
    ready = true;
  });
  return sodiumReady;
}

function requireReady(): void {
  if (!ready) throw new Error('cryptoReady() must be awaited before sealing or opening');
}

/** Poly1305-AES as restic uses it: key = clamp(r) || AES-128_k(nonce). */
export function poly1305Aes(macK: Buffer, macR: Buffer, nonce: Uint8Array, message: Uint8Array): Buffer {
  requireReady();
  const ecb = createCipheriv('aes-128-ecb', macK, null);
  ecb.setAutoPadding(false);
  const s = ecb.update(nonce);
  const key = Buffer.allocUnsafe(32);
  for (let i = 0; i < 16; i++) key[i] = macR[i] & CLAMP[i];
  s.copy(key, 16);
  return Buffer.from(sodium.crypto_onetimeauth(message, key));
}

/** IVs come from a pool refilled in bulk: one CSPRNG call per 1024 blobs instead of one per blob. */
const IV_POOL_SIZE = IV_SIZE * 1024;
let ivPool = Buffer.alloc(0);
let ivPoolAt = IV_POOL_SIZE;

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

export function seal(key: MasterKey, plaintext: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(plaintext.length + CRYPTO_OVERHEAD);
  const iv = nextIv();
  iv.copy(out, 0);
  const cipher = createCipheriv('aes-256-ctr', key.encrypt, iv);
  const ct = cipher.update(plaintext);
  ct.copy(out, IV_SIZE);
  cipher.final();
  const ctView = out.subarray(IV_SIZE, IV_SIZE + plaintext.length);
  poly1305Aes(key.macK, key.macR, iv, ctView).copy(out, IV_SIZE + plaintext.length);
  return out;
}

export function open(key: MasterKey, sealed: Uint8Array): Buffer {
  if (sealed.length < CRYPTO_OVERHEAD) throw new CiphertextVerificationError();
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const iv = buf.subarray(0, IV_SIZE);
  if (iv.every((b) => b === 0)) throw new CiphertextVerificationError();
  const ct = buf.subarray(IV_SIZE, buf.length - MAC_SIZE);
  const mac = buf.subarray(buf.length - MAC_SIZE);
  const expected = poly1305Aes(key.macK, key.macR, iv, ct);
  if (!timingSafeEqual(expected, mac)) throw new CiphertextVerificationError();
  const decipher = createCipheriv('aes-256-ctr', key.encrypt, iv);
  const plain = decipher.update(ct);
  decipher.final();
  return plain;
}

export function newRandomMasterKey(): MasterKey {
  return { encrypt: randomBytes(32), macK: randomBytes(16), macR: randomBytes(16) };
}

export function isValidMasterKey(k: MasterKey): boolean {
  const nonZero = (b: Buffer): boolean => b.some((x) => x !== 0);
  return k.encrypt.length === 32 && k.macK.length === 16 && k.macR.length === 16 && nonZero(k.encrypt) && nonZero(k.macK) && nonZero(k.macR);
}
