// HistGradientBoostingClassifier/Regressor as an artifact kind: scikit-learn's TreePredictor walk over raw
// float64 values (NaN and unknown categories to the missing side, categories by bitset), raw scores summed
// from the baseline in iteration order, then the loss's inverse link (expit, softmax, exp or identity).

import { ArtifactError, PredictInputError } from './errors.js';
import { glibcExp } from './glibc-exp.js';
import { argmax, expit, softmax } from './logistic-regression-math.js';
import { finiteNumbers, isNumberArray, type NumberArray } from './number-array.js';
import { chainTransforms, createTransform } from './transform/compose.js';
import { schemaFromNeeds } from './transform/schema.js';
import type { ColumnNeed, Transform, TransformNode } from './transform/types.js';
import type { ClassLabel, EstimatorNode, Predictor } from './types.js';

export const HGB_LOSSES = [
  'binomial',
  'multinomial',
  'squared_error',
  'absolute_error',
  'quantile',
  'poisson',
  'gamma',
] as const;
export type HgbLoss = (typeof HGB_LOSSES)[number];

/** One TreePredictor's node records (scikit-learn's field meanings) and its left-category bitsets. */
export interface HgbTree {
  readonly value: NumberArray;
  readonly feature: NumberArray;
  readonly threshold: NumberArray;
  readonly missingGoToLeft: NumberArray;
  readonly left: NumberArray;
  readonly right: NumberArray;
  readonly isLeaf: NumberArray;
  readonly isCategorical: NumberArray;
  readonly bitsetIdx: NumberArray;
  /** `raw_left_cat_bitsets`, 8 uint32 words per bitset, row after row. */
  readonly leftCategories: NumberArray;
}

export interface HgbEstimator {
  readonly loss: HgbLoss;
  /** `_baseline_prediction[0]`: one value per tree of an iteration. */
  readonly baseline: NumberArray;
  readonly iterations: readonly (readonly HgbTree[])[];
  /** Per (internal) feature: the known raw category values of a categorical feature, else null. */
  readonly knownCategories: readonly (NumberArray | null)[];
  /** scikit-learn <= 1.2 labels by argmax of the probabilities, later versions by the raw score's sign/argmax. */
  readonly decision: 'proba' | 'raw';
  /** The internal ColumnTransformer of `categorical_features='from_dtype'` (and of 1.4+ categorical models). */
  readonly preprocessor: TransformNode | null;
}

/** A double cast to uint8 as the x86-64 C cast in scikit-learn's predictor does it (int32 truncation, low byte). */
function categoryByte(v: number): number {
  return v >= 2147483648 ? 0 : Math.trunc(v) & 0xff;
}

function inBitset(words: Uint32Array, at: number, v: number): boolean {
  return (((words[at + (v >>> 5)] as number) >>> (v & 31)) & 1) === 1;
}

interface PackedTree {
  readonly t: HgbTree;
  readonly left: Uint32Array;
}

function packTree(t: HgbTree, where: string): PackedTree {
  const n = t.value.length;
  const fields = [
    'feature',
    'threshold',
    'missingGoToLeft',
    'left',
    'right',
    'isLeaf',
    'isCategorical',
    'bitsetIdx',
  ];
  for (const k of fields) {
    const v = (t as unknown as Record<string, unknown>)[k];
    if (finiteNumbers(v, n) === null)
      throw new ArtifactError(`invalid model artifact: ${where}.${k} must hold ${n} finite numbers`);
  }
  for (let i = 0; i < n; i++) {
    if (t.isLeaf[i] === 1) continue;
    const l = t.left[i] as number;
    const r = t.right[i] as number;
    // Children after their parent: every walk ends.
    if (!(Number.isInteger(l) && Number.isInteger(r) && l > i && r > i && l < n && r < n))
      throw new ArtifactError(`invalid model artifact: ${where} node ${i} has children (${l}, ${r})`);
  }
  if (!isNumberArray(t.leftCategories) || t.leftCategories.length % 8 !== 0)
    throw new ArtifactError(`invalid model artifact: ${where}.leftCategories must hold 8 words per bitset`);
  return { t, left: Uint32Array.from(t.leftCategories) };
}

