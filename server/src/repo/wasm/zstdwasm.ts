// The reference zstd library as @bokuweb/zstd-wasm builds it to WebAssembly (emscripten, zstd.wasm), instantiated
// here rather than by the package's own glue. The glue makes one instance for the life of the process, and
// WebAssembly memory never shrinks: after a backup of 50,000 files the backend kept 5 MB of its 16 MiB touched
// (2.3 MB after 5,000), idle for hours. An instance of this module can be dropped; its memory goes with it at the
// next full collection, and the compiled module stays for the next instance (a millisecond to make).
//
// The build's imports and exports are named by single letters; the names below are those of the package's
// version in package-lock.json (0.0.27, whose glue, dist/common/zstd.js, maps them), checked when the module is
// compiled so that another build is refused with a clear error rather than called wrongly.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { wasmApi } from './wasm';

/** The exports used, by the letters the build gives them. */
interface ZstdExports {
  /** The memory. */
  f: { buffer: ArrayBuffer; grow(pages: number): number };
  /** Static constructors, run once per instance. */
  g(): void;
  /** ZSTD_isError(code) */
  h(code: number): number;
  /** ZSTD_compressBound(srcSize) */
  i(size: number): number;
  /** ZSTD_createCCtx() */
  j(): number;
  /** ZSTD_compress_usingDict(cctx, dst, dstCapacity, src, srcSize, dict, dictSize, level) */
  l(cctx: number, dst: number, capacity: number, src: number, size: number, dict: number, dictSize: number, level: number): number;
  /** ZSTD_decompress(dst, dstCapacity, src, srcSize) */
  r(dst: number, capacity: number, src: number, size: number): number;
  /** malloc(size) */
  s(size: number): number;
  /** free(ptr) */
  t(ptr: number): void;
}

const EXPECTED_EXPORTS = 'f:memory g:function h:function i:function j:function k:function l:function m:function n:function o:function p:function q:function r:function s:function t:function u:table v:function';
const EXPECTED_IMPORTS = 'a.a:function a.b:function a.c:function a.d:function a.e:function';
const PAGE = 65536;
/** emscripten's limit for this build (getHeapMax in the glue). */
const MAX_HEAP = 2 ** 31;

let compiled: object | undefined;

/** zstd.wasm: beside the bundle (esbuild.mjs copies it there), or in the package when running from source. */
function wasmFile(): string {
  const besideBundle = path.join(__dirname, 'zstd.wasm');
  if (existsSync(besideBundle)) return besideBundle;
  // The package's exports name only its entry point, which lies beside zstd.wasm (dist/common/index.node.js).
  const pkg = '@bokuweb/zstd-wasm'; // a name, not a literal, so that esbuild leaves it to Node
  return path.join(path.dirname(require.resolve(pkg)), 'zstd.wasm');
}

function compile(): object {
  if (compiled) return compiled;
  if (wasmApi === undefined) throw new Error('this runtime has no WebAssembly, which zstd needs');
  const module = new wasmApi.Module(readFileSync(wasmFile()));
  const exportList = wasmApi.Module.exports(module).map((e) => `${e.name}:${e.kind}`).join(' ');
  const importList = wasmApi.Module.imports(module).map((e) => `${e.module}.${e.name}:${e.kind}`).join(' ');
  if (exportList !== EXPECTED_EXPORTS || importList !== EXPECTED_IMPORTS) {
    throw new Error(`zstd.wasm is not the build this code knows (@bokuweb/zstd-wasm 0.0.27): exports ${exportList}; imports ${importList}`);
  }
  compiled = module;
  return compiled;
}

/** One instance of zstd: its own memory, and one compression context used again for every frame. */
export class ZstdInstance {
  private readonly x: ZstdExports;
  private context: number | undefined;

  constructor() {
    const module = compile();
    const fail = (what: string) => (): never => {
      throw new Error(`zstd's WebAssembly called ${what}`);
    };
    const imports = {
      a: {
        a: fail('exit'), // proc_exit
        b: () => undefined, // emscripten_runtime_keepalive_clear
        c: fail('abort'), // abort
        d: () => 0, // setitimer: zstd sets no timers
        e: (requested: number) => this.grow(requested >>> 0), // emscripten_resize_heap
      },
    };
    // WebAssembly exports are untyped; the check in compile() made sure these are the ones described above.
    this.x = new wasmApi!.Instance(module, imports).exports as unknown as ZstdExports;
    this.x.g();
  }

  /** Grows the memory to hold `requested` bytes (malloc asks); false when it cannot. */
  private grow(requested: number): boolean {
    if (requested > MAX_HEAP) return false;
    const current = this.x.f.buffer.byteLength;
    // As emscripten's glue: a fifth more than asked, so that a run of small growths does not copy the heap each time.
    const wanted = Math.min(MAX_HEAP, Math.ceil(Math.max(requested, Math.min(current * 1.2, requested + 96 * 2 ** 20)) / PAGE) * PAGE);
    try {
      this.x.f.grow((wanted - current) / PAGE);
    } catch {
      return false;
    }
    return true;
  }

  /** The memory as it is now (a growth replaces its buffer). */
  private view(): Uint8Array {
    return new Uint8Array(this.x.f.buffer);
  }

  private alloc(size: number): number {
    const at = this.x.s(Math.max(1, size));
    if (at === 0) throw new Error(`zstd's WebAssembly memory cannot hold ${size} more bytes`);
    return at;
  }

  private copyIn(data: Uint8Array): number {
    const at = this.alloc(data.byteLength);
    this.view().set(data, at);
    return at;
  }

  private failed(code: number): boolean {
    return this.x.h(code) !== 0;
  }

  /** One frame of `data` at `level`, with its content size in the header. */
  compress(data: Uint8Array, level: number): Uint8Array {
    this.context ??= this.x.j();
    const capacity = this.x.i(data.byteLength);
    const src = this.copyIn(data);
    const dst = this.alloc(capacity);
    try {
      const size = this.x.l(this.context, dst, capacity, src, data.byteLength, 0, 0, level);
      if (this.failed(size)) throw new Error(`zstd could not compress ${data.byteLength} bytes (code ${size})`);
      return this.view().slice(dst, dst + size);
    } finally {
      this.x.t(dst);
      this.x.t(src);
    }
  }

  /** The frame's content, when it fits in `capacity` bytes; undefined when it does not. */
  decompress(frame: Uint8Array, capacity: number): Uint8Array | undefined {
    const src = this.copyIn(frame);
    const dst = this.alloc(capacity);
    try {
      const size = this.x.r(dst, capacity, src, frame.byteLength);
      if (this.failed(size)) return undefined;
      return this.view().slice(dst, dst + size);
    } finally {
      this.x.t(dst);
      this.x.t(src);
    }
  }
}
