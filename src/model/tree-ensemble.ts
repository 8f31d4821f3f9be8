// Prediction for tree models (single trees and forests, trained here or read from joblib files): hands the
// trees to the one tree-sum engine (tree-sums.ts) with scikit-learn's per-tree leaf outputs, then applies
// its last steps (forests divide by the number of trees; a single tree normalises its counts), so outputs
// are bit-identical.
import { PredictInputError } from './errors.js';
import type { NumberArray } from './number-array.js';
import { pairwiseSum } from './numeric.js';
import { createTreeSums, type EngineSpec, type TreeSums } from './tree-sums.js';
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
  /** scikit-learn >= 1.3 trees that take NaN (every tree has missingGoToLeft). */
  readonly missingValues?: boolean;
  /**
   * Classifier leaves hold class proportions that scikit-learn (>= 1.4) uses as they are; earlier
   * versions store counts and normalise them.
   */
  readonly probabilitiesAsStored?: boolean;
}

/** The Predictor of tree models plus batch entry points (rows packed row-major in one array). */
export interface TreeEnsemblePredictor extends Predictor {
  /** Which implementation of the tree walk runs: the WebAssembly kernel, or JavaScript without it. */
  readonly engine: 'wasm' | 'js' | 'js+wasm';
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

/**
 * Checks one row and casts it to float32 like `check_array(X, dtype=float32)`. NaN (a missing value) is
 * kept when `allowMissing` (trees that learnt `missing_go_to_left`); returns whether the row holds one.
 */
export function castRow(
  row: ArrayLike<number>,
  nFeatures: number,
  out: Float32Array,
  allowMissing = false,
): boolean {
  if (row === null || typeof row !== 'object' || typeof row.length !== 'number') {
    throw new PredictInputError(`a row must be an array of ${nFeatures} numbers`);
  }
  if (row.length !== nFeatures) {
    throw new PredictInputError(`row has ${row.length} features; the model expects ${nFeatures}`);
  }
  let missing = false;
  for (let f = 0; f < nFeatures; f++) {
    const v = row[f];
    if (typeof v !== 'number') {
      throw new PredictInputError(`feature ${f} is ${JSON.stringify(v)}; expected a number`);
    }
    const x = Math.fround(v);
    if (Number.isNaN(x)) {
      if (!allowMissing)
        throw new PredictInputError(`feature ${f} is missing (NaN); this model takes no missing values`);
      missing = true;
    } else if (!Number.isFinite(x)) {
      throw new PredictInputError(`feature ${f} is ${v}; expected a finite number within float32 range`);
    }
    out[f] = x;
  }
  return missing;
}

/**
 * The leaf a float32 row reaches in one scikit-learn tree when the row holds NaN: a missing value goes
 * the side its node learnt (`missing_go_to_left`), any other value left when `x <= threshold`.
 */
function leafWithMissing(t: FlatTree, x: Float32Array): number {
  const left = t.missingGoToLeft as NumberArray;
  let node = 0;
  while (t.childrenLeft[node] !== -1) {
    const v = x[t.feature[node] as number] as number;
    const goLeft = Number.isNaN(v) ? left[node] === 1 : v <= (t.threshold[node] as number);
    node = (goLeft ? t.childrenLeft[node] : t.childrenRight[node]) as number;
  }
  return node;
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
  const normalise =
    spec.task === 'classification' && spec.aggregation === 'mean' && spec.probabilitiesAsStored !== true;
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

export interface TreeEnsembleOptions {
  readonly javascript?: boolean;
  /**
   * The trees' sums already built from a stored predictor image (forest-image.ts) of `nTrees` trees;
   * `spec.trees` is then empty and the model takes no missing values.
   */
  readonly prebuilt?: { readonly nTrees: number; build(init: ArrayLike<number> | null): TreeSums };
}

/** The init values of a tree ensemble's sums: a single tree starts from -0.0 (-0.0 + v == v for every v). */
export function ensembleInit(aggregation: Aggregation, K: number): Float64Array | null {
  return aggregation === 'mean' ? null : new Float64Array(K).fill(-0);
}

export function createTreeEnsemblePredictor(
  spec: TreeEnsembleSpec,
  options: TreeEnsembleOptions = {},
): TreeEnsemblePredictor {
  const classification = spec.task === 'classification';
  const K = classification ? (spec.classes?.length ?? 0) : 1;
  const nFeatures = spec.nFeatures;
  const mean = spec.aggregation === 'mean';
  const prebuilt = options.prebuilt;
  if (prebuilt !== undefined && spec.missingValues === true)
    throw new Error('a predictor image serves only models without missing values');
  const nTrees = prebuilt?.nTrees ?? spec.trees.length;
  const init = ensembleInit(spec.aggregation, K);
  const engine =
    prebuilt?.build(init) ??
    createTreeSums(ensembleEngineSpec(spec.trees, nFeatures, K, treeLeafOutput(spec, K)), {
      init,
      ...(options.javascript === undefined ? {} : { javascript: options.javascript }),
    });
  const scratch = new Float32Array(nFeatures);
  const missingValues =
    spec.missingValues === true && spec.trees.every((t) => t.missingGoToLeft !== undefined);
  const leafOutput = treeLeafOutput(spec, K);
  const leafScratch = new Float64Array(K);

  /** One row holding NaN: each tree walked with the missing-value rule, leaf vectors added in tree order. */
  const sumsWithMissing = (x: Float32Array, out: Float64Array, at: number): void => {
    for (let c = 0; c < K; c++) out[at + c] = init === null ? 0 : (init[c] as number);
    spec.trees.forEach((t, i) => {
      leafOutput(i, leafWithMissing(t, x), leafScratch, 0);
      for (let c = 0; c < K; c++) out[at + c] = (out[at + c] as number) + (leafScratch[c] as number);
    });
  };

  /** Whether any of the first n rows holds NaN (only models that take missing values look). */
  const anyMissing = (rows: ArrayLike<unknown>, n: number): boolean => {
    if (!missingValues) return false;
    for (let j = 0; j < n * nFeatures; j++) if (Number.isNaN(rows[j])) return true;
    return false;
  };

  /** The trees' sums for n rows, then sklearn's last step: forests divide by the number of trees. */
  const sums = (rows: ArrayLike<unknown>, n: number): Float64Array => {
    const out = new Float64Array(n * K);
    if (!anyMissing(rows, n)) engine.sums(rows, 0, n, out);
    else {
      const row = new Array<number>(nFeatures);
      for (let r = 0; r < n; r++) {
        for (let f = 0; f < nFeatures; f++) row[f] = rows[r * nFeatures + f] as number;
        if (castRow(row, nFeatures, scratch, true)) sumsWithMissing(scratch, out, r * K);
        else engine.sums(scratch, 0, 1, out.subarray(r * K, (r + 1) * K));
      }
    }
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
    return mean || spec.probabilitiesAsStored === true ? out : normaliseRaw(out, n);
  };
  const one = (row: ArrayLike<FeatureValue>): Float32Array => {
    castRow(row as ArrayLike<number>, nFeatures, scratch, missingValues);
    return scratch;
  };
  const classes = spec.classes ?? [];

  return {
    kind: spec.kind,
    task: spec.task,
    nFeatures,
    schema: { ...positionalSchema(nFeatures, missingValues), float32: true },
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
      return {
        predictions,
        probabilities: mean || spec.probabilitiesAsStored === true ? out : normaliseRaw(out, nRows),
      };
    },
  };
}
