// The Predictor of XGBoost models: float32 margins summed tree by tree from the base margin (dart
// trees weighted the way Booster.predict or inplace_predict round), then XGBoost's own transforms.
import { PredictInputError } from '../errors.js';
import type { ClassLabel, FeatureValue, ModelKind } from '../types.js';
import { NAN_RIGHT } from '../wasm/forest-kernel.js';
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
import { boostedSchema, RowEncoder } from './rows.js';
import { type PackedXGBoostForest, packXGBoostForest, xgboostLeaf } from './xgboost-forest.js';
import type { XGBoostEstimator } from './xgboost-model.js';
import { probToMargin, scipySoftmaxFloat32, transformMargins } from './xgboost-objectives.js';

export interface XGBoostPredictorSpec {
  readonly kind: ModelKind;
  readonly nFeatures: number;
  readonly classes: readonly ClassLabel[] | null;
  readonly estimator: XGBoostEstimator;
}

const BLOCK = 512;
const fr = Math.fround;

/**
 * What tree t's leaf value adds to a margin: the value itself, or for dart its weighted value as the
 * producer's predict path rounds it (inplace_predict: (base + leaf) - base, then the weight;
 * Booster.predict: leaf * weight). The margin then adds it in float32.
 */
function leafTerm(e: XGBoostEstimator, baseMargin: Float32Array): (t: number, leaf: number) => number {
  const weights = e.treeWeight;
  if (weights === null) return (_t, leaf) => leaf;
  const inplace = e.dartPath === 'inplace';
  return (t, leaf) => {
    const wt = weights[t] as number;
    const base = baseMargin[e.treeGroup[t] as number] as number;
    return fr((inplace ? fr(fr(base + leaf) - base) : leaf) * wt);
  };
}

/** Adds tree t's terms to the float32 margins acc of rows [0, n) of a float32 block `x` (F values a row). */
function addTree(
  e: XGBoostEstimator,
  forest: PackedXGBoostForest,
  term: (t: number, leaf: number) => number,
  t: number,
  x: ArrayLike<number>,
  F: number,
  n: number,
  acc: FloatArray,
): void {
  const K = e.nGroups;
  const root = forest.roots[t] as number;
  const g = e.treeGroup[t] as number;
  if (e.treeWeight === null) {
    for (let r = 0; r < n; r++)
      acc[r * K + g] = (acc[r * K + g] as number) + xgboostLeaf(forest, x, r * F, root);
    return;
  }
  for (let r = 0; r < n; r++)
    acc[r * K + g] = (acc[r * K + g] as number) + term(t, xgboostLeaf(forest, x, r * F, root));
}

/**
 * The model for the kernel: float32 values, `x >= split` to the right, NaN to the right where the
 * default child is the right one; a leaf adds its term. Trees with categorical splits stay in JavaScript.
 */
function kernelTrees(
  e: XGBoostEstimator,
  forest: PackedXGBoostForest,
  term: (t: number, leaf: number) => number,
  F: number,
): KernelTrees {
  const { roots, w, f32 } = forest;
  const nodes: PreorderNodes = {
    roots,
    nNodes: w.length / 3,
    head: (i) => w[3 * i] as number,
    right: (i) => w[3 * i + 2] as number,
    feature: (h) => h >> 2,
    value: (t, i) =>
      (w[3 * i] as number) < 0 ? term(t, f32[3 * i + 1] as number) : (f32[3 * i + 1] as number),
    flags: (_i, h) => ((h & 2) === 0 ? NAN_RIGHT : 0),
  };
  return preorderKernelTrees(nodes, {
    rule: { value: 'f32', right: 'ge' },
    nFeatures: F,
    nOutputs: e.nGroups,
    nTrees: e.nTreesUsed,
    column: (t) => e.treeGroup[t] as number,
    walk: (t, x, n, acc) => addTree(e, forest, term, t, x, F, n, acc),
  });
}

/** The label and probabilities of one row from its margins, as XGBClassifier.predict / predict_proba. */
function classifierAnswers(e: XGBoostEstimator, K: number) {
  const width = e.objective === 'multi:softmax' ? 1 : K;
  const out = new Float64Array(width);
  return {
    /** Index into classes: softmax's class index, softprob's argmax, else output > 0.5. */
    label(m: Float64Array): number {
      transformMargins(e.objective, m, out);
      if (e.objective === 'multi:softmax') return out[0] as number;
      if (e.objective === 'multi:softprob') return firstMax(out, 0, K);
      return (out[0] as number) > 0.5 ? 1 : 0;
    },
    proba(m: Float64Array): Float64Array {
      if (e.objective === 'binary:logitraw') {
        throw new PredictInputError(
          'objective binary:logitraw outputs raw margins, not probabilities; ask for the label only',
        );
      }
      if (e.objective === 'multi:softmax') return scipySoftmaxFloat32(m);
      const o = new Float64Array(width);
      transformMargins(e.objective, m, o);
      if (e.objective === 'multi:softprob') return o;
      const p = o[0] as number;
      return Float64Array.of(fr(1 - p), p);
    },
  };
}

