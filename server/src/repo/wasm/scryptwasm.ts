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
// Memory (B = 128*r bytes, one lane at a time; grown to fit). ROMix keeps V[i] only where i % k != k-1 (k = 2)
// and rebuilds a skipped V[j] from V[j-1] when the second loop asks for it: half the memory (16 MiB instead of 32
// for restic's usual N = 2^15, r = 8, so that two threads mixing lanes need what OpenSSL's one does) for one
// BlockMix in four more (N=2^15, r=8, p=6 on this project's AMD EPYC: 345 ms, against 324 with k = 4 and 24 MiB).
// V[i] is at slot (k-1)*(i/k) + i%k, so that the first loop's last block, V[N], is the slot after the last one:
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

/**
 * ROMix (scrypt's memory-hard part) for one lane at a time, in place, in a WebAssembly instance of its own: the
 * lanes of one derivation are independent, so mixers on several threads can share them (repo/engine/scryptlanes.ts).
 * `lanes` is p lanes of 128·r bytes, as PBKDF2 made them; any memory, shared or not.
 */
export class ScryptLaneMixer {
  private readonly mem: DataView;
  private readonly laneBytes: number;
  private readonly log2k: number;
  private readonly output: number;

  private constructor(
    private readonly x: ScryptExports,
    private readonly N: number,
    private readonly r: number,
  ) {
    this.laneBytes = 128 * r;
    this.log2k = Math.min(1, Math.log2(N));
    const kept = N - N / 2 ** this.log2k;
    const needed = Math.ceil(((kept + 3) * this.laneBytes) / PAGE);
    x.mem.grow(needed - x.mem.buffer.byteLength / PAGE);
    this.mem = new DataView(x.mem.buffer);
    this.output = kept * this.laneBytes;
  }

  /** A mixer for lanes of (N, r), or undefined when this runtime has no WebAssembly SIMD. */
  static create(N: number, r: number): ScryptLaneMixer | undefined {
    checkScryptParameters(N, r, 1, 0);
    const module = scryptModule();
    if (module === undefined || wasmApi === undefined) return undefined;
    // WebAssembly exports are untyped; scrypt.wat exports exactly these.
    return new ScryptLaneMixer(new wasmApi.Instance(module, {}).exports as unknown as ScryptExports, N, r);
  }

  /** Replaces lane `lane` of `lanes` by its ROMix. */
  mix(lanes: Buffer, lane: number): void {
    laneIn(lanes, lane * this.laneBytes, 2 * this.r, this.mem, 0);
    this.x.romix(this.N, this.r, this.log2k);
    laneOut(this.mem, this.output, 2 * this.r, lanes, lane * this.laneBytes);
  }

  /**
   * Like OpenSSL, leaves nothing of the derivation behind; and has the 128·N·r bytes given back at once, not
   * whenever a small heap next needs a full collection. The mixer is not used again.
   */
  wipe(): void {
    new Uint8Array(this.x.mem.buffer).fill(0);
    processTuning.noteLargeRelease();
  }
}

/** scrypt(password, salt, N, r, p, dkLen) on this thread, or undefined when this runtime has no WebAssembly SIMD. */
export function scryptWasm(password: Uint8Array, salt: Uint8Array, N: number, r: number, p: number, dkLen: number): Buffer | undefined {
  checkScryptParameters(N, r, p, dkLen);
  const mixer = ScryptLaneMixer.create(N, r);
  if (mixer === undefined) return undefined;
  const lanes = pbkdf2Sync(password, salt, 1, p * 128 * r, 'sha256');
  for (let lane = 0; lane < p; lane++) mixer.mix(lanes, lane);
  const key = pbkdf2Sync(password, lanes, 1, dkLen, 'sha256');
  lanes.fill(0);
  mixer.wipe();
  return key;
}
