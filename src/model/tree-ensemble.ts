// Prediction for tree models (single trees and forests, trained here or read from joblib files):
// packs FlatTree[] into typed arrays once, then applies scikit-learn's float32 input cast, its
// per-tree probability normalisation and its tree-order summation, so outputs are bit-identical.
import { PredictInputError } from './errors.js';
import { packForest } from './tree-pack.js';
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
  const { roots, f32, w, leafValues, leafRaw } = packForest(spec.trees, K, classification);
  const nNodes = w.length / 3;
  const nTrees = roots.length;
  const nFeatures = spec.nFeatures;
  const mean = spec.aggregation === 'mean';
  const scratch = new Float32Array(nFeatures);

  const leafOf = (x: ArrayLike<number>, xo: number, t: number): number => {
    let i = roots[t] as number;
    let f = w[3 * i + 1] as number;
    while (f >= 0) {
      i = (x[xo + f] as number) <= (f32[3 * i] as number) ? i + 1 : (w[3 * i + 2] as number);
      f = w[3 * i + 1] as number;
    }
    return w[3 * i + 2] as number;
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

  /** Leaf offset for one row after following node i down: the scalar traversal. */
  const descend = (x: Float32Array, xo: number, start: number): number => {
    let i = start;
    let f = w[3 * i + 1] as number;
    while (f >= 0) {
      i = (x[xo + f] as number) <= (f32[3 * i] as number) ? i + 1 : (w[3 * i + 2] as number);
      f = w[3 * i + 1] as number;
    }
    return w[3 * i + 2] as number;
  };

  const add = (out: Float64Array, o: number, off: number): void => {
    for (let c = 0; c < K; c++) out[o + c] = (out[o + c] as number) + (leafValues[off + c] as number);
  };

  /**
   * Rows [0, n) of a block, tree by tree, four rows in lockstep with branch-free child selection
   * (left = i + 1, else the stored right child): four independent chains per step instead of one
   * mispredicted branch per level. A lane that reached its leaf stays there until all four have.
   * Each row still adds its trees' outputs in tree order, so the sums are sklearn's.
   */
  const accumulateBlock = (x: Float32Array, n: number, out: Float64Array): void => {
    const F = nFeatures;
    for (let t = 0; t < nTrees; t++) {
      const root = roots[t] as number;
      const rootFeature = w[3 * root + 1] as number;
      let r = 0;
      for (; r + 4 <= n; r += 4) {
        let a = root;
        let b = root;
        let c = root;
        let d = root;
        const xa = r * F;
        const xb = xa + F;
        const xc = xb + F;
        const xd = xc + F;
        let fa = rootFeature;
        let fb = rootFeature;
        let fc = rootFeature;
        let fd = rootFeature;
        while ((fa & fb & fc & fd) >= 0) {
          const la = a + 1;
          const lb = b + 1;
          const lc = c + 1;
          const ld = d + 1;
          // -(x > threshold) is -1 (go right) or 0 (go left): a mask that picks the child.
          if (fa >= 0)
            a = la ^ ((la ^ (w[3 * a + 2] as number)) & -((x[xa + fa] as number) > (f32[3 * a] as number)));
          if (fb >= 0)
            b = lb ^ ((lb ^ (w[3 * b + 2] as number)) & -((x[xb + fb] as number) > (f32[3 * b] as number)));
          if (fc >= 0)
            c = lc ^ ((lc ^ (w[3 * c + 2] as number)) & -((x[xc + fc] as number) > (f32[3 * c] as number)));
          if (fd >= 0)
            d = ld ^ ((ld ^ (w[3 * d + 2] as number)) & -((x[xd + fd] as number) > (f32[3 * d] as number)));
          fa = w[3 * a + 1] as number;
          fb = w[3 * b + 1] as number;
          fc = w[3 * c + 1] as number;
          fd = w[3 * d + 1] as number;
        }
        add(out, r * K, w[3 * a + 2] as number);
        add(out, (r + 1) * K, w[3 * b + 2] as number);
        add(out, (r + 2) * K, w[3 * c + 2] as number);
        add(out, (r + 3) * K, w[3 * d + 2] as number);
      }
      for (; r < n; r++) add(out, r * K, descend(x, r * F, root));
    }
    if (mean) for (let j = 0; j < n * K; j++) out[j] = (out[j] as number) / nTrees;
  };

  const batch = (rows: ArrayLike<number>, nRows: number): Float64Array => {
    const out = new Float64Array(nRows * K);
    // Trees are walked one at a time over a block of rows (as sklearn walks all rows per tree), so a
    // deep tree stays in cache; small forests fit in cache anyway and use short blocks.
    const BLOCK = nNodes * 12 > 1 << 20 ? 16384 : 256;
    const x32 = new Float32Array(BLOCK * nFeatures);
    for (let r0 = 0; r0 < nRows; r0 += BLOCK) {
      const r1 = Math.min(nRows, r0 + BLOCK);
      const n = (r1 - r0) * nFeatures;
      for (let j = 0; j < n; j++) x32[j] = rows[r0 * nFeatures + j] as number;
      accumulateBlock(x32, r1 - r0, out.subarray(r0 * K, r1 * K));
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
