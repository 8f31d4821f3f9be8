// The Predictor of XGBoost models: float32 margins summed tree by tree from the base margin (dart
// trees weighted the way Booster.predict or inplace_predict round), then XGBoost's own transforms.
import { PredictInputError } from '../errors.js';
import type { ClassLabel, FeatureValue, ModelKind } from '../types.js';
import { type BoostedPredictor, firstMax } from './boosted.js';
import { boostedSchema, RowEncoder } from './rows.js';
import { packXGBoostForest, xgboostLeaf } from './xgboost-forest.js';
import type { XGBoostEstimator } from './xgboost-model.js';
import {
  isClassification,
  probToMargin,
  scipySoftmaxFloat32,
  transformMargins,
} from './xgboost-objectives.js';

export interface XGBoostPredictorSpec {
  readonly kind: ModelKind;
  readonly nFeatures: number;
  readonly classes: readonly ClassLabel[] | null;
  readonly estimator: XGBoostEstimator;
}

const BLOCK = 512;
const fr = Math.fround;

/** Float32 margins of rows [0, n) of a float32 block `x` into acc (pre-filled with base margins). */
function accumulate(
  e: XGBoostEstimator,
  forest: ReturnType<typeof packXGBoostForest>,
  baseMargin: Float32Array,
  x: Float32Array,
  n: number,
  acc: Float32Array,
): void {
  const K = e.nGroups;
  const F = x.length / BLOCK;
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

export function createXGBoostPredictor(spec: XGBoostPredictorSpec): BoostedPredictor {
  const e = spec.estimator;
  const K = e.nGroups;
  const F = spec.nFeatures;
  const forest = packXGBoostForest(e.trees);
  const baseMargin = Float32Array.from(e.baseScore, (b) => probToMargin(e.objective, b));
  const missing = e.missing === null ? null : fr(e.missing);
  const schema = boostedSchema(F, e.featureNames, null);
  const encoder = new RowEncoder(schema);
  const classes = spec.classes;
  const classification = isClassification(e.objective);

  const rawBatch = (x: Float64Array, nRows: number): Float32Array => {
    const acc = new Float32Array(nRows * K);
    for (let r = 0; r < nRows; r++) acc.set(baseMargin, r * K);
    const block = new Float32Array(BLOCK * F);
    for (let s = 0; s < nRows; s += BLOCK) {
      const end = Math.min(nRows, s + BLOCK);
      for (let j = 0; j < (end - s) * F; j++) {
        const v = fr(x[s * F + j] as number);
        block[j] = v === missing ? Number.NaN : v;
      }
      accumulate(e, forest, baseMargin, block, end - s, acc.subarray(s * K, end * K));
    }
    return acc;
  };
  const encodeOne = (row: ArrayLike<FeatureValue>): Float64Array => {
    const x = new Float64Array(F);
    encoder.encode(row, x);
    for (let f = 0; f < F; f++) {
      if (Number.isFinite(x[f]) && !Number.isFinite(fr(x[f] as number))) {
        throw new PredictInputError(
          `feature ${f} is ${x[f]}; XGBoost works in float32, whose range it exceeds`,
        );
      }
    }
    return x;
  };
  const raw = (row: ArrayLike<FeatureValue>): Float64Array => Float64Array.from(rawBatch(encodeOne(row), 1));
  const outputs = (m: Float64Array): Float64Array => {
    const out = new Float64Array(e.objective === 'multi:softmax' ? 1 : K);
    transformMargins(e.objective, m, out);
    return out;
  };

  const proba = (row: ArrayLike<FeatureValue>): Float64Array => {
    if (!classification) throw new PredictInputError(`${spec.kind} is a regressor; it has no probabilities`);
    const m = raw(row);
    switch (e.objective) {
      case 'binary:logitraw':
        throw new PredictInputError(
          'objective binary:logitraw outputs raw margins, not probabilities; ask for the label only',
        );
      case 'multi:softmax':
        return scipySoftmaxFloat32(m);
      case 'multi:softprob':
        return outputs(m);
      default: {
        const p = outputs(m)[0] as number;
        return Float64Array.of(fr(1 - p), p);
      }
    }
  };

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
    outputs: (row) => outputs(raw(row)),
    predictProba: proba,
    predict(row) {
      const out = outputs(raw(row));
      if (!classification) return out[0] as number;
      // XGBClassifier.predict: softmax's class index as is, softprob's argmax, else output > 0.5.
      if (e.objective === 'multi:softmax') return classes?.[out[0] as number] as ClassLabel;
      if (e.objective === 'multi:softprob') return classes?.[firstMax(out, 0, K)] as ClassLabel;
      return classes?.[(out[0] as number) > 0.5 ? 1 : 0] as ClassLabel;
    },
    encodeRows(rows) {
      const x = new Float64Array(rows.length * F);
      rows.forEach((row, r) => {
        x.set(encodeOne(row), r * F);
      });
      return x;
    },
    rawScoresBatch: (x, nRows) => Float64Array.from(rawBatch(x, nRows)),
    outputsBatch(x, nRows) {
      const acc = rawBatch(x, nRows);
      const width = e.objective === 'multi:softmax' ? 1 : K;
      const out = new Float64Array(nRows * width);
      const m = new Float64Array(K);
      const o = new Float64Array(width);
      for (let r = 0; r < nRows; r++) {
        for (let k = 0; k < K; k++) m[k] = acc[r * K + k] as number;
        transformMargins(e.objective, m, o);
        out.set(o, r * width);
      }
      return out;
    },
  };
}
