// Prediction for tree models (single trees and forests, trained here or read from joblib files): hands the
// trees to the one tree-sum engine (tree-sums.ts) with scikit-learn's per-tree leaf outputs, then applies
// its last steps (forests divide by the number of trees; a single tree normalises its counts), so outputs
// are bit-identical.
import { PredictInputError } from './errors.js';
import { pairwiseSum } from './numeric.js';
import { createTreeSums, type EngineSpec } from './tree-sums.js';
import {
  type BatchPrediction,
  type ClassLabel,
  type FeatureValue,
  type FlatTree,
  type ModelKind,
  type Predictor,
  positionalSchema,
  type Task,
} from './types.js';

/** How per-tree outputs combine: a forest averages in tree order, a single tree is used as is. */
export type Aggregation = 'mean' | 'single';

export interface TreeEnsembleSpec {
  readonly kind: ModelKind;
  readonly task: Task;
  readonly nFeatures: number;
  readonly classes: readonly ClassLabel[] | null;
  readonly trees: readonly FlatTree[];
  readonly aggregation: Aggregation;
}

/** The Predictor of tree models plus batch entry points (rows packed row-major in one array). */
export interface TreeEnsemblePredictor extends Predictor {
  /** Which implementation of the tree walk runs: the WebAssembly kernel, or JavaScript without it. */
  readonly engine: 'wasm' | 'js';
  /** Probabilities for `nRows` rows: out[r * nClasses + c] (rows are checked like check_array). */
  predictProbaBatch(rows: ArrayLike<unknown>, nRows: number): Float64Array;
  /** Regression values for `nRows` rows. */
  predictValueBatch(rows: ArrayLike<unknown>, nRows: number): Float64Array;
  predictBatch(rows: ArrayLike<FeatureValue>, nRows: number, probabilities: boolean): BatchPrediction;
}

/** Index of the first maximum (numpy argmax). */
function argmax(v: ArrayLike<number>, off: number, n: number): number {
  let best = 0;
  for (let c = 1; c < n; c++) if ((v[off + c] as number) > (v[off + best] as number)) best = c;
  return best;
}

/** Checks one row and casts it to float32 like `check_array(X, dtype=float32)`. */
export function castRow(row: ArrayLike<number>, nFeatures: number, out: Float32Array): void {
  if (row === null || typeof row !== 'object' || typeof row.length !== 'number') {
    throw new PredictInputError(`a row must be an array of ${nFeatures} numbers`);
  }
  if (row.length !== nFeatures) {
    throw new PredictInputError(`row has ${row.length} features; the model expects ${nFeatures}`);
  }
  for (let f = 0; f < nFeatures; f++) {
    const v = row[f];
    if (typeof v !== 'number') {
      throw new PredictInputError(`feature ${f} is ${JSON.stringify(v)}; expected a number`);
    }
    const x = Math.fround(v);
    if (!Number.isFinite(x)) {
      throw new PredictInputError(`feature ${f} is ${v}; expected a finite number within float32 range`);
    }
    out[f] = x;
  }
}

/** The engine's view of scikit-learn trees: each adds its leaf vector (width = outputs) to every column. */
export function ensembleEngineSpec(
  trees: readonly FlatTree[],
  nFeatures: number,
  nValues: number,
  leafOutput: EngineSpec['leafOutput'],
): EngineSpec {
  return {
    trees: trees.map((t) => ({ ...t, column: 0, width: nValues })),
    nFeatures,
    nOutputs: nValues,
    leafOutput,
  };
}

/**
 * What one tree adds to a row, as scikit-learn computes it: a forest classifier's trees add their
 * normalised leaf counts (`predict_proba` of each tree), a single classifier tree its raw counts (its
 * `predict` argmaxes them, `predict_proba` normalises them after), regressor trees their leaf value.
 */
