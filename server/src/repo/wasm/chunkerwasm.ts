// The chunker's rolling-hash loop as a small WebAssembly module (wasm/chunker.wat): the 53-bit digest lives in one
// i64 instead of two 32-bit halves, which makes the loop several times faster than its JavaScript form (chunker.ts
// keeps that form as the fallback and as the reference the tests compare against).
import { wasmApi } from './wasm';
import { wasmModuleBytes } from './wasmmodules';

// The module's memory, as chunker.wat has it:
const MEM_OUT = 0; // 256 x i64: what a byte leaving the window contributes
const MEM_MOD = 2048; // 256 x i64: the reduction for the digest's top byte
const MEM_DIGEST = 4096; // i64
const MEM_COUNT = 4104; // i32: bytes in the current chunk
const MEM_WINDOW = 4160; // 64 bytes: the window before the piece, oldest first
const MEM_PIECE = MEM_WINDOW + 64; // WASM_PIECE bytes: what scan() slides over
export const WASM_PIECE = 64 * 1024;

interface ChunkerExports {
  mem: { buffer: ArrayBuffer };
  scan(len: number, shift: bigint): number;
}

/** One per thread; `tables` are loaded when the polynomial changes. */
export interface WasmRollingHash {
  useTables(key: object, outHi: Uint32Array, outLo: Uint32Array, modHi: Uint32Array, modLo: Uint32Array): void;
  /** Digest (hi, lo halves), count and the 64-byte window (oldest first) before a scan. */
  begin(hi: number, lo: number, count: number, window: Uint8Array): void;
  /** Scans `data`; the offset just past a cut, or -1 (then the next call continues where this one ended). */
  scan(data: Uint8Array, shift64: bigint): number;
  readonly hi: number;
  readonly lo: number;
  readonly count: number;
  /** The 64-byte window (oldest first) after the last scan. */
  window(): Uint8Array;
}

let instance: WasmRollingHash | null | undefined;
let forceJs = false;

/** Tests compare the WebAssembly loop with the JavaScript one on the same data. */
export function useJsChunkerForTesting(on: boolean): void {
  forceJs = on;
}

/** The module cuts chunks between restic's CHUNK_MIN_SIZE and CHUNK_MAX_SIZE where digest & SPLIT_MASK is 0 (chunker.ts). */
export function wasmRollingHash(): WasmRollingHash | undefined {
  if (forceJs) return undefined;
  if (instance !== undefined) return instance ?? undefined;
  if (!wasmApi || process.env.LOCKSTEP_CHUNKER === 'js') {
    instance = null;
    return undefined;
  }
  const made = new wasmApi.Instance(new wasmApi.Module(wasmModuleBytes('chunker')), {});
  // WebAssembly exports are untyped; chunker.wat exports exactly these.
  const x = made.exports as unknown as ChunkerExports;
  const mem = new Uint8Array(x.mem.buffer);
  const view = new DataView(x.mem.buffer);
  let tablesOf: object | undefined;
  instance = {
    useTables(key, outHi, outLo, modHi, modLo) {
      if (tablesOf === key) return;
      for (let b = 0; b < 256; b++) {
        view.setUint32(MEM_OUT + b * 8, outLo[b], true);
        view.setUint32(MEM_OUT + b * 8 + 4, outHi[b], true);
        view.setUint32(MEM_MOD + b * 8, modLo[b], true);
        view.setUint32(MEM_MOD + b * 8 + 4, modHi[b], true);
      }
      tablesOf = key;
    },
    begin(hi, lo, count, window) {
      view.setUint32(MEM_DIGEST, lo >>> 0, true);
      view.setUint32(MEM_DIGEST + 4, hi >>> 0, true);
      view.setUint32(MEM_COUNT, count, true);
      mem.set(window, MEM_WINDOW);
    },
    scan(data, shift64) {
      let at = 0;
      while (at < data.length) {
        const n = Math.min(WASM_PIECE, data.length - at);
        mem.set(data.subarray(at, at + n), MEM_PIECE);
        const cut = x.scan(n, shift64);
        if (cut >= 0) return at + cut;
        mem.copyWithin(MEM_WINDOW, MEM_PIECE + n - 64, MEM_PIECE + n);
        at += n;
      }
      return -1;
    },
    get hi() {
      return view.getUint32(MEM_DIGEST + 4, true);
    },
    get lo() {
      return view.getUint32(MEM_DIGEST, true);
    },
    get count() {
      return view.getUint32(MEM_COUNT, true);
    },
    window() {
      return mem.subarray(MEM_WINDOW, MEM_WINDOW + 64);
    },
  };
  return instance;
}