export function createXGBoostPredictor(
  spec: XGBoostPredictorSpec,
  options: BoostedOptions = {},
): BoostedPredictor {
  const e = spec.estimator;
  const K = e.nGroups;
  const F = spec.nFeatures;
  const forest = packXGBoostForest(e.trees);
  const baseMargin = Float32Array.from(e.baseScore, (b) => probToMargin(e.objective, b));
  const missing = e.missing === null ? null : fr(e.missing);
  // XGBoost works in float32 (its DMatrix): a larger number is refused where the request is read.
  const schema = { ...boostedSchema(F, e.featureNames, null), float32: true };
  const encoder = new RowEncoder(schema);
  const classes = spec.classes;
  const classification = spec.kind === 'XGBClassifier';
  const answers = classifierAnswers(e, K);
  const width = e.objective === 'multi:softmax' ? 1 : K;

  const term = leafTerm(e, baseMargin);
  /** Rows [s, s + n) of x into a float32 block as XGBoost's DMatrix holds them (the missing value as NaN). */
  const fill = (x: Float64Array, s: number, n: number, block: FloatArray): void => {
    for (let j = 0; j < n * F; j++) {
      const v = fr(x[s * F + j] as number);
      if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) {
        const f = j % F;
        throw new PredictInputError(
          `feature ${f} is ${x[s * F + j]}; XGBoost works in float32, whose range it exceeds`,
        );
      }
      block[j] = v === missing ? Number.NaN : v;
    }
  };
  const kernelFor = kernelChooser(() => createBoostedKernel(kernelTrees(e, forest, term, F)), options);
  const rawBatch = (x: Float64Array, nRows: number): Float64Array => {
    const acc = new Float32Array(nRows * K);
    for (let r = 0; r < nRows; r++) acc.set(baseMargin, r * K);
    const kernel = kernelFor(nRows);
    if (kernel !== null) {
      kernel.run(nRows, (s, n, into) => fill(x, s, n, into), acc);
      return new Float64Array(acc);
    }
    // No bigger than the batch: a one-row call must not allocate (and zero) a 512-row block.
    const block = new Float32Array(Math.min(BLOCK, nRows) * F);
    for (let s = 0; s < nRows; s += BLOCK) {
      const n = Math.min(nRows - s, BLOCK);
      fill(x, s, n, block);
      const part = acc.subarray(s * K, (s + n) * K);
      for (let t = 0; t < e.nTreesUsed; t++) addTree(e, forest, term, t, block, F, n, part);
    }
    return new Float64Array(acc);
  };
  const encode = (rows: ArrayLike<FeatureValue>, nRows: number): Float64Array => {
    const x = new Float64Array(nRows * F);
    encoder.encodeFlat(rows, nRows, x);
    return x;
  };
  const raw = (row: ArrayLike<FeatureValue>): Float64Array => rawBatch(encode(row, 1), 1);
  const outputsBatch = (m: Float64Array, nRows: number): Float64Array => {
    const out = new Float64Array(nRows * width);
    // One row at a time through two scratch arrays: no per-row subarray objects for the GC to collect.
    const mr = new Float64Array(K);
    const or = new Float64Array(width);
    for (let r = 0; r < nRows; r++) {
      for (let g = 0; g < K; g++) mr[g] = m[r * K + g] as number;
      transformMargins(e.objective, mr, or);
      for (let g = 0; g < width; g++) out[r * width + g] = or[g] as number;
    }
    return out;
  };
  const noProba = () => new PredictInputError(`${spec.kind} is a regressor; it has no probabilities`);

  const trees =
    e.nTreesUsed === e.trees.length
      ? `${e.trees.length} trees`
      : `${e.nTreesUsed} of ${e.trees.length} trees: best_iteration ${e.bestIteration}`;
  return {
    kind: spec.kind,
    task: classification ? 'classification' : 'regression',
    nFeatures: F,
    schema,
    classes,
    hasProbabilities: classification && e.objective !== 'binary:logitraw',
    steps: [`${spec.kind} (XGBoost ${e.version.join('.')}, ${e.booster}, ${e.objective}, ${trees})`],
    nOutputs: K,
    rawScores: raw,
    outputs: (row) => outputsBatch(raw(row), 1),
    predictProba(row) {
      if (!classification) throw noProba();
      return answers.proba(raw(row));
    },
    predict(row) {
      const m = raw(row);
      if (!classification) return outputsBatch(m, 1)[0] as number;
      return classes?.[answers.label(m)] as ClassLabel;
    },
    predictBatch(rows, nRows, probabilities) {
      const m = rawBatch(encode(rows, nRows), nRows);
      if (!classification) {
        if (probabilities) throw noProba();
        return {
          predictions: Array.from(outputsBatch(m, nRows)),
          probabilities: null,
        };
      }
      const C = classes?.length ?? 0;
      const predictions: ClassLabel[] = new Array(nRows);
      const proba = probabilities ? new Float64Array(nRows * C) : null;
      for (let r = 0; r < nRows; r++) {
        const mr = m.subarray(r * K, (r + 1) * K);
        predictions[r] = classes?.[answers.label(mr)] as ClassLabel;
        proba?.set(answers.proba(mr), r * C);
      }
      return { predictions, probabilities: proba };
    },
    encodeRows: (rows) =>
      encode(
        rows.flatMap((r) => Array.from(r)),
        rows.length,
      ),
    rawScoresBatch: rawBatch,
    batchEngine: (nRows) => engineOf(kernelFor(nRows)),
    outputsBatch: (x, nRows) => outputsBatch(rawBatch(x, nRows), nRows),
  };
}
