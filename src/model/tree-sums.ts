// The one fast predictor behind every tree ensemble (forests, single trees, gradient boosting, and any
// reader's flat node arrays): per row, its start values plus each tree's leaf vector, added in tree
// order. WebAssembly kernel when the runtime has WebAssembly, else the JavaScript walk; same numbers
// (a small ensemble walks a call of a few rows in JavaScript and builds its kernel at the first large one).
import { predictRows } from './tree-batch.js';
import { packForest } from './tree-pack.js';
import { instantiateKernel, runRows, wasmAvailable } from './wasm/forest-engine.js';
import type { EngineSpec } from './wasm/forest-layout.js';
import { type PackedEngine, packEngine } from './wasm/forest-layout.js';

export type { EngineSpec, EngineTree } from './wasm/forest-layout.js';

export interface TreeSums {
  /**
   * Which implementation runs (tests check they give the same numbers): 'js+wasm' is a small ensemble's
   * walk for a few rows and kernel for more.
   */
  readonly implementation: 'wasm' | 'js' | 'js+wasm';
  /**
   * Rows [r0, r1) of row-major `rows` (nFeatures values each, cast to float32 and checked like
   * scikit-learn's check_array): out[(r - r0) * nOutputs + c] = init[c] + the trees' outputs.
   */
  sums(rows: ArrayLike<unknown>, r0: number, r1: number, out: Float64Array): void;
}

export interface TreeSumsOptions {
  /** Per-output start values (scikit-learn GB's raw baseline); zeros when absent. */
  readonly init?: ArrayLike<number> | null;
  /**
   * true: the JavaScript walk; false: the WebAssembly kernel (when available). Absent: the kernel, except
   * for a small ensemble, which starts with the walk and builds the kernel at its first large call.
   */
  readonly javascript?: boolean;
}

/**
 * An ensemble of at most this many nodes is small: generating and compiling its kernel costs more than
 * the JavaScript walk spends on a few rows (about 15 ms of CPU against 4 for the tutorial's 100 small
 * trees, at a Lambda cold start), so the kernel waits for a call of at least FEW_ROWS rows.
 */
export const SMALL_NODES = 4096;
const FEW_ROWS = 64;

function jsSums(spec: EngineSpec, init: ArrayLike<number> | null): TreeSums {
  const K = spec.nOutputs;
  if (!spec.trees.every((t) => t.column === 0 && t.width === K)) return jsSparseSums(spec, init);
  const packed = packForest(spec.trees, K, spec.leafOutput);
  const layout = { nValues: K, nFeatures: spec.nFeatures };
  return {
    implementation: 'js',
    sums(rows, r0, r1, out) {
      for (let r = 0; r < r1 - r0; r++) {
        for (let c = 0; c < K; c++) out[r * K + c] = init === null ? 0 : (init[c] as number);
      }
      predictRows(packed, layout, rows, r0, r1, out);
    },
  };
}

/**
 * Trees that add to some columns only (boosting: one tree per raw-score column): each tree packed on its
 * own, so a row's other columns are never touched (adding 0.0 would turn a -0.0 start into +0.0).
 */
function jsSparseSums(spec: EngineSpec, init: ArrayLike<number> | null): TreeSums {
  const K = spec.nOutputs;
  const F = spec.nFeatures;
  const packs = spec.trees.map((tree, t) =>
    packForest([tree], tree.width, (_t, node, out, at) => spec.leafOutput(t, node, out, at)),
  );
  return {
    implementation: 'js',
    sums(rows, r0, r1, out) {
      const n = r1 - r0;
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < K; c++) out[r * K + c] = init === null ? 0 : (init[c] as number);
      }
      const part = new Float64Array(n * K);
      spec.trees.forEach((tree, t) => {
        const w = tree.width;
        part.fill(0, 0, n * w);
        predictRows(
          packs[t] as ReturnType<typeof packForest>,
          { nValues: w, nFeatures: F },
          rows,
          r0,
          r1,
          part,
        );
        for (let r = 0; r < n; r++) {
          for (let c = 0; c < w; c++)
            out[r * K + tree.column + c] =
              (out[r * K + tree.column + c] as number) + (part[r * w + c] as number);
        }
      });
    },
  };
}

/** The predictor core for a validated tree ensemble. */
export function createTreeSums(spec: EngineSpec, options: TreeSumsOptions = {}): TreeSums {
  const init = options.init ?? null;
  if (options.javascript === true || !wasmAvailable) return jsSums(spec, init);
  if (options.javascript === undefined && nodesOf(spec) <= SMALL_NODES) return smallSums(spec, init);
  return wasmSums(spec, init);
}

function nodesOf(spec: EngineSpec): number {
  let nodes = 0;
  for (const tree of spec.trees) nodes += tree.nodeCount;
  return nodes;
}

/** A small ensemble: the walk for calls of a few rows, the kernel (built on first need) for larger ones. */
function smallSums(spec: EngineSpec, init: ArrayLike<number> | null): TreeSums {
  let walk: TreeSums | null = null;
  let kernel: TreeSums | null = null;
  return {
    implementation: 'js+wasm',
    sums(rows, r0, r1, out) {
      if (r1 - r0 < FEW_ROWS) {
        walk ??= jsSums(spec, init);
        walk.sums(rows, r0, r1, out);
      } else {
        kernel ??= wasmSums(spec, init);
        kernel.sums(rows, r0, r1, out);
      }
    },
  };
}

function wasmSums(spec: EngineSpec, init: ArrayLike<number> | null): TreeSums {
  return packedSums(packEngine(spec, 1, false), init);
}

/** The kernel over an engine already laid out (packed here, or a validated stored image; one scratch slot). */
export function packedSums(packed: PackedEngine, init: ArrayLike<number> | null): TreeSums {
  const run = instantiateKernel(packed);
  return {
    implementation: 'wasm',
    sums(rows, r0, r1, out) {
      runRows(packed, run, rows, r0, r1, out, r0, init);
    },
  };
}
