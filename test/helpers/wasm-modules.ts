// Running from source, the WebAssembly kernels' bytes are where a bundle has them (server/src/repo/wasm/wasmmodules.ts):
// the table wasm-setup.ts assembled, as the global the bundles define.
import { inject } from 'vitest';

(globalThis as { LOCKSTEP_PREBUILT_WASM?: Record<string, string> }).LOCKSTEP_PREBUILT_WASM = inject('wasmModules');
