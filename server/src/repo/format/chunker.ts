import { wasmRollingHash, WasmRollingHash } from '../wasm/chunkerwasm';
import { Polynomial, polyMod } from './polynomial';

// restic's sizes and split mask; the WebAssembly loop (wasm/chunker.wat) has them written in.
export const CHUNK_MIN_SIZE = 512 * 1024;
export const CHUNK_MAX_SIZE = 8 * 1024 * 1024;
const WINDOW = 64;
export const SPLIT_MASK = (1 << 20) - 1;
/** Bytes at the start of every chunk that are not hashed (no cut can fall there). */
const UNHASHED = CHUNK_MIN_SIZE - WINDOW;

/** out/mod tables for one polynomial, each 53-bit value split into high and low 32-bit halves. */
interface Tables {
  outHi: Uint32Array;
  outLo: Uint32Array;
  modHi: Uint32Array;
  modLo: Uint32Array;
}

const tableCache = new Map<Polynomial, Tables>();

function tablesFor(pol: Polynomial): Tables {
  const cached = tableCache.get(pol);
  if (cached) return cached;
  const k = BigInt(pol.toString(2).length - 1);
  const appendByte = (h: bigint, b: bigint): bigint => polyMod((h << 8n) | b, pol);
  const t: Tables = { outHi: new Uint32Array(256), outLo: new Uint32Array(256), modHi: new Uint32Array(256), modLo: new Uint32Array(256) };
  for (let b = 0; b < 256; b++) {
    let h = appendByte(0n, BigInt(b));
    for (let i = 0; i < WINDOW - 1; i++) h = appendByte(h, 0n);
    t.outHi[b] = Number(h >> 32n);
    t.outLo[b] = Number(h & 0xffffffffn);
    const m = polyMod(BigInt(b) << k, pol) | (BigInt(b) << k);
    t.modHi[b] = Number(m >> 32n);
    t.modLo[b] = Number(m & 0xffffffffn);
  }
  tableCache.set(pol, t);
  return t;
}

/**
 * Finds restic's content-defined chunk boundaries (Rabin fingerprint over a 64-byte window, cut when
 * the low 20 bits are zero, chunks between 512 KiB and 8 MiB). The caller keeps the bytes.
 */
export class Chunker {
  private readonly t: Tables;
  private readonly shift: number;
  private readonly shift64: bigint;
  private readonly win = new Uint8Array(WINDOW);
  /** The ring `win` unrolled oldest first, as the WebAssembly loop reads it. */
  private readonly linearWindow = new Uint8Array(WINDOW);
  private wpos = 0;
  private hi = 0;
  private lo = 0;
  /** Bytes in the current chunk so far. */
  private count = 0;
  private cut = 0n;

  constructor(pol: Polynomial) {
    this.t = tablesFor(pol);
    this.shift = pol.toString(2).length - 1 - 8 - 32;
    this.shift64 = BigInt(this.shift + 32);
    this.reset();
  }

  get lastCut(): bigint {
    return this.cut;
  }

  reset(): void {
    this.win.fill(0);
    this.wpos = 0;
    this.hi = 0;
    this.lo = 0;
    this.count = 0;
    this.slide(1);
  }

  private slide(b: number): void {
    const t = this.t;
    const out = this.win[this.wpos];
    this.win[this.wpos] = b;
    this.wpos = (this.wpos + 1) & (WINDOW - 1);
    let hi = this.hi ^ t.outHi[out];
    let lo = this.lo ^ t.outLo[out];
    const idx = hi >>> this.shift;
    hi = ((hi << 8) | (lo >>> 24)) ^ t.modHi[idx];
    lo = (((lo << 8) | b) ^ t.modLo[idx]) >>> 0;
    this.hi = hi >>> 0;
    this.lo = lo;
  }

