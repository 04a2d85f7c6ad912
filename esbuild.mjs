// Bundles the three entry points (and the backup worker) into dist/ as CommonJS for Node 20.
import { copyFileSync, mkdirSync } from 'node:fs';
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // ssh2 (and its optional cpu-features) try to load native addons and fall back to JavaScript when they are missing.
  external: ['*.node'],
};

await Promise.all([
  build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, external: [...common.external, '@aws-sdk/client-s3'] }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', external: [...common.external, '@aws-sdk/client-s3'] }),
  build({ ...common, entryPoints: ['server/src/backend/s3sdk.ts'], outfile: 'dist/s3sdk.js' }),
  build({ ...common, entryPoints: ['server/src/repo/worker.ts'], outfile: 'dist/worker.js' }),
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', '*.node'] }),
]);

// The zstd WebAssembly module is loaded from next to the bundle.
mkdirSync('dist', { recursive: true });
copyFileSync('node_modules/@bokuweb/zstd-wasm/dist/common/zstd.wasm', 'dist/zstd.wasm');
