// Assembles the kernels' text format (repo/wasm/<name>.wat) into WebAssembly with wabt's wat2wasm, a WebAssembly
// build of it, so no native tool is needed. Run by esbuild.mjs when it bundles and by the tests' global setup; the
// runtime only ever sees the bytes (wasmmodules.ts).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import wabt from 'wabt';
import { WASM_MODULES } from './wasmmodules';

type Assembler = Awaited<ReturnType<typeof wabt>>;

/** Every module in WASM_MODULES, assembled from `<dir>/<name>.wat` and validated, as base64 by name. */
export async function assembleWasmModules(dir: string): Promise<Record<string, string>> {
  const assembler = await wabt();
  const modules: Record<string, string> = {};
  for (const name of WASM_MODULES) modules[name] = Buffer.from(assemble(assembler, path.join(dir, `${name}.wat`))).toString('base64');
  return modules;
}

function assemble(assembler: Assembler, file: string): Uint8Array {
  let parsed: ReturnType<Assembler['parseWat']> | undefined;
  try {
    parsed = assembler.parseWat(file, readFileSync(file, 'utf8'), { simd: true });
    parsed.validate();
    return parsed.toBinary({}).buffer;
  } catch (err) {
    // wabt's own errors name the file, line and column; rethrown from here so that Node does not print its one-line,
    // megabyte-long source with them.
    throw new Error(err instanceof Error ? err.message.trim() : String(err));
  } finally {
    parsed?.destroy();
  }
}
