// Prediction for tree models (single trees and forests, trained here or read from joblib files):
// packs FlatTree[] into typed arrays once, then applies scikit-learn's float32 input cast, its
// per-tree probability normalisation and its tree-order summation, so outputs are bit-identical.
import { PredictInputError } from './errors.js';
import { accumulateBlock, descend, predictRows, type RowsLayout } from './tree-batch.js';
import { packForest } from './tree-pack.js';
import {
  type ClassLabel,
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
  /** Probabilities for `nRows` rows: out[r * nClasses + c]. Rows must already be validated. */
  predictProbaBatch(rows: ArrayLike<number>, nRows: number): Float64Array;
  /** Regression values for `nRows` rows. */
  predictValueBatch(rows: ArrayLike<number>, nRows: number): Float64Array;
}

/** Index of the first maximum (numpy argmax). */
function argmax(v: ArrayLike<number>, off: number, n: number): number {
  let best = 0;
  for (let c = 1; c < n; c++) if ((v[off + c] as number) > (v[off + best] as number)) best = c;
  return best;
}

/** Checks a batch of rows (row-major) like castRow, without copying; errors name the row. */
export function checkRows(rows: ArrayLike<unknown>, nRows: number, nFeatures: number): ArrayLike<number> {
  for (let r = 0; r < nRows; r++) {
    for (let f = 0; f < nFeatures; f++) {
      const v = rows[r * nFeatures + f];
      if (typeof v !== 'number' || !Number.isFinite(Math.fround(v))) {
        throw new PredictInputError(
          `row ${r} feature ${f} is ${typeof v === 'number' ? v : JSON.stringify(v)}; expected a finite number within float32 range`,
        );
      }
    }
  }
  return rows as ArrayLike<number>;
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
  const packed = packForest(spec.trees, K, classification);
  const { roots, leafRaw } = packed;
  const nFeatures = spec.nFeatures;
  const mean = spec.aggregation === 'mean';
  const layout: RowsLayout = { nValues: K, nFeatures, mean };
  const scratch = new Float32Array(nFeatures);

  const leafOf = (x: Float32Array, t: number): number => descend(packed, x, 0, roots[t] as number);

  const batch = (rows: ArrayLike<number>, nRows: number): Float64Array => {
    const out = new Float64Array(nRows * K);
    predictRows(packed, layout, rows, 0, nRows, out);
    return out;
  };

  const one = (row: ArrayLike<number>): Float64Array => {
    castRow(row, nFeatures, scratch);
    const out = new Float64Array(K);
    accumulateBlock(packed, layout, scratch, 1, out);
    return out;
  };

  return {
    kind: spec.kind,
    task: spec.task,
    nFeatures,
    schema: positionalSchema(nFeatures),
    classes: spec.classes,
    // Rows are numeric: the request layer checks them against the (all-number) schema.
    predictProba(row) {
      if (!classification)
        throw new PredictInputError(`${spec.kind} is a regressor; it has no probabilities`);
      return one(row as ArrayLike<number>);
    },
    predict(input) {
      const row = input as ArrayLike<number>;
      if (!classification) return one(row)[0] as number;
      if (!mean) {
        // DecisionTreeClassifier.predict argmaxes the raw leaf counts.
        castRow(row, nFeatures, scratch);
        const off = leafOf(scratch, 0);
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
    predictBatch(input, nRows, probabilities) {
      const rows = checkRows(input, nRows, nFeatures);
      const out = batch(rows, nRows);
      const predictions: ClassLabel[] = new Array(nRows);
      if (!classification) {
        for (let r = 0; r < nRows; r++) predictions[r] = out[r] as number;
        return { predictions, probabilities: null };
      }
      const classes = spec.classes ?? [];
      for (let r = 0; r < nRows; r++) {
        if (mean) predictions[r] = classes[argmax(out, r * K, K)] as ClassLabel;
        else {
          // DecisionTreeClassifier.predict argmaxes the raw leaf counts.
          for (let f = 0; f < nFeatures; f++) scratch[f] = rows[r * nFeatures + f] as number;
          predictions[r] = classes[argmax(leafRaw, leafOf(scratch, 0), K)] as ClassLabel;
        }
      }
      return { predictions, probabilities: probabilities ? out : null };
    },
  };
}
