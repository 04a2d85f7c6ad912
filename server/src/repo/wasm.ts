// A few helpers to write small WebAssembly modules as bytes (the Poly1305 MAC, the chunker's inner loop), and the
// parts of the WebAssembly JS API they are loaded with.

/** Nested byte lists: instructions are built as trees and flattened once. */
export type Bytes = number | readonly Bytes[];

export function flat(...parts: Bytes[]): number[] {
  const out: number[] = [];
  const walk = (b: Bytes): void => {
    if (typeof b === 'number') out.push(b);
    else for (const x of b) walk(x);
  };
  walk(parts);
  return out;
}

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  let n = BigInt(value);
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

// Instructions used by every module here.
/** local.get, local.set (of the value `e` leaves), local.tee. */
export const get = (l: number): number[] => [0x20, ...uleb(l)];
export const set = (l: number, e: Bytes): number[] => flat(e, 0x21, uleb(l));
export const tee = (l: number): number[] => [0x22, ...uleb(l)];
/** i32.const, i64.const. */
export const i32 = (v: number): number[] => [0x41, ...sleb(v)];
export const i64 = (v: number): number[] => [0x42, ...sleb(v)];
/** A binary instruction: its two operands, then its opcode bytes. */
export const op =
  (...code: number[]) =>
  (a: Bytes, b: Bytes): number[] =>
    flat(a, b, code);
export const add32 = op(0x6a);
export const sub32 = op(0x6b);
export const ltU32 = op(0x49);
/** A SIMD128 instruction (0xfd prefix) and its immediates; v128.load and v128.store with 16-byte alignment. */
export const simd = (opcode: number, ...immediates: Bytes[]): number[] => flat(0xfd, uleb(opcode), immediates);
export const load128 = (ptr: Bytes, offset: number): number[] => flat(ptr, simd(0x00, 4, uleb(offset)));
export const store128 = (ptr: Bytes, offset: number, v: Bytes): number[] => flat(ptr, v, simd(0x0b, 4, uleb(offset)));

/** One function body; `local(type)` declares a local (i64 unless 0x7f = i32) and returns its index. */
export function func(paramCount: number, body: (local: (type?: number) => number) => Bytes): number[] {
  const types: number[] = [];
  const local = (type = 0x7e): number => {
    types.push(type);
    return paramCount + types.length - 1;
  };
  const code = flat(body(local));
  const groups: [number, number][] = [];
  for (const t of types) {
    const lastGroup = groups[groups.length - 1];
    if (lastGroup !== undefined && lastGroup[1] === t) lastGroup[0]++;
    else groups.push([1, t]);
  }
  const bytes = flat(uleb(groups.length), groups.map(([n, t]) => [uleb(n), t]), code, 0x0b);
  return flat(uleb(bytes.length), bytes);
}

export const section = (id: number, content: number[]): number[] => flat(id, uleb(content.length), content);
export const vec = (items: Bytes[]): number[] => flat(uleb(items.length), items);
export const name = (s: string): number[] => flat(uleb(s.length), [...s].map((ch) => ch.charCodeAt(0)));

/** The parts of the WebAssembly JS API used here (the project's tsconfig lib has no WebAssembly types). */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** undefined when the runtime has no WebAssembly (for example `node --jitless`). */
export const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
