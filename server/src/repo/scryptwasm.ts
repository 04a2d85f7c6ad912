// scrypt (RFC 7914) with ROMix, BlockMix and Salsa20/8 in a small WebAssembly module using SIMD128: the 16 words
// of a Salsa20 block sit in four v128 rows, so a column or row round is four vector steps (add, rotate, xor) and
// the move between columns and rows is three lane rotations. PBKDF2-HMAC-SHA256 before and after ROMix is Node's.
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
// Functions: romix(N, r, log2k) (exported) runs ROMix on the lane at V[0] and leaves the result in X0. Its first
// loop is V[i+1] = blockMix(V[i]), each written where it is kept (or to T), so no block is ever copied; its second
// loop is X' = blockMixXor(X, V[j]), alternating X0 and X1 (N is even, so it ends in X0), with the XOR of V[j] done
// on the way into each Salsa20/8. Both BlockMix functions are separate wasm functions so that V8's optimizing tier,
// which replaces a function between calls, takes over during the first derivation rather than the next one.
import { pbkdf2Sync } from 'node:crypto';
import { collectSoon } from '../memory';
import { add32, Bytes, flat, func, get, i32, load128, ltU32, name, op, section, set, simd, store128, sub32, tee, uleb, vec, wasmApi, WasmApi } from './wasm';
import { wasmModuleBytes } from './wasmmodules';

/** scrypt needs 128*r*N bytes for V; refuse more than this. */
export const SCRYPT_MAX_MEMORY = 1024 * 1024 * 1024;
const PAGE = 65536;
const I32 = 0x7f;
const V128 = 0x7b;

/** Standard word index held at each diagonal-order position of a 64-byte block. */
const DIAGONAL = [0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11];

// ---------------------------------------------------------------------------------------------------------
// The module
// ---------------------------------------------------------------------------------------------------------

const mul32 = op(0x6c);
const and32 = op(0x71);
const shl32 = op(0x74);
const shrU32 = op(0x76);
const eq32 = op(0x46);
const load32 = (ptr: Bytes, offset: number): number[] => flat(ptr, 0x28, 2, uleb(offset));
const call = (index: number, ...args: Bytes[]): number[] => flat(args, 0x10, uleb(index));
/** `loop { body; br_if 0 (condition) }`: the body runs at least once. */
const doWhile = (body: Bytes, condition: Bytes): number[] => flat(0x03, 0x40, body, condition, 0x0d, 0, 0x0b);
const ifElse = (condition: Bytes, then: Bytes, otherwise: Bytes): number[] => flat(condition, 0x04, 0x40, then, 0x05, otherwise, 0x0b);
/** `select`: a when condition is non-zero, else b. */
const select = (a: Bytes, b: Bytes, condition: Bytes): number[] => flat(a, b, condition, 0x1b);

const xor128 = op(...simd(0x51));
const add32x4 = op(...simd(0xae));
const shl32x4 = (v: Bytes, bits: number): number[] => flat(v, i32(bits), simd(0xab));
const shrU32x4 = (v: Bytes, bits: number): number[] => flat(v, i32(bits), simd(0xad));
const extractLane0 = (v: Bytes): number[] => flat(v, simd(0x1b, 0));
/** Lane i of the result is lane (i + by) % 4 of local v (i8x16.shuffle of v with itself: one x64 shuffle). */
const rotateLanes = (v: number, by: number): number[] => {
  const bytes = [0, 1, 2, 3].flatMap((lane) => [0, 1, 2, 3].map((b) => 4 * ((lane + by) % 4) + b));
  return flat(get(v), get(v), simd(0x0d, bytes));
};

interface Rows {
  a: number;
  b: number;
  c: number;
  d: number;
}
const ROWS: readonly (keyof Rows)[] = ['a', 'b', 'c', 'd'];

/**
 * target ^= (x + y) <<< bits, on four words at once (t is a scratch v128 local). XORing the two shifted halves
 * into target one after the other, rather than combining them first, gives the right shift a cycle of slack.
 */
const step = (target: number, x: number, y: number, bits: number, t: number): number[] =>
  set(target, xor128(xor128(get(target), shl32x4(flat(add32x4(get(x), get(y)), tee(t)), bits)), shrU32x4(get(t), 32 - bits)));

