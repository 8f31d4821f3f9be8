// The Predictor of LightGBM models: float64 raw scores summed tree by tree in iteration order, then
// (averaged in random-forest mode) the objective's ConvertOutput; labels as LGBMClassifier.
import { PredictInputError } from '../errors.js';
import type { ClassLabel, FeatureValue, ModelKind } from '../types.js';
import { NAN_RIGHT, ZERO_FLIP } from '../wasm/forest-kernel.js';
import { type BoostedPredictor, firstMax } from './boosted.js';
import {
  type BoostedOptions,
  createBoostedKernel,
  engineOf,
  type FloatArray,
  type KernelTrees,
  kernelChooser,
  type PreorderNodes,
  preorderKernelTrees,
} from './kernel.js';
import { K_ZERO, lightgbmLeaf, type PackedLightGBMForest, packLightGBMForest } from './lightgbm-forest.js';
import type { LightGBMEstimator } from './lightgbm-model.js';
import { boostedSchema, RowEncoder } from './rows.js';

export interface LightGBMPredictorSpec {
  readonly kind: ModelKind;
  readonly nFeatures: number;
  readonly classes: readonly ClassLabel[] | null;
  readonly estimator: LightGBMEstimator;
}

const BLOCK = 512;

/** ConvertOutput of the objective, in float64 as LightGBM computes it (in place). */
function convert(e: LightGBMEstimator, raw: Float64Array, o: number, out: Float64Array, k: number): void {
  switch (e.objective) {
    case 'binary':
    case 'multiclassova':
      for (let c = 0; c < k; c++) out[o + c] = 1 / (1 + Math.exp(-e.sigmoid * (raw[o + c] as number)));
      return;
    case 'cross_entropy':
      out[o] = 1 / (1 + Math.exp(-(raw[o] as number)));
      return;
    case 'cross_entropy_lambda':
      out[o] = Math.log1p(Math.exp(raw[o] as number));
      return;
    case 'poisson':
    case 'gamma':
    case 'tweedie':
      out[o] = Math.exp(raw[o] as number);
      return;
    case 'multiclass': {
      let max = raw[o] as number;
      for (let c = 1; c < k; c++) max = Math.max(max, raw[o + c] as number);
      let sum = 0;
      for (let c = 0; c < k; c++) {
        out[o + c] = Math.exp((raw[o + c] as number) - max);
        sum += out[o + c] as number;
      }
      for (let c = 0; c < k; c++) out[o + c] = (out[o + c] as number) / sum;
      return;
    }
    default: {
      const x = raw[o] as number;
      out[o] = e.sqrt ? Math.sign(x) * x * x : x;
    }
  }
}

/** Adds tree t's leaf values to the float64 raw scores acc of rows [0, n) of block x (F values a row). */
function addTree(
  forest: PackedLightGBMForest,
  t: number,
  K: number,
  x: ArrayLike<number>,
  F: number,
  n: number,
  acc: FloatArray,
): void {
  const root = forest.roots[t] as number;
  const k = t % K;
  for (let r = 0; r < n; r++)
    acc[r * K + k] = (acc[r * K + k] as number) + lightgbmLeaf(forest, x, r * F, root);
}

/**
 * The model for the kernel: float64 values, `x > threshold` to the right (Tree::NumericalDecision's
 * `x <= threshold` to the left) with each node's missing type as flags, on inputs whose values within
 * kZeroThreshold of zero are already 0. A NaN is 0 for missing type none (so it goes where 0 goes) and
 * takes the default side for zero and NaN; a zero takes the default side for missing type zero.
 * Trees with categorical splits stay in JavaScript.
 */
function kernelTrees(forest: PackedLightGBMForest, nTrees: number, K: number, F: number): KernelTrees {
  const { roots, head, value } = forest;
  const nodes: PreorderNodes = {
    roots,
    nNodes: value.length,
    head: (i) => head[2 * i] as number,
    right: (i) => head[2 * i + 1] as number,
    feature: (h) => h >>> 4,
    value: (_t, i) => value[i] as number,
    flags(i, h) {
      const missingType = (h >> 2) & 3;
      const defaultRight = (h & 2) === 0;
      const zeroRight = !(0 <= (value[i] as number));
      // Missing type none: a NaN is 0 (it goes where 0 goes); zero and NaN: a NaN takes the default side.
      let f = (missingType === 1 || missingType === 2 ? defaultRight : zeroRight) ? NAN_RIGHT : 0;
      // Missing type zero: a zero takes the default side.
      if (missingType === 1 && zeroRight !== defaultRight) f |= ZERO_FLIP;
      return f;
    },
  };
  return preorderKernelTrees(nodes, {
    rule: { value: 'f64', right: 'gt' },
    nFeatures: F,
    nOutputs: K,
    nTrees,
    column: (t) => t % K,
    walk: (t, x, n, acc) => addTree(forest, t, K, x, F, n, acc),
  });
}

