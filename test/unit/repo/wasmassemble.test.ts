// The WebAssembly kernels' text format, as esbuild.mjs and the tests' setup assemble it (server/src/repo/wasm/assemble.ts).
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { wasmApi } from '../../../server/src/repo/wasm/wasm';
import { assembleWasmModules } from '../../../server/src/repo/wasm/assemble';
import { WASM_MODULES } from '../../../server/src/repo/wasm/wasmmodules';
import { cleanupTempDirs, makeTempDir } from '../../helpers/tmp';

const SOURCES = path.join(__dirname, '../../../server/src/repo/wasm');

afterAll(cleanupTempDirs);

describe('assembling the WebAssembly kernels', () => {
  it('gives every module, each one a module WebAssembly compiles, the same table the tests run', async () => {
    const api = wasmApi;
    if (api === undefined) throw new Error('this runtime has no WebAssembly');
    const modules = await assembleWasmModules(SOURCES);
    expect(Object.keys(modules).sort()).toEqual([...WASM_MODULES].sort());
    for (const name of WASM_MODULES) expect(() => new api.Module(Buffer.from(modules[name], 'base64'))).not.toThrow();
    expect(modules).toEqual(inject('wasmModules'));
  });

  it('stops at a mistake in a .wat with its file, line and column', async () => {
    const dir = makeTempDir('wat');
    cpSync(SOURCES, dir, { recursive: true });
    const chunker = path.join(dir, 'chunker.wat');
    writeFileSync(chunker, readFileSync(chunker, 'utf8').replace('(local.set $p (i32.const 4224))', '(local.set $p (i32.cnst 4224))'));
    await expect(assembleWasmModules(dir)).rejects.toThrow(/chunker\.wat:\d+:\d+: error: unexpected token "i32\.cnst"/);
  });

  it('refuses a module that parses but does not validate', async () => {
    const dir = makeTempDir('wat');
    cpSync(SOURCES, dir, { recursive: true });
    const chunker = path.join(dir, 'chunker.wat');
    // an i64 where scan() returns an i32
    writeFileSync(chunker, readFileSync(chunker, 'utf8').replace('(i32.const -1)))', '(i64.const -1)))'));
    await expect(assembleWasmModules(dir)).rejects.toThrow(/chunker\.wat:\d+:\d+: error: type mismatch/);
  });
});