/** Salsa20's quarter-round on whole rows: the same four steps serve the column round and the row round. */
const quarterRound = (p0: number, p1: number, p2: number, p3: number, t: number): number[] =>
  flat(step(p1, p0, p3, 7, t), step(p2, p1, p0, 9, t), step(p3, p2, p1, 13, t), step(p0, p3, p2, 18, t));

/** Lane rotations of rows b, c and d. */
const rotateRows = ({ b, c, d }: Rows, by: [number, number, number]): number[] =>
  flat(set(b, rotateLanes(b, by[0])), set(c, rotateLanes(c, by[1])), set(d, rotateLanes(d, by[2])));

/** One column round and one row round on the rows in diagonal order, ending in the same arrangement. */
function doubleRound(rows: Rows, t: number): number[] {
  const { a, b, c, d } = rows;
  return flat(
    quarterRound(a, b, c, d, t),
    // Rotated, b = (x3, x4, x9, x14), c = (x2, x7, x8, x13), d = (x1, x6, x11, x12): the rows line up as columns.
    rotateRows(rows, [3, 2, 1]),
    quarterRound(a, d, c, b, t),
    rotateRows(rows, [1, 2, 3]),
  );
}

/**
 * state = Salsa20/8(state ^ input[inOffset] (^ xorWith[inOffset])), stored at out[outOffset]. `saved` holds the
 * salsa input for the final addition.
 */
function salsaInto(state: Rows, saved: Rows, t: number, input: Bytes, xorWith: Bytes | undefined, inOffset: number, out: Bytes, outOffset: number): number[] {
  const incoming = (row: number): Bytes => {
    const word = load128(input, inOffset + 16 * row);
    return xorWith === undefined ? word : xor128(word, load128(xorWith, inOffset + 16 * row));
  };
  return flat(
    ROWS.map((row, i) => set(saved[row], flat(xor128(get(state[row]), incoming(i)), tee(state[row])))),
    [0, 1, 2, 3].map(() => doubleRound(state, t)),
    ROWS.map((row, i) => store128(out, outOffset + 16 * i, flat(add32x4(get(state[row]), get(saved[row])), tee(state[row])))),
  );
}

/**
 * blockMix(src, dst, r), or with `xorsInput` blockMixXor(src, xorWith, dst, r): BlockMix of the 2r blocks at src
 * (XORed with those at xorWith) into dst, block 2k going to dst block k and block 2k+1 to dst block r+k.
 * blockMixXor returns x0 of the last block (Integerify's word).
 */
function blockMixFunction(xorsInput: boolean): number[] {
  const paramCount = xorsInput ? 4 : 3;
  return func(paramCount, (local) => {
    const [src, xorWith, dst, r] = xorsInput ? [0, 1, 2, 3] : [0, -1, 1, 2];
    const state: Rows = { a: local(V128), b: local(V128), c: local(V128), d: local(V128) };
    const saved: Rows = { a: local(V128), b: local(V128), c: local(V128), d: local(V128) };
    const t = local(V128);
    const bytes = local(I32);
    const end = local(I32);
    const even = local(I32);
    const odd = local(I32);
    const xorPtr = xorsInput ? get(xorWith) : undefined;
    const lastBlock = (base: number): number[] => sub32(add32(get(base), get(bytes)), i32(64));
    const next = (ptr: number, by: number): number[] => set(ptr, add32(get(ptr), i32(by)));
    return flat(
      set(bytes, shl32(get(r), i32(7))),
      ROWS.map((row, i) => {
        const word = load128(lastBlock(src), 16 * i);
        return set(state[row], xorsInput ? xor128(word, load128(lastBlock(xorWith), 16 * i)) : word);
      }),
      set(end, add32(get(src), get(bytes))),
      set(even, get(dst)),
      set(odd, add32(get(dst), shl32(get(r), i32(6)))),
      doWhile(
        [
          salsaInto(state, saved, t, get(src), xorPtr, 0, get(even), 0),
          salsaInto(state, saved, t, get(src), xorPtr, 64, get(odd), 0),
          next(src, 128),
          xorsInput ? next(xorWith, 128) : [],
          next(even, 64),
          next(odd, 64),
        ],
        ltU32(get(src), get(end)),
      ),
      xorsInput ? extractLane0(get(state.a)) : [],
    );
  });
}

const BLOCK_MIX = 0;
const BLOCK_MIX_XOR = 1;

