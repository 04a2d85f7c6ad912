// Run by esbuild.mjs when it bundles (see wasmmodules.ts): every module's bytes, base64, by the key it is asked for with.
import { CHUNK_MAX_SIZE, CHUNK_MIN_SIZE, SPLIT_MASK } from './chunker';
import { buildChunkerWasm, chunkerModuleKey } from './chunkerwasm';
import { buildPoly1305SimdModule, buildPoly1305Wasm } from './crypto';
import { buildScryptWasm, buildSimdProbe } from './scryptwasm';

export function prebuiltWasm(): Record<string, string> {
  const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
  return {
    poly1305: base64(buildPoly1305Wasm()),
    'poly1305-simd': base64(buildPoly1305SimdModule()),
    [chunkerModuleKey(CHUNK_MIN_SIZE, CHUNK_MAX_SIZE, SPLIT_MASK)]: base64(buildChunkerWasm(CHUNK_MIN_SIZE, CHUNK_MAX_SIZE, SPLIT_MASK)),
    scrypt: base64(buildScryptWasm()),
    'simd-probe': base64(buildSimdProbe()),
  };
}
