// Bundles the three entry points (and the worker threads' scripts) into dist/ as CommonJS for Node 20.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { build } from 'esbuild';

/** The WebAssembly kernels assembled from their text format, carried in the bundles (server/src/repo/wasm/wasmmodules.ts). */
async function assembledWasm() {
  const script = 'dist/.assemble.cjs';
  await build({ bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', external: ['wabt'], entryPoints: ['server/src/repo/wasm/assemble.ts'], outfile: script });
  try {
    return await createRequire(import.meta.url)(`./${script}`).assembleWasmModules('server/src/repo/wasm');
  } finally {
    rmSync(script, { force: true });
  }
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // ssh2 (and its optional cpu-features) try to load native addons and fall back to JavaScript when they are missing.
  external: ['*.node'],
  define: { LOCKSTEP_PREBUILT_WASM: JSON.stringify(await assembledWasm()) },
};

await Promise.all([
  // The AWS SDK and ssh2 are bundles of their own, loaded when a repository needs them.
  // The CLI: dist/cli.js runs the bundle dist/lockstep.js from V8's code cache for it (written below).
  build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/lockstep.js', external: [...common.external, '@aws-sdk/client-s3', 'ssh2'] }),
  build({ ...common, entryPoints: ['server/src/cliloader.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', external: [...common.external, '@aws-sdk/client-s3', 'ssh2'] }),
  build({ ...common, entryPoints: ['server/src/backend/s3sdk.ts'], outfile: 'dist/s3sdk.js' }),
  build({ ...common, entryPoints: ['server/src/backend/ssh2lib.ts'], outfile: 'dist/ssh2.js' }),
  build({ ...common, entryPoints: ['server/src/repo/engine/worker.ts'], outfile: 'dist/worker.js' }),
  build({ ...common, entryPoints: ['server/src/repo/engine/writerworker.ts'], outfile: 'dist/writer.js' }),
  build({ ...common, entryPoints: ['server/src/ops/readahead/worker.ts'], outfile: 'dist/readahead.js' }),
  build({ ...common, entryPoints: ['server/src/repo/engine/scryptworker.ts'], outfile: 'dist/scrypt.js' }),
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', '*.node'] }),
  // For bench/warm.mjs, which starts its backend as the extension does.
  build({ ...common, entryPoints: ['client/src/backendMemory.ts'], outfile: 'dist/backendMemory.js' }),
]);

// The zstd WebAssembly module is loaded from next to the bundle.
mkdirSync('dist', { recursive: true });
copyFileSync('node_modules/@bokuweb/zstd-wasm/dist/common/zstd.wasm', 'dist/zstd.wasm');

// V8's code cache for the CLI's bundle, made by this Node after the bundle's top level has run once (so that the
// functions it ran are in it too); a Node whose V8 differs rejects it and compiles the bundle itself.
{
  const { compileBundle, BUNDLE, CODE_CACHE } = createRequire(import.meta.url)('./dist/cli.js');
  const script = compileBundle();
  const notMain = { exports: {} };
  script.runInThisContext().call(notMain.exports, notMain.exports, createRequire(BUNDLE), notMain, BUNDLE, path.dirname(BUNDLE));
  writeFileSync(CODE_CACHE, script.createCachedData());
}
