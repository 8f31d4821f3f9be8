// The Predictor of boosted-tree models (XGBoost, LightGBM): raw scores and the library's own outputs
// next to the labels and probabilities every Predictor has, one row or a packed batch at a time.
import type { FeatureValue, Predictor } from '../types.js';
import type { BatchEngine } from './kernel.js';

export interface BoostedPredictor extends Predictor {
  /** Raw scores per row: margins (`output_margin=True`, `raw_score=True`). */
  readonly nOutputs: number;
  /** What `predict(output_margin=True)` / `predict(raw_score=True)` returns for one row. */
  rawScores(row: ArrayLike<FeatureValue>): Float64Array;
  /** What the library's `Booster.predict` returns for one row (probabilities, values, a class index). */
  outputs(row: ArrayLike<FeatureValue>): Float64Array;
  /** Checks and converts rows into the row-major numbers the batch methods take (NaN = missing). */
  encodeRows(rows: readonly ArrayLike<FeatureValue>[]): Float64Array;
  /** Raw scores of `nRows` encoded rows: out[r * nOutputs + k]. */
  rawScoresBatch(x: Float64Array, nRows: number): Float64Array;
  /** Library outputs of `nRows` encoded rows: out[r * nOutputs + k] (multi:softmax: one index per row). */
  outputsBatch(x: Float64Array, nRows: number): Float64Array;
  /** Which walk a batch of `nRows` rows takes (WebAssembly kernel or JavaScript), building the kernel if due. */
  batchEngine(nRows: number): BatchEngine;
}

/** Index of the first largest value (numpy.argmax, XGBoost's FindMaxIndex). */
export function firstMax(v: ArrayLike<number>, off: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if ((v[off + k] as number) > (v[off + best] as number)) best = k;
  return best;
}
