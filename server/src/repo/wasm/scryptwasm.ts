// scrypt (RFC 7914) with ROMix, BlockMix and Salsa20/8 in a small WebAssembly module using SIMD128 (wasm/scrypt.wat,
// which explains the kernel in full): the 16 words of a Salsa20 block sit in four v128 rows, so a column or row
// round is four vector steps (add, rotate, xor) and the move between columns and rows is three lane rotations.
// PBKDF2-HMAC-SHA256 before and after ROMix is Node's.
//
// Word order: each 64-byte block is kept in "diagonal" order, rows
//   a = (x0, x5, x10, x15)   b = (x4, x9, x14, x3)   c = (x8, x13, x2, x7)   d = (x12, x1, x6, x11)
// so the column round works on whole rows. XOR and the final addition are word by word, so V and X stay in this
// order for a whole lane: the JavaScript side permutes a lane once going in and once coming out. Integerify's
// word, x0 of the last block, is the first word in either order.
//
// Memory (B = 128*r bytes, one lane at a time; grown per call to fit). ROMix keeps V[i] only where i % k != k-1
// (k = 4, or N when N < 4) and rebuilds a skipped V[j] from V[j-1] when the second loop asks for it: a quarter
// less memory (24 MiB instead of 32 for restic's usual N = 2^15, r = 8) for one BlockMix in eight more. V[i] is at
// slot (k-1)*(i/k) + i%k, so that the first loop's last block, V[N], is the slot after the last one:
//   [0, S*B)            the slots, S = (k-1)*N/k; the lane's input is written at V[0], slot 0
//   [S*B, (S+1)*B)      X0: V[N] after the first loop, the lane's output after romix()
//   [(S+1)*B, (S+2)*B)  X1: the other half of the ping-pong for ROMix's second loop
//   [(S+2)*B, (S+3)*B)  T: a skipped V[i], on its way to V[i+1] in the first loop, rebuilt in the second
// romix(N, r, log2k), the module's one export, runs ROMix on the lane at V[0] and leaves the result in X0.
import { pbkdf2Sync } from 'node:crypto';
import { processTuning } from '../../base/processTuning';
import { wasmApi, WasmApi } from './wasm';
import { wasmModuleBytes } from './wasmmodules';

/** scrypt needs 128*r*N bytes for V; refuse more than this. */
export const SCRYPT_MAX_MEMORY = 1024 * 1024 * 1024;
const PAGE = 65536;

/** Standard word index held at each diagonal-order position of a 64-byte block. */
const DIAGONAL = [0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11];

interface ScryptExports {
  mem: { buffer: ArrayBuffer; grow(pages: number): number };
  romix(n: number, r: number, log2k: number): void;
}

let compiled: object | null | undefined;

/** The compiled module, or undefined without WebAssembly SIMD. Compiled once; instances are made per call. */
function scryptModule(): object | undefined {
  if (compiled === undefined) {
    compiled = null;
    if (wasmApi !== undefined && simdSupported(wasmApi)) compiled = new wasmApi.Module(wasmModuleBytes('scrypt'));
  }
  return compiled ?? undefined;
}

function simdSupported(api: WasmApi): boolean {
  try {
    new api.Module(wasmModuleBytes('simd-probe'));
    return true;
  } catch {
    return false;
  }
}

/** Whether scryptWasm can run here (WebAssembly with SIMD128). */
export function scryptWasmAvailable(): boolean {
  return scryptModule() !== undefined;
}

export function checkScryptParameters(N: number, r: number, p: number, dkLen: number): void {
  const isInt = (v: number): boolean => Number.isSafeInteger(v);
  if (!isInt(N) || N < 2 || N > 2 ** 30 || (N & (N - 1)) !== 0) throw new RangeError(`scrypt: N must be a power of two above 1 (got ${N})`);
  if (!isInt(r) || r < 1) throw new RangeError(`scrypt: r must be a whole number of at least 1 (got ${r})`);
  if (!isInt(p) || p < 1) throw new RangeError(`scrypt: p must be a whole number of at least 1 (got ${p})`);
  if (r * p >= 2 ** 30) throw new RangeError(`scrypt: r*p must be below 2^30 (got r=${r}, p=${p})`);
  if (!isInt(dkLen) || dkLen < 0) throw new RangeError(`scrypt: dkLen must be a whole number (got ${dkLen})`);
  if (128 * r * N > SCRYPT_MAX_MEMORY) throw new RangeError(`scrypt: N=${N}, r=${r} needs ${(128 * r * N) / 2 ** 20} MiB, more than ${SCRYPT_MAX_MEMORY / 2 ** 20} MiB`);
}

/** Copies one lane (2r blocks, little-endian words) into memory at `to`, each block in diagonal order. */
function laneIn(lanes: Buffer, from: number, blocks: number, mem: DataView, to: number): void {
  for (let block = 0; block < blocks; block++) {
    const src = from + 64 * block;
    const dst = to + 64 * block;
    for (let m = 0; m < 16; m++) mem.setUint32(dst + 4 * m, lanes.readUInt32LE(src + 4 * DIAGONAL[m]), true);
  }
}

/** The inverse of laneIn. */
function laneOut(mem: DataView, from: number, blocks: number, lanes: Buffer, to: number): void {
  for (let block = 0; block < blocks; block++) {
    const src = from + 64 * block;
    const dst = to + 64 * block;
    for (let m = 0; m < 16; m++) lanes.writeUInt32LE(mem.getUint32(src + 4 * m, true), dst + 4 * DIAGONAL[m]);
  }
}

/** scrypt(password, salt, N, r, p, dkLen), or undefined when this runtime has no WebAssembly SIMD. */
export function scryptWasm(password: Uint8Array, salt: Uint8Array, N: number, r: number, p: number, dkLen: number): Buffer | undefined {
  checkScryptParameters(N, r, p, dkLen);
  const module = scryptModule();
  if (module === undefined || wasmApi === undefined) return undefined;
  const laneBytes = 128 * r;
  const lanes = pbkdf2Sync(password, salt, 1, p * laneBytes, 'sha256');
  // WebAssembly exports are untyped; scrypt.wat exports exactly these.
  const x = new wasmApi.Instance(module, {}).exports as unknown as ScryptExports;
  const log2k = Math.min(2, Math.log2(N));
  const kept = N - N / 2 ** log2k;
  const needed = Math.ceil(((kept + 3) * laneBytes) / PAGE);
  x.mem.grow(needed - x.mem.buffer.byteLength / PAGE);
  const mem = new DataView(x.mem.buffer);
  const output = kept * laneBytes;
  for (let lane = 0; lane < p; lane++) {
    laneIn(lanes, lane * laneBytes, 2 * r, mem, 0);
    x.romix(N, r, log2k);
    laneOut(mem, output, 2 * r, lanes, lane * laneBytes);
  }
  const key = pbkdf2Sync(password, lanes, 1, dkLen, 'sha256');
  lanes.fill(0);
  // Like OpenSSL, leave nothing of the derivation behind; and have the 128·N·r bytes given back at once, not
  // whenever a small heap next needs a full collection.
  new Uint8Array(x.mem.buffer).fill(0);
  processTuning.noteLargeRelease();
  return key;
}