  next(data: Uint8Array, start = 0, end = data.length): number {
    let i = start;
    if (this.count < UNHASHED) {
      const skip = Math.min(end - i, UNHASHED - this.count);
      this.count += skip;
      i += skip;
      if (this.count < UNHASHED) return -1;
    }
    const wasm = wasmRollingHash();
    if (wasm && end - i >= WINDOW) return this.nextWasm(wasm, data, i, end);
    const { outHi, outLo, modHi, modLo } = this.t;
    const win = this.win;
    const shift = this.shift;
    let wpos = this.wpos;
    let hi = this.hi;
    let lo = this.lo;
    let count = this.count;
    // hi and lo are signed 32-bit integers holding the 53-bit digest's bit pattern. For the first 64
    // hashed bytes of this call the byte leaving the window comes from the ring; after that it is
    // simply data[i - 64], so the ring is only rebuilt on the way out.
    const hashBegin = i;
    const ringEnd = Math.min(end, hashBegin + WINDOW);
    while (i < ringEnd) {
      const b = data[i++];
      const out = win[wpos];
      win[wpos] = b;
      wpos = (wpos + 1) & (WINDOW - 1);
      hi ^= outHi[out];
      lo ^= outLo[out];
      const idx = hi >>> shift;
      hi = ((hi << 8) | (lo >>> 24)) ^ modHi[idx];
      lo = ((lo << 8) | b) ^ modLo[idx];
      count++;
      if (count >= CHUNK_MIN_SIZE && ((lo & SPLIT_MASK) === 0 || count >= CHUNK_MAX_SIZE)) return this.cutAt(i, hi, lo);
    }
    while (i < end) {
      const b = data[i];
      const out = data[i - WINDOW];
      i++;
      hi ^= outHi[out];
      lo ^= outLo[out];
      const idx = hi >>> shift;
      hi = ((hi << 8) | (lo >>> 24)) ^ modHi[idx];
      lo = ((lo << 8) | b) ^ modLo[idx];
      count++;
      if (count >= CHUNK_MIN_SIZE && ((lo & SPLIT_MASK) === 0 || count >= CHUNK_MAX_SIZE)) return this.cutAt(i, hi, lo);
    }
    if (end - hashBegin > WINDOW) {
      // The ring is a plain copy of the last 64 bytes, starting at position 0.
      win.set(data.subarray(end - WINDOW, end));
      wpos = 0;
    }
    this.wpos = wpos;
    this.hi = hi;
    this.lo = lo;
    this.count = count;
    this.cut = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    return -1;
  }

  private nextWasm(wasm: WasmRollingHash, data: Uint8Array, i: number, end: number): number {
    const t = this.t;
    wasm.useTables(t, t.outHi, t.outLo, t.modHi, t.modLo);
    const window = this.linearWindow;
    for (let k = 0; k < WINDOW; k++) window[k] = this.win[(this.wpos + k) & (WINDOW - 1)];
    wasm.begin(this.hi, this.lo, this.count, window);
    const cut = wasm.scan(data.subarray(i, end), this.shift64);
    if (cut >= 0) return this.cutAt(i + cut, wasm.hi, wasm.lo);
    this.hi = wasm.hi;
    this.lo = wasm.lo;
    this.count = wasm.count;
    this.win.set(wasm.window());
    this.wpos = 0;
    this.cut = (BigInt(this.hi) << 32n) | BigInt(this.lo);
    return -1;
  }

  private cutAt(i: number, hi: number, lo: number): number {
    this.cut = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    this.reset();
    return i;
  }
}

/** Chunk lengths of a whole buffer, the last partial chunk included. */
export function chunkLengths(pol: Polynomial, data: Uint8Array): number[] {
  const chunker = new Chunker(pol);
  const lengths: number[] = [];
  let start = 0;
  while (start < data.length) {
    const cut = chunker.next(data, start);
    if (cut < 0) {
      lengths.push(data.length - start);
      break;
    }
    lengths.push(cut - start);
    start = cut;
  }
  return lengths;
}
