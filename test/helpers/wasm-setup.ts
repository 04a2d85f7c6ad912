// Vitest's global setup: assembles the WebAssembly kernels (server/src/repo/wasm/*.wat) once per run, as esbuild.mjs
// does for the bundles; wasm-modules.ts hands the table to each test file.
import * as path from 'node:path';
import type { TestProject } from 'vitest/node';
import { assembleWasmModules } from '../../server/src/repo/wasm/assemble';

declare module 'vitest' {
  export interface ProvidedContext {
    wasmModules: Record<string, string>;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  project.provide('wasmModules', await assembleWasmModules(path.join(__dirname, '../../server/src/repo/wasm')));
}
