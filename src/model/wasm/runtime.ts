// The part of Node's WebAssembly global the kernels use, typed here (TypeScript declares WebAssembly only in
// its DOM library, which this Node project does not load). Absent when Node runs with WebAssembly off.

export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** Node's WebAssembly, or null when it is unavailable (e.g. `node --jitless`). */
export const wasm: WasmApi | null = typeof api?.Memory === 'function' ? api : null;

/** Compiles and instantiates module bytes that import `env.memory`. */
export function instantiate(bytes: Uint8Array, memory: WasmMemory): Record<string, unknown> {
  if (wasm === null) throw new Error('WebAssembly is not available in this Node process');
  return new wasm.Instance(new wasm.Module(bytes), { env: { memory } }).exports;
}

/** A new memory of `pages` 64 KiB pages, shared between threads when `shared`. */
export function newMemory(pages: number, shared: boolean): WasmMemory {
  if (wasm === null) throw new Error('WebAssembly is not available in this Node process');
  return new wasm.Memory(shared ? { initial: pages, maximum: pages, shared: true } : { initial: pages });
}