export function createHgbPredictor(node: EstimatorNode<HgbEstimator>): Predictor {
  const e = node.estimator;
  const classes = node.classes;
  const K = e.baseline.length;
  const pre: Transform | null =
    e.preprocessor === null
      ? null
      : chainTransforms([createTransform(e.preprocessor, 'estimator.preprocessor')]);
  const nInternal = pre === null ? node.nFeatures : pre.nOut;
  if (pre !== null && pre.nIn !== node.nFeatures)
    throw new ArtifactError(
      `invalid model artifact: the preprocessor takes ${pre.nIn} columns, the model ${node.nFeatures}`,
    );
  const known = new Uint32Array(nInternal * 8);
  e.knownCategories.forEach((cats, f) => {
    if (f >= nInternal) return;
    for (const c of cats ?? []) {
      const b = categoryByte(c);
      const at = f * 8 + (b >>> 5);
      known[at] = (known[at] as number) | (1 << (b & 31));
    }
  });
  const trees = e.iterations.map((it, i) => {
    if (it.length !== K)
      throw new ArtifactError(`invalid model artifact: iteration ${i} has ${it.length} trees, expected ${K}`);
    return it.map((t, k) => packTree(t, `estimator.iterations[${i}][${k}]`));
  });

  const walk = (p: PackedTree, x: ArrayLike<number>): number => {
    const t = p.t;
    let i = 0;
    while (t.isLeaf[i] !== 1) {
      const v = x[t.feature[i] as number] as number;
      const missingSide = t.missingGoToLeft[i] === 1 ? (t.left[i] as number) : (t.right[i] as number);
      if (Number.isNaN(v)) i = missingSide;
      else if (t.isCategorical[i] === 1) {
        if (v < 0) i = missingSide;
        else {
          const b = categoryByte(v);
          if (inBitset(p.left, (t.bitsetIdx[i] as number) * 8, b)) i = t.left[i] as number;
          else if (inBitset(known, (t.feature[i] as number) * 8, b)) i = t.right[i] as number;
          else i = missingSide;
        }
      } else i = v <= (t.threshold[i] as number) ? (t.left[i] as number) : (t.right[i] as number);
    }
    return t.value[i] as number;
  };

  /** `_raw_predict` for one row: the baseline, then each iteration's trees added in order. */
  const raw = (input: ArrayLike<number | string>): Float64Array => {
    const row = pre === null ? input : pre.apply(Array.from(input));
    const x = new Float64Array(nInternal);
    for (let f = 0; f < nInternal; f++) {
      const v = row[f];
      if (typeof v !== 'number')
        throw new PredictInputError(`feature ${f} is ${JSON.stringify(v)}; expected a number`);
      x[f] = v;
    }
    const out = Float64Array.from(e.baseline);
    for (const it of trees)
      for (let k = 0; k < K; k++) out[k] = (out[k] as number) + walk(it[k] as PackedTree, x);
    return out;
  };

  const proba = (r: Float64Array): Float64Array => {
    if (e.loss === 'binomial') {
      const p = expit(r[0] as number);
      return Float64Array.of(1 - p, p);
    }
    return softmax(Array.from(r));
  };

  const ownNeeds = Array.from({ length: nInternal }, (_, f): ColumnNeed => {
    const cats = e.knownCategories[f];
    return cats
      ? { kind: 'category', categories: Array.from(cats), acceptsMissing: true, acceptsUnknown: true }
      : { kind: 'number', acceptsMissing: true };
  });
  const schema = schemaFromNeeds(pre === null ? ownNeeds : pre.inputNeeds(ownNeeds));
  const name = node.kind;
  return {
    kind: node.kind,
    task: classes === null ? 'regression' : 'classification',
    nFeatures: node.nFeatures,
    schema,
    classes,
    predict(row) {
      const r = raw(row);
      if (classes === null) {
        const v = r[0] as number;
        return e.loss === 'poisson' || e.loss === 'gamma' ? glibcExp(v) : v;
      }
      if (e.decision === 'proba') return classes[argmax(proba(r))] as ClassLabel;
      return classes[K === 1 ? ((r[0] as number) > 0 ? 1 : 0) : argmax(r)] as ClassLabel;
    },
    predictProba(row) {
      if (classes === null) throw new PredictInputError(`${name} is a regressor: it has no predict_proba`);
      return proba(raw(row));
    },
    decisionFunction: raw,
  };
}

export function validateHgb(node: EstimatorNode): void {
  const e = node.estimator as Partial<HgbEstimator> | null;
  const bad = (m: string): never => {
    throw new ArtifactError(`invalid model artifact: ${node.kind} estimator: ${m}`);
  };
  if (e === null || typeof e !== 'object') {
    bad('expected an object');
    return;
  }
  if (!HGB_LOSSES.includes(e.loss as HgbLoss)) bad(`loss must be one of ${HGB_LOSSES.join(', ')}`);
  const classification = e.loss === 'binomial' || e.loss === 'multinomial';
  if (classification !== (node.classes !== null)) bad(`loss ${e.loss} does not match the model's task`);
  const k = e.loss === 'multinomial' ? (node.classes?.length ?? 0) : 1;
  if (e.loss === 'binomial' && node.classes?.length !== 2) bad('binomial loss needs 2 classes');
  if (finiteNumbers(e.baseline, k) === null) bad(`baseline must hold ${k} numbers`);
  if (!Array.isArray(e.iterations)) bad('iterations must be a list');
  if (!Array.isArray(e.knownCategories) || !e.knownCategories.every((c) => c === null || isNumberArray(c)))
    bad('knownCategories must be a list of numbers or null per feature');
  if (e.decision !== 'proba' && e.decision !== 'raw') bad("decision must be 'proba' or 'raw'");
  for (const it of e.iterations ?? []) {
    for (const t of it) {
      const n = t.value?.length ?? 0;
      if (n < 1) bad('a tree has no nodes');
      if (
        !t.feature.every(
          (f, i) =>
            t.isLeaf[i] === 1 || (Number.isInteger(f) && f >= 0 && f < (e.knownCategories?.length ?? 0)),
        )
      )
        bad('a node splits on a feature the model does not have');
    }
  }
}

export function hgbKind(kind: 'HistGradientBoostingClassifier' | 'HistGradientBoostingRegressor') {
  return {
    task: kind === 'HistGradientBoostingClassifier' ? ('classification' as const) : ('regression' as const),
    validate: (a: EstimatorNode): void => {
      validateHgb(a);
      createHgbPredictor(a as EstimatorNode<HgbEstimator>);
    },
    createPredictor: (a: EstimatorNode): Predictor => createHgbPredictor(a as EstimatorNode<HgbEstimator>),
  };
}
