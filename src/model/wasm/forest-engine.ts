// Runs the forest kernel over rows: converts each block of rows to float32 in the thread's scratch slot
// (refusing what scikit-learn's float32 check_array refuses), starts each output at its initial value, walks
// every tree over the block in wasm, and copies the sums out. Used by the one-thread predictors and, over a
// shared memory, by each prediction worker thread.
import { castToFloat32 } from '../float32-rows.js';
import { kernelModule } from './forest-kernel.js';
import type { Layout, PackedEngine } from './forest-layout.js';
import { instantiate, wasm } from './runtime.js';

export type RunKernel = (
  treeStart: number,
  treeEnd: number,
  xBase: number,
  nRows: number,
  outBase: number,
) => void;

/** Whether this Node can run the kernel (WebAssembly can be disabled, e.g. by --jitless). */
export const wasmAvailable: boolean = wasm !== null;

/** Compiles the kernel for a packed engine (a few hundred bytes of code: well under a millisecond). */
export function instantiateKernel(packed: PackedEngine): RunKernel {
  const { layout, memory } = packed;
  const bytes = kernelModule({
    headers: layout.headers,
    rowBytes: layout.nFeatures * 4,
    outBytes: layout.nOutputs * 8,
    memory: { shared: memory.buffer instanceof SharedArrayBuffer, maxPages: layout.pages },
  });
  return instantiate(bytes, memory).run as RunKernel;
}

/**
 * Rows [r0, r0 + n) of `rows` into a scratch slot of `layout`: cast to float32 into `x` (refused like
 * scikit-learn's check_array, naming the row), and each row's outputs in `acc` set to `init` (or 0).
 */
export function loadBlock(
  layout: Layout,
  rows: ArrayLike<unknown>,
  r0: number,
  n: number,
  x: Float32Array,
  acc: Float64Array,
  init: ArrayLike<number> | null,
): void {
  const F = layout.nFeatures;
  const K = layout.nOutputs;
  castToFloat32(rows, r0 * F, n * F, x, F);
  if (init === null) acc.fill(0, 0, n * K);
  else for (let r = 0; r < n; r++) for (let c = 0; c < K; c++) acc[r * K + c] = init[c] as number;
}

/**
 * Rows [r0, r1) of `rows` (row-major, nFeatures each) through every tree: out[(r - outRow0) * nOutputs + c]
 * = init[c] + the trees' leaf values, added in tree order. Uses scratch slot `slot` of the layout.
 */
export function runRows(
  packed: PackedEngine,
  run: RunKernel,
  rows: ArrayLike<unknown>,
  r0: number,
  r1: number,
  out: Float64Array,
  outRow0: number,
  init: ArrayLike<number> | null,
  slot = 0,
): void {
  const { layout, memory } = packed;
  const F = layout.nFeatures;
  const K = layout.nOutputs;
  const scratch = layout.slots[slot];
  if (scratch === undefined) throw new RangeError(`no scratch slot ${slot}`);
  const x = new Float32Array(memory.buffer, scratch.x, layout.blockRows * F);
  const acc = new Float64Array(memory.buffer, scratch.out, layout.blockRows * K);
  // A short first block: the kernel starts in V8's baseline tier and is optimised once it has run a little.
  let block = Math.min(layout.blockRows, 1024);
  for (let s = r0; s < r1; s += block, block = layout.blockRows) {
    const n = Math.min(r1 - s, block);
    loadBlock(layout, rows, s, n, x, acc, init);
    run(0, layout.nTrees, scratch.x, n, scratch.out);
    out.set(acc.subarray(0, n * K), (s - outRow0) * K);
  }
}