export function treeLeafOutput(spec: TreeEnsembleSpec, K: number): EngineSpec['leafOutput'] {
  const normalise = spec.task === 'classification' && spec.aggregation === 'mean';
  return (t, node, out, at) => {
    const value = (spec.trees[t] as FlatTree).value;
    for (let c = 0; c < K; c++) out[at + c] = value[node * K + c] as number;
    if (!normalise) return;
    // proba / proba.sum(axis=1), with a zero normaliser replaced by 1.0
    let norm = pairwiseSum(out, at, K);
    if (norm === 0.0) norm = 1.0;
    for (let c = 0; c < K; c++) out[at + c] = (out[at + c] as number) / norm;
  };
}

export function createTreeEnsemblePredictor(
  spec: TreeEnsembleSpec,
  options: { readonly javascript?: boolean } = {},
): TreeEnsemblePredictor {
  const classification = spec.task === 'classification';
  const K = classification ? (spec.classes?.length ?? 0) : 1;
  const nFeatures = spec.nFeatures;
  const mean = spec.aggregation === 'mean';
  const nTrees = spec.trees.length;
  // A single tree starts from -0.0, so its sum is the leaf value itself (-0.0 + v == v for every v).
  const init = mean ? null : new Float64Array(K).fill(-0);
  const engine = createTreeSums(ensembleEngineSpec(spec.trees, nFeatures, K, treeLeafOutput(spec, K)), {
    init,
    javascript: options.javascript === true,
  });
  const scratch = new Float32Array(nFeatures);

  /** The trees' sums for n rows, then sklearn's last step: forests divide by the number of trees. */
  const sums = (rows: ArrayLike<unknown>, n: number): Float64Array => {
    const out = new Float64Array(n * K);
    engine.sums(rows, 0, n, out);
    if (mean) for (let j = 0; j < n * K; j++) out[j] = (out[j] as number) / nTrees;
    return out;
  };
  /** Rows of a single classifier tree hold raw counts: normalise them in place (its predict_proba). */
  const normaliseRaw = (out: Float64Array, n: number): Float64Array => {
    for (let r = 0; r < n; r++) {
      let norm = pairwiseSum(out, r * K, K);
      if (norm === 0.0) norm = 1.0;
      for (let c = 0; c < K; c++) out[r * K + c] = (out[r * K + c] as number) / norm;
    }
    return out;
  };
  const probaOf = (rows: ArrayLike<unknown>, n: number): Float64Array => {
    if (!classification) throw new PredictInputError(`${spec.kind} is a regressor; it has no probabilities`);
    const out = sums(rows, n);
    return mean ? out : normaliseRaw(out, n);
  };
  const one = (row: ArrayLike<FeatureValue>): Float32Array => {
    castRow(row as ArrayLike<number>, nFeatures, scratch);
    return scratch;
  };
  const classes = spec.classes ?? [];

  return {
    kind: spec.kind,
    task: spec.task,
    nFeatures,
    schema: positionalSchema(nFeatures),
    classes: spec.classes,
    engine: engine.implementation,
    // Rows are numeric: the request layer checks them against the (all-number) schema.
    predictProba(row) {
      return probaOf(one(row), 1);
    },
    predict(row) {
      const out = sums(one(row), 1);
      // Classifiers argmax their (mean) probabilities; a single tree its raw counts: same class.
      return classification ? (classes[argmax(out, 0, K)] as ClassLabel) : (out[0] as number);
    },
    predictProbaBatch(rows, nRows) {
      return probaOf(rows, nRows);
    },
    predictValueBatch(rows, nRows) {
      if (classification) throw new PredictInputError(`${spec.kind} is a classifier; use predictProbaBatch`);
      return sums(rows, nRows);
    },
    predictBatch(rows, nRows, probabilities) {
      const out = sums(rows, nRows);
      const predictions: ClassLabel[] = new Array(nRows);
      if (!classification) {
        for (let r = 0; r < nRows; r++) predictions[r] = out[r] as number;
        return { predictions, probabilities: null };
      }
      for (let r = 0; r < nRows; r++) predictions[r] = classes[argmax(out, r * K, K)] as ClassLabel;
      if (!probabilities) return { predictions, probabilities: null };
      return { predictions, probabilities: mean ? out : normaliseRaw(out, nRows) };
    },
  };
}
