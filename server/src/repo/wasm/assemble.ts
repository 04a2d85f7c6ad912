// Assembles the kernels' text format (repo/wasm/<name>.wat) into WebAssembly with wabt's wat2wasm, a WebAssembly
// build of it, so no native tool is needed. Run by esbuild.mjs when it bundles and by the tests' global setup; the
// runtime only ever sees the bytes (wasmmodules.ts).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import wabt from 'wabt';
import { WASM_MODULES } from '../wasmmodules';

/** Every module in WASM_MODULES, assembled from `<dir>/<name>.wat` and validated, as base64 by name. */
export async function assembleWasmModules(dir: string): Promise<Record<string, string>> {
  const assembler = await wabt();
  const modules: Record<string, string> = {};
  for (const name of WASM_MODULES) {
    const file = path.join(dir, `${name}.wat`);
    const parsed = assembler.parseWat(file, readFileSync(file, 'utf8'), { simd: true });
    try {
      parsed.validate();
      modules[name] = Buffer.from(parsed.toBinary({}).buffer).toString('base64');
    } finally {
      parsed.destroy();
    }
  }
  return modules;
}