/** romix(N, r, log2k): see the header. */
const romixFunction = (): number[] =>
  func(3, (local) => {
    const [n, r, log2k] = [0, 1, 2];
    const bytes = local(I32);
    const mask = local(I32);
    const i = local(I32);
    const src = local(I32);
    const dst = local(I32);
    const spare = local(I32);
    const cur = local(I32);
    const other = local(I32);
    const swap = local(I32);
    const j = local(I32);
    const remaining = local(I32);
    /** Where V[index] is kept (index % k != k-1), or for index = N, X0. */
    const slot = (index: Bytes): number[] => mul32(add32(mul32(get(mask), shrU32(index, get(log2k))), and32(index, get(mask))), get(bytes));
    const skipped = (index: Bytes): number[] => eq32(and32(index, get(mask)), get(mask));
    return flat(
      set(bytes, shl32(get(r), i32(7))),
      set(mask, sub32(shl32(i32(1), get(log2k)), i32(1))),
      set(cur, slot(get(n))),
      set(other, add32(get(cur), get(bytes))),
      set(spare, add32(get(other), get(bytes))),
      doWhile(
        [
          set(i, add32(get(i), i32(1))),
          set(dst, select(get(spare), slot(get(i)), skipped(get(i)))),
          call(BLOCK_MIX, get(src), get(dst), get(r)),
          set(src, get(dst)),
        ],
        ltU32(get(i), get(n)),
      ),
      set(j, load32(sub32(add32(get(cur), get(bytes)), i32(64)), 0)),
      set(remaining, get(n)),
      doWhile(
        [
          set(j, and32(get(j), sub32(get(n), i32(1)))),
          ifElse(skipped(get(j)), [call(BLOCK_MIX, slot(sub32(get(j), i32(1))), get(spare), get(r)), set(src, get(spare))], set(src, slot(get(j)))),
          set(j, call(BLOCK_MIX_XOR, get(cur), get(src), get(other), get(r))),
          set(swap, get(cur)),
          set(cur, get(other)),
          set(other, get(swap)),
          set(remaining, sub32(get(remaining), i32(1))),
        ],
        get(remaining),
      ),
    );
  });

export function buildScryptWasm(): Uint8Array {
  return new Uint8Array(
    flat(
      [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
      section(
        1,
        vec([
          [0x60, 3, I32, I32, I32, 0], // blockMix(src, dst, r)
          [0x60, 4, I32, I32, I32, I32, 1, I32], // blockMixXor(src, xorWith, dst, r) -> x0 of the last block
          [0x60, 3, I32, I32, I32, 0], // romix(N, r, log2k)
        ]),
      ),
      section(3, vec([0, 1, 2])),
      section(5, vec([[0x00, 1]])), // one page; grown by the caller
      section(7, vec([[name('mem'), 0x02, 0], [name('romix'), 0x00, 2]])),
      section(10, vec([blockMixFunction(false), blockMixFunction(true), romixFunction()])),
    ),
  );
}

/** A module that only validates where SIMD128 is supported. */
export function buildSimdProbe(): Uint8Array {
  const body = func(0, (local) => {
    const v = local(V128);
    return set(v, flat(simd(0x0c, new Array<number>(16).fill(0))));
  });
  return new Uint8Array(flat([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], section(1, vec([[0x60, 0, 0]])), section(3, vec([0])), section(10, vec([body]))));
}

// ---------------------------------------------------------------------------------------------------------
// Running it
// ---------------------------------------------------------------------------------------------------------

interface ScryptExports {
  mem: { buffer: ArrayBuffer; grow(pages: number): number };
  romix(n: number, r: number, log2k: number): void;
}

let compiled: object | null | undefined;

/** The compiled module, or undefined without WebAssembly SIMD. Compiled once; instances are made per call. */
function scryptModule(): object | undefined {
  if (compiled === undefined) {
    compiled = null;
    if (wasmApi !== undefined && simdSupported(wasmApi)) compiled = new wasmApi.Module(wasmModuleBytes('scrypt', buildScryptWasm));
  }
  return compiled ?? undefined;
}

function simdSupported(api: WasmApi): boolean {
  try {
    new api.Module(wasmModuleBytes('simd-probe', buildSimdProbe));
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
  // WebAssembly exports are untyped; the module built above has exactly these.
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
  collectSoon();
  return key;
}

