// The WebAssembly kernels this project writes itself (Poly1305, the chunker's loop, scrypt) are text-format sources,
// repo/wasm/<name>.wat, assembled by wabt's wat2wasm in repo/wasm/assemble.ts. The assembler is a 5 MB WebAssembly
// program of its own, so it runs when esbuild.mjs bundles, which carries the modules' bytes in the bundles; running
// from source, the tests' global setup (test/helpers/wasm-setup.ts) assembles them the same way and puts the same
// table where the bundles have it.
declare const LOCKSTEP_PREBUILT_WASM: Record<string, string> | undefined;

/** Every kernel, by the name of its source file in repo/wasm. */
export const WASM_MODULES = ['poly1305', 'poly1305-simd', 'chunker', 'scrypt', 'simd-probe'] as const;
export type WasmModuleName = (typeof WASM_MODULES)[number];

/** The assembled bytes of module `name`. */
export function wasmModuleBytes(name: WasmModuleName): Uint8Array {
  const assembled = typeof LOCKSTEP_PREBUILT_WASM === 'undefined' ? undefined : LOCKSTEP_PREBUILT_WASM[name];
  if (assembled === undefined) throw new Error(`The WebAssembly module ${name} was not assembled (esbuild.mjs assembles repo/wasm/*.wat into the bundles)`);
  return Buffer.from(assembled, 'base64');
}
