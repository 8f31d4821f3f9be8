// Prediction for tree models (single trees and forests, trained here or read from joblib files):
// packs FlatTree[] into typed arrays once, then applies scikit-learn's float32 input cast, its
// per-tree probability normalisation and its tree-order summation, so outputs are bit-identical.
import { PredictInputError } from './errors.js';
import { pairwiseSum } from './numeric.js';
import type { ClassLabel, FlatTree, ModelKind, Predictor, Task } from './types.js';

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
  /** Probabilities for `nRows` rows: out[r * nClasses + c]. Rows must already be validated. */
  predictProbaBatch(rows: ArrayLike<number>, nRows: number): Float64Array;
  /** Regression values for `nRows` rows. */
  predictValueBatch(rows: ArrayLike<number>, nRows: number): Float64Array;
}

interface Packed {
  readonly roots: Int32Array;
  /** Split nodes: feature >= 0. Leaves: feature = -1 and `left` holds the leaf's offset in `leafValues`. */
  readonly feature: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly threshold: Float64Array;
  /** Per leaf: normalised class probabilities (classifiers) or the value (regressors). */
  readonly leafValues: Float64Array;
  /** Per leaf: raw values, used for a single classifier tree's argmax (sklearn argmaxes the counts). */
  readonly leafRaw: Float64Array;
}

function pack(trees: readonly FlatTree[], nValues: number, classification: boolean): Packed {
  let nodes = 0;
  let leaves = 0;
  for (const t of trees) {
    nodes += t.nodeCount;
    for (let i = 0; i < t.nodeCount; i++) if (t.childrenLeft[i] === -1) leaves++;
  }
  const roots = new Int32Array(trees.length);
  const feature = new Int32Array(nodes);
  const left = new Int32Array(nodes);
  const right = new Int32Array(nodes);
  const threshold = new Float64Array(nodes);
  const leafValues = new Float64Array(leaves * nValues);
  const leafRaw = new Float64Array(leaves * nValues);
  let base = 0;
  let leaf = 0;
  trees.forEach((t, ti) => {
    roots[ti] = base;
    for (let i = 0; i < t.nodeCount; i++) {
      const g = base + i;
      if (t.childrenLeft[i] === -1) {
        feature[g] = -1;
        left[g] = leaf * nValues;
        const raw = t.value.slice(i * nValues, (i + 1) * nValues);
        leafRaw.set(raw, leaf * nValues);
        if (classification) {
          let norm = pairwiseSum(raw);
          if (norm === 0.0) norm = 1.0;
          for (let c = 0; c < nValues; c++) leafValues[leaf * nValues + c] = (raw[c] as number) / norm;
        } else leafValues.set(raw, leaf * nValues);
        leaf++;
      } else {
        feature[g] = t.feature[i] as number;
        left[g] = base + (t.childrenLeft[i] as number);
        right[g] = base + (t.childrenRight[i] as number);
        threshold[g] = t.threshold[i] as number;
      }
    }
    base += t.nodeCount;
  });
  return { roots, feature, left, right, threshold, leafValues, leafRaw };
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

export function createTreeEnsemblePredictor(spec: TreeEnsembleSpec): TreeEnsemblePredictor {
  const classification = spec.task === 'classification';
  const K = classification ? (spec.classes?.length ?? 0) : 1;
  const P = pack(spec.trees, K, classification);
  const { roots, feature, left, right, threshold, leafValues, leafRaw } = P;
  const nTrees = roots.length;
  const nFeatures = spec.nFeatures;
  const mean = spec.aggregation === 'mean';
  const scratch = new Float32Array(nFeatures);

  const leafOf = (x: ArrayLike<number>, xo: number, t: number): number => {
    let i = roots[t] as number;
    let f = feature[i] as number;
    while (f >= 0) {
      i = (x[xo + f] as number) <= (threshold[i] as number) ? (left[i] as number) : (right[i] as number);
      f = feature[i] as number;
    }
    return left[i] as number;
  };

  /** Accumulates rows [r0, r1) of x32 (already float32 values) into out, tree-major within a block. */
  const accumulate = (x32: ArrayLike<number>, r0: number, r1: number, out: Float64Array): void => {
    for (let t = 0; t < nTrees; t++) {
      for (let r = r0; r < r1; r++) {
        const off = leafOf(x32, r * nFeatures, t);
        const o = r * K;
        for (let c = 0; c < K; c++) out[o + c] = (out[o + c] as number) + (leafValues[off + c] as number);
      }
    }
    if (mean) for (let j = r0 * K; j < r1 * K; j++) out[j] = (out[j] as number) / nTrees;
  };

  const batch = (rows: ArrayLike<number>, nRows: number): Float64Array => {
    const out = new Float64Array(nRows * K);
    const BLOCK = 256;
    const x32 = new Float32Array(BLOCK * nFeatures);
    for (let r0 = 0; r0 < nRows; r0 += BLOCK) {
      const r1 = Math.min(nRows, r0 + BLOCK);
      const n = (r1 - r0) * nFeatures;
      for (let j = 0; j < n; j++) x32[j] = rows[r0 * nFeatures + j] as number;
      const block = out.subarray(r0 * K, r1 * K);
      accumulate(x32, 0, r1 - r0, block);
    }
    return out;
  };

  const one = (row: ArrayLike<number>): Float64Array => {
    castRow(row, nFeatures, scratch);
    const out = new Float64Array(K);
    accumulate(scratch, 0, 1, out);
    return out;
  };

  return {
    kind: spec.kind,
    task: spec.task,
    nFeatures,
    classes: spec.classes,
    predictProba(row) {
      if (!classification)
        throw new PredictInputError(`${spec.kind} is a regressor; it has no probabilities`);
      return one(row);
    },
    predict(row) {
      if (!classification) return one(row)[0] as number;
      if (!mean) {
        // DecisionTreeClassifier.predict argmaxes the raw leaf counts.
        castRow(row, nFeatures, scratch);
        const off = leafOf(scratch, 0, 0);
        return spec.classes?.[argmax(leafRaw, off, K)] as ClassLabel;
      }
      const p = one(row);
      return spec.classes?.[argmax(p, 0, K)] as ClassLabel;
    },
    predictProbaBatch(rows, nRows) {
      if (!classification)
        throw new PredictInputError(`${spec.kind} is a regressor; it has no probabilities`);
      return batch(rows, nRows);
    },
    predictValueBatch(rows, nRows) {
      if (classification) throw new PredictInputError(`${spec.kind} is a classifier; use predictProbaBatch`);
      return batch(rows, nRows);
    },
  };
}
