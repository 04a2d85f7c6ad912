// The chunker's rolling-hash loop as a small WebAssembly module: the 53-bit digest lives in one i64 instead of
// two 32-bit halves, which makes the loop several times faster than its JavaScript form (chunker.ts keeps that
// form as the fallback and as the reference the tests compare against).
import { flat, func, get, i32, i64, name, section, set, uleb, vec, wasmApi } from './wasm';
import { wasmModuleBytes } from './wasmmodules';

const MEM_OUT = 0; // 256 x i64: what a byte leaving the window contributes
const MEM_MOD = 2048; // 256 x i64: the reduction for the digest's top byte
const MEM_DIGEST = 4096; // i64
const MEM_COUNT = 4104; // i32: bytes in the current chunk
const MEM_WINDOW = 4160; // 64 bytes: the window before the piece, oldest first
export const WASM_PIECE = 64 * 1024;
const MEM_PIECE = MEM_WINDOW + 64;
const PAGES = Math.ceil((MEM_PIECE + WASM_PIECE) / 65536);

/**
 * `scan(len, shift)` slides the `len` bytes at MEM_PIECE into the digest (the byte leaving the window is always the
 * one 64 bytes earlier in memory) and returns the offset just past the first cut, or -1. Digest and count are
 * read from and written back to memory.
 */
export function buildChunkerWasm(minSize: number, maxSize: number, splitMask: number): Uint8Array {
  const scan = func(2, (local) => {
    const [len, shift] = [0, 1];
    const p = local(0x7f);
    const end = local(0x7f);
    const count = local(0x7f);
    const digest = local();
    const storeState = flat(i32(0), get(digest), 0x37, 3, uleb(MEM_DIGEST), i32(0), get(count), 0x36, 2, uleb(MEM_COUNT));
    return flat(
      set(p, i32(MEM_PIECE)),
      set(end, flat(get(p), get(len), 0x6a)),
      set(digest, flat(i32(0), 0x29, 3, uleb(MEM_DIGEST))),
      set(count, flat(i32(0), 0x28, 2, uleb(MEM_COUNT))),
      0x02, 0x40, 0x03, 0x40,
      flat(get(p), get(end), 0x4f), 0x0d, 1, // br_if out when p >= end
      // digest ^= out[mem[p - 64]]
      set(digest, flat(get(digest), flat(get(p), i32(64), 0x6b, 0x2d, 0, 0, i32(3), 0x74, 0x29, 3, uleb(MEM_OUT)), 0x85)),
      // digest = ((digest << 8) | mem[p]) ^ mod[digest >> shift]
      set(
        digest,
        flat(
          flat(get(digest), i64(8), 0x86, get(p), 0x2d, 0, 0, 0xad, 0x84),
          flat(get(digest), get(shift), 0x88, 0xa7, i32(3), 0x74, 0x29, 3, uleb(MEM_MOD)),
          0x85,
        ),
      ),
      set(p, flat(get(p), i32(1), 0x6a)),
      set(count, flat(get(count), i32(1), 0x6a)),
      flat(get(count), i32(minSize), 0x4f), 0x04, 0x40,
      flat(flat(get(digest), i64(splitMask), 0x83, 0x50), flat(get(count), i32(maxSize), 0x4f), 0x72), 0x04, 0x40,
      storeState,
      flat(get(p), i32(MEM_PIECE), 0x6b), 0x0f,
      0x0b, 0x0b,
      0x0c, 0, // br loop
      0x0b, 0x0b,
      storeState,
      i32(-1),
    );
  });
  return new Uint8Array(
    flat(
      [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
      section(1, vec([[0x60, 2, 0x7f, 0x7e, 1, 0x7f]])), // (i32, i64) -> i32
      section(3, vec([0])),
      section(5, vec([[0x00, PAGES]])),
      section(7, vec([[name('mem'), 0x02, 0], [name('scan'), 0x00, 0]])),
      section(10, vec([scan])),
    ),
  );
}

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

export function chunkerModuleKey(minSize: number, maxSize: number, splitMask: number): string {
  return `chunker:${minSize}:${maxSize}:${splitMask}`;
}

export function wasmRollingHash(minSize: number, maxSize: number, splitMask: number): WasmRollingHash | undefined {
  if (forceJs) return undefined;
  if (instance !== undefined) return instance ?? undefined;
  if (!wasmApi || process.env.LOCKSTEP_CHUNKER === 'js') {
    instance = null;
    return undefined;
  }
  const bytes = wasmModuleBytes(chunkerModuleKey(minSize, maxSize, splitMask), () => buildChunkerWasm(minSize, maxSize, splitMask));
  const made = new wasmApi.Instance(new wasmApi.Module(bytes), {});
  // WebAssembly exports are untyped; the module built above has exactly these.
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
