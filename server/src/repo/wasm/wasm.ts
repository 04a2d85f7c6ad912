// The parts of the WebAssembly JS API that load this project's modules (wasmmodules.ts has their bytes).

/** The parts of the WebAssembly JS API used here (the project's tsconfig lib has no WebAssembly types). */
export interface WasmApi {
  Module: {
    new (bytes: Uint8Array): object;
    exports(module: object): { name: string; kind: string }[];
    imports(module: object): { module: string; name: string; kind: string }[];
  };
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** undefined when the runtime has no WebAssembly (for example `node --jitless`). */
export const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
