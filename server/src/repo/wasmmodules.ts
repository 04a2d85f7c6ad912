// The WebAssembly modules this project writes as bytes (Poly1305, the chunker's loop, scrypt). Running their
// builders costs a process several MB for a few KB of module (the nested arrays, and the JIT compiling the
// builders), so esbuild.mjs runs them once when it bundles and puts the bytes into the bundles; running from
// source (the tests), they are built here.
declare const LOCKSTEP_PREBUILT_WASM: Record<string, string> | undefined;

/** The bytes of the module `key`, from the bundle when it has them, else from `build`. */
export function wasmModuleBytes(key: string, build: () => Uint8Array): Uint8Array {
  const prebuilt = typeof LOCKSTEP_PREBUILT_WASM === 'undefined' ? undefined : LOCKSTEP_PREBUILT_WASM[key];
  return prebuilt !== undefined ? Buffer.from(prebuilt, 'base64') : build();
}
