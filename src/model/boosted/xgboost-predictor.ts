// The Predictor of XGBoost models: float32 margins summed tree by tree from the base margin (dart
// trees weighted the way Booster.predict or inplace_predict round), then XGBoost's own transforms.
import { PredictInputError } from '../errors.js';
import type { ClassLabel, FeatureValue, ModelKind } from '../types.js';
import { type BoostedPredictor, firstMax } from './boosted.js';
import { boostedSchema, RowEncoder } from './rows.js';
import { packXGBoostForest, xgboostLeaf } from './xgboost-forest.js';
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

/** Float32 margins of rows [0, n) of a float32 block `x` (F values a row) into acc (pre-filled with base margins). */
function accumulate(
  e: XGBoostEstimator,
  forest: ReturnType<typeof packXGBoostForest>,
  baseMargin: Float32Array,
  x: Float32Array,
  F: number,
  n: number,
  acc: Float32Array,
): void {
  const K = e.nGroups;
  const weights = e.treeWeight;
  const inplace = e.dartPath === 'inplace';
  for (let t = 0; t < e.nTreesUsed; t++) {
    const root = forest.roots[t] as number;
    const g = e.treeGroup[t] as number;
    if (weights === null) {
      for (let r = 0; r < n; r++)
        acc[r * K + g] = (acc[r * K + g] as number) + xgboostLeaf(forest, x, r * F, root);
      continue;
    }
    const wt = weights[t] as number;
    const base = baseMargin[g] as number;
    for (let r = 0; r < n; r++) {
      const leaf = xgboostLeaf(forest, x, r * F, root);
      // inplace_predict: (base + leaf) - base, then the weight; Booster.predict: leaf * weight.
      const d = inplace ? fr(fr(base + leaf) - base) : leaf;
      acc[r * K + g] = (acc[r * K + g] as number) + fr(d * wt);
    }
  }
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

export function createXGBoostPredictor(spec: XGBoostPredictorSpec): BoostedPredictor {
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

  const rawBatch = (x: Float64Array, nRows: number): Float64Array => {
    const acc = new Float32Array(nRows * K);
    for (let r = 0; r < nRows; r++) acc.set(baseMargin, r * K);
    // No bigger than the batch: a one-row call must not allocate (and zero) a 512-row block.
    const block = new Float32Array(Math.min(BLOCK, nRows) * F);
    for (let s = 0; s < nRows; s += BLOCK) {
      const end = Math.min(nRows, s + BLOCK);
      for (let j = 0; j < (end - s) * F; j++) {
        const v = fr(x[s * F + j] as number);
        if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) {
          const f = j % F;
          throw new PredictInputError(
            `feature ${f} is ${x[s * F + j]}; XGBoost works in float32, whose range it exceeds`,
          );
        }
        block[j] = v === missing ? Number.NaN : v;
      }
      accumulate(e, forest, baseMargin, block, F, end - s, acc.subarray(s * K, end * K));
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
        return { predictions: Array.from(outputsBatch(m, nRows)), probabilities: null };
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
    outputsBatch: (x, nRows) => outputsBatch(rawBatch(x, nRows), nRows),
  };
}