export function createLightGBMPredictor(
  spec: LightGBMPredictorSpec,
  options: BoostedOptions = {},
): BoostedPredictor {
  const e = spec.estimator;
  const K = e.treesPerIteration;
  const F = spec.nFeatures;
  const forest = packLightGBMForest(e.trees);
  const nTrees = e.nIterationsUsed * K;
  const schema = boostedSchema(F, e.featureNames, e.categories);
  const encoder = new RowEncoder(schema);
  const classes = spec.classes;
  const classification = classes !== null;

  /** Rows [s, s + n) of x into a float64 block; the C API drops values within kZeroThreshold of zero from a dense row: they read as 0. */
  const fill = (x: Float64Array, s: number, n: number, block: FloatArray): void => {
    for (let j = 0; j < n * F; j++) {
      const v = x[s * F + j] as number;
      block[j] = v >= -K_ZERO && v <= K_ZERO ? 0 : v;
    }
  };
  const kernelFor = kernelChooser(() => createBoostedKernel(kernelTrees(forest, nTrees, K, F)), options);
  const rawBatch = (x: Float64Array, nRows: number): Float64Array => {
    const acc = new Float64Array(nRows * K);
    const kernel = kernelFor(nRows);
    if (kernel !== null) {
      kernel.run(nRows, (s, n, into) => fill(x, s, n, into), acc);
      return acc;
    }
    // No bigger than the batch: a one-row call must not allocate (and zero) a 512-row block.
    const block = new Float64Array(Math.min(BLOCK, nRows) * F);
    for (let s = 0; s < nRows; s += BLOCK) {
      const n = Math.min(nRows - s, BLOCK);
      fill(x, s, n, block);
      const part = acc.subarray(s * K, (s + n) * K);
      for (let t = 0; t < nTrees; t++) addTree(forest, t, K, block, F, n, part);
    }
    return acc;
  };
  const encode = (rows: ArrayLike<FeatureValue>, nRows: number): Float64Array => {
    const x = new Float64Array(nRows * F);
    encoder.encodeFlat(rows, nRows, x);
    return x;
  };
  /** GBDT::Predict: the raw score (averaged over iterations in random-forest mode), then ConvertOutput. */
  const outputsOf = (raw: Float64Array, nRows: number): Float64Array => {
    if (e.averageOutput && e.nIterationsUsed > 0) {
      for (let j = 0; j < raw.length; j++) raw[j] = (raw[j] as number) / e.nIterationsUsed;
    }
    const out = new Float64Array(raw.length);
    for (let r = 0; r < nRows; r++) convert(e, raw, r * K, out, K);
    return out;
  };
  const raw = (row: ArrayLike<FeatureValue>): Float64Array => rawBatch(encode(row, 1), 1);
  const noProba = () => new PredictInputError(`${spec.kind} is a regressor; it has no probabilities`);
  /** LGBMClassifier.predict_proba from one row's outputs: binary -> [1 - p, p]; multi-class as they are. */
  const probaOf = (out: Float64Array): Float64Array =>
    e.objective === 'binary' ? Float64Array.of(1 - (out[0] as number), out[0] as number) : out;
  const proba = (row: ArrayLike<FeatureValue>): Float64Array => {
    if (!classification) throw noProba();
    return probaOf(outputsOf(raw(row), 1));
  };
  const trees = e.bestIteration === null ? `${e.trees.length} trees` : `best_iteration ${e.bestIteration}`;
  return {
    kind: spec.kind,
    task: classification ? 'classification' : 'regression',
    nFeatures: F,
    schema,
    classes,
    steps: [
      `${spec.kind} (LightGBM ${e.version}, ${e.objective}${e.averageOutput ? ', random forest' : ''}, ${trees})`,
    ],
    nOutputs: K,
    rawScores: raw,
    outputs: (row) => outputsOf(raw(row), 1),
    predictProba: proba,
    predict(row) {
      if (!classification) return outputsOf(raw(row), 1)[0] as number;
      const p = proba(row);
      return classes[firstMax(p, 0, p.length)] as ClassLabel;
    },
    predictBatch(rows, nRows, probabilities) {
      const out = outputsOf(rawBatch(encode(rows, nRows), nRows), nRows);
      if (!classification) {
        if (probabilities) throw noProba();
        return { predictions: Array.from(out), probabilities: null };
      }
      const C = classes.length;
      const predictions: ClassLabel[] = new Array(nRows);
      const all = probabilities ? new Float64Array(nRows * C) : null;
      for (let r = 0; r < nRows; r++) {
        const p = probaOf(out.subarray(r * K, (r + 1) * K));
        predictions[r] = classes[firstMax(p, 0, p.length)] as ClassLabel;
        all?.set(p, r * C);
      }
      return { predictions, probabilities: all };
    },
    encodeRows: (rows) =>
      encode(
        rows.flatMap((r) => Array.from(r)),
        rows.length,
      ),
    rawScoresBatch: rawBatch,
    batchEngine: (nRows) => engineOf(kernelFor(nRows)),
    outputsBatch: (x, nRows) => outputsOf(rawBatch(x, nRows), nRows),
  };
}
