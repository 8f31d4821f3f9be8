// The one fast predictor behind every tree ensemble (forests, single trees, gradient boosting, and any
// reader's flat node arrays): per row, its start values plus each tree's leaf vector, added in tree
// order. WebAssembly kernel when the runtime has WebAssembly, else the JavaScript walk; same numbers.
import { predictRows } from './tree-batch.js';
import { packForest } from './tree-pack.js';
import { instantiateKernel, runRows, wasmAvailable } from './wasm/forest-engine.js';
import type { EngineSpec } from './wasm/forest-layout.js';
import { packEngine } from './wasm/forest-layout.js';

export type { EngineSpec, EngineTree } from './wasm/forest-layout.js';

export interface TreeSums {
  /** 'wasm' or 'js': which implementation runs (tests check both give the same numbers). */
  readonly implementation: 'wasm' | 'js';
  /**
   * Rows [r0, r1) of row-major `rows` (nFeatures values each, cast to float32 and checked like
   * scikit-learn's check_array): out[(r - r0) * nOutputs + c] = init[c] + the trees' outputs.
   */
  sums(rows: ArrayLike<unknown>, r0: number, r1: number, out: Float64Array): void;
}

export interface TreeSumsOptions {
  /** Per-output start values (scikit-learn GB's raw baseline); zeros when absent. */
  readonly init?: ArrayLike<number> | null;
  /** Force the JavaScript walk (default: WebAssembly when available). */
  readonly javascript?: boolean;
}

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
  if (options.javascript || !wasmAvailable) return jsSums(spec, init);
  const packed = packEngine(spec, 1, false);
  const run = instantiateKernel(packed);
  return {
    implementation: 'wasm',
    sums(rows, r0, r1, out) {
      runRows(packed, run, rows, r0, r1, out, r0, init);
    },
  };
}
