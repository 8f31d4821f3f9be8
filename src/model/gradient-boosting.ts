// GradientBoostingClassifier/Regressor (sklearn < 1.3 losses) as a model artifact kind and its predictor.

import { ArtifactError, PredictInputError } from './errors.js';
import { glibcExp } from './glibc-exp.js';
import { glibcLog } from './glibc-log.js';
import { argmax, checkRow, expit, softmax } from './logistic-regression-math.js';
import { finiteNumbers, type NumberArray } from './number-array.js';
import { createTreeSums, type EngineSpec, type TreeSums } from './tree-sums.js';
import {
  type ClassLabel,
  type EstimatorNode,
  type FlatTree,
  type Predictor,
  positionalSchema,
} from './types.js';

/** Classification losses, and regression losses (all of them predict the raw score itself). */
export type BoostingLoss =
  | 'binomial'
  | 'multinomial'
  | 'squared_error'
  | 'absolute_error'
  | 'huber'
  | 'quantile';
const REGRESSION_LOSSES: readonly BoostingLoss[] = ['squared_error', 'absolute_error', 'huber', 'quantile'];

export function isRegressionLoss(loss: unknown): boolean {
  return REGRESSION_LOSSES.includes(loss as BoostingLoss);
}

/**
 * A fitted boosting model: raw = initRaw + sum over stages of learningRate * leaf value, the way
 * sklearn's `predict_stages` accumulates it (stage by stage, class by class).
 */
export interface GradientBoostingEstimator {
  readonly loss: BoostingLoss;
  readonly learningRate: number;
  /** `_raw_predict_init` for any row (the init estimator is a constant prior/mean, or 'zero'). */
  readonly initRaw: NumberArray;
  /** `estimators_[i][k]`: regression trees, one per stage and raw-score column. */
  readonly stages: readonly (readonly FlatTree[])[];
  /**
   * scikit-learn <= 1.2 (`_gb_losses`, the default): labels by argmax of the probabilities, multiclass
   * probabilities as exp(raw - logsumexp(raw)). 1.3 and later (`_loss`): labels from the raw scores
   * (`raw >= 0` for binary, argmax otherwise), multiclass probabilities by softmax.
   */
  readonly decision?: 'proba' | 'raw';
}

function columns(loss: BoostingLoss, nClasses: number): number {
  return loss === 'multinomial' ? nClasses : 1;
}

/** Validates the estimator section (structure and node links, so prediction always terminates). */
export function validateGradientBoosting(
  e: unknown,
  nFeatures: number,
  classes: readonly ClassLabel[] | null,
): GradientBoostingEstimator {
  const o = e as Partial<GradientBoostingEstimator> | null;
  const bad = (msg: string): never => {
    throw new ArtifactError(`GradientBoosting estimator: ${msg}`);
  };
  if (o === null || typeof o !== 'object') return bad('expected an object');
  const loss = o.loss;
  if (loss !== 'binomial' && loss !== 'multinomial' && !isRegressionLoss(loss))
    return bad(`unknown loss ${String(loss)}`);
  if (isRegressionLoss(loss) !== (classes === null))
    return bad(`loss ${loss} does not match the model's task`);
  if (o.decision !== undefined && o.decision !== 'proba' && o.decision !== 'raw')
    return bad("decision must be 'proba' or 'raw'");
  if (loss === 'binomial' && classes?.length !== 2) return bad('binomial loss needs 2 classes');
  if (loss === 'multinomial' && (classes?.length ?? 0) < 3)
    return bad('multinomial loss needs 3 or more classes');
  const k = columns(loss as BoostingLoss, classes?.length ?? 1);
  if (typeof o.learningRate !== 'number' || !Number.isFinite(o.learningRate))
    return bad('learningRate must be a number');
  if (finiteNumbers(o.initRaw, k) === null) {
    return bad(`initRaw must hold ${k} numbers`);
  }
  if (!Array.isArray(o.stages) || !o.stages.every((s) => Array.isArray(s) && s.length === k)) {
    return bad(`stages must be a list of ${k}-tree lists`);
  }
  for (const stage of o.stages) for (const t of stage) checkTree(t, nFeatures, bad);
  return o as GradientBoostingEstimator;
}

function checkTree(t: FlatTree, nFeatures: number, bad: (m: string) => never): void {
  const n = t?.nodeCount;
  if (!Number.isInteger(n) || n < 1 || t.value?.length !== n)
    bad('a tree has an invalid nodeCount or value length');
  for (let i = 0; i < n; i++) {
    const l = t.childrenLeft[i];
    const r = t.childrenRight[i];
    if (l === -1 && r === -1) continue;
    const f = t.feature[i];
    if (!(typeof l === 'number' && typeof r === 'number' && l > i && r > i && l < n && r < n))
      bad(`node ${i} has bad children`);
    if (!(typeof f === 'number' && Number.isInteger(f) && f >= 0 && f < nFeatures))
      bad(`node ${i} has bad feature ${f}`);
    if (typeof t.threshold[i] !== 'number') bad(`node ${i} has no threshold`);
  }
}

/** The leaf value a float32-cast row reaches (`X[i, f] <= threshold` goes left, as in sklearn's Cython). */
function leafValue(t: FlatTree, x32: Float32Array): number {
  let node = 0;
  while (t.childrenLeft[node] !== -1) {
    node =
      (x32[t.feature[node] as number] as number) <= (t.threshold[node] as number)
        ? (t.childrenLeft[node] as number)
        : (t.childrenRight[node] as number);
  }
  return t.value[node] as number;
}

/** `_raw_predict` for one row: initRaw, then `raw[k] += learning_rate * value` stage by stage. */
export function boostingRaw(e: GradientBoostingEstimator, row: ArrayLike<number>): Float64Array {
  const x32 = Float32Array.from(row as ArrayLike<number>);
  const raw = Float64Array.from(e.initRaw);
  for (const stage of e.stages) {
    for (let k = 0; k < stage.length; k++)
      raw[k] = (raw[k] as number) + e.learningRate * leafValue(stage[k] as FlatTree, x32);
  }
  return raw;
}

/** `_raw_prediction_to_proba`: binomial expit, multinomial exp(raw - logsumexp(raw)) (scipy's order). */
function rawToProba(loss: BoostingLoss, raw: Float64Array, newLosses: boolean): Float64Array {
  if (loss === 'binomial') {
    const p = expit(raw[0] as number);
    return Float64Array.of(1 - p, p);
  }
  if (newLosses) return softmax(Array.from(raw));
  let max = -Infinity;
  for (const v of raw) if (v > max) max = v;
  if (!Number.isFinite(max)) max = 0;
  let s = 0;
  for (const v of raw) s += glibcExp(v - max);
  const lse = glibcLog(s) + max; // numpy's log is glibc's; only exp remains V8's own
  return raw.map((v) => {
    const p = glibcExp(v - lse);
    return Number.isNaN(p) ? 0 : p;
  });
}

/**
 * The boosting model on the shared tree-sum engine: stage s's tree k adds learning_rate * value (the
 * product sklearn's predict_stages adds) to raw-score column k, from initRaw, stage by stage.
 */
export function boostingSums(
  e: GradientBoostingEstimator,
  nFeatures: number,
  javascript?: boolean,
): TreeSums {
  const trees: FlatTree[] = [];
  const spec: EngineSpec = {
    trees: e.stages.flatMap((stage) =>
      stage.map((t, k) => {
        trees.push(t);
        return { ...t, column: k, width: 1 };
      }),
    ),
    nFeatures,
    nOutputs: e.initRaw.length,
    leafOutput: (t, node, out, at) => {
      out[at] = e.learningRate * ((trees[t] as FlatTree).value[node] as number);
    },
  };
  return createTreeSums(spec, { init: e.initRaw, ...(javascript === undefined ? {} : { javascript }) });
}

export function createGradientBoostingPredictor(a: EstimatorNode<GradientBoostingEstimator>): Predictor {
  const e = validateGradientBoosting(a.estimator, a.nFeatures, a.classes);
  const classes = a.classes;
  const name = a.kind;
  const engine = boostingSums(e, a.nFeatures);
  const raw = (row: ArrayLike<number>): Float64Array => {
    checkRow(row, a.nFeatures, name);
    const out = new Float64Array(e.initRaw.length);
    engine.sums(row, 0, 1, out);
    return out;
  };
  return {
    kind: a.kind,
    task: classes === null ? 'regression' : 'classification',
    nFeatures: a.nFeatures,
    schema: { ...positionalSchema(a.nFeatures), float32: true },
    classes,
    predict(row) {
      const r = raw(row as ArrayLike<number>);
      if (classes === null) return r[0] as number;
      if (e.decision !== 'raw') return classes[argmax(rawToProba(e.loss, r, false))] as ClassLabel;
      return classes[r.length === 1 ? ((r[0] as number) >= 0 ? 1 : 0) : argmax(r)] as ClassLabel;
    },
    predictProba(row) {
      if (classes === null) throw new PredictInputError(`${name} is a regressor: it has no predict_proba`);
      return rawToProba(e.loss, raw(row as ArrayLike<number>), e.decision === 'raw');
    },
    decisionFunction: (row) => raw(row as ArrayLike<number>),
  };
}

/** The artifact-kind entry (validator + predictor factory) for the model area's kind dispatch. */
export function gradientBoostingKind(kind: 'GradientBoostingClassifier' | 'GradientBoostingRegressor') {
  return {
    task: kind === 'GradientBoostingClassifier' ? ('classification' as const) : ('regression' as const),
    validate: (a: EstimatorNode): void => {
      if ((a.classes === null) !== (kind === 'GradientBoostingRegressor')) {
        throw new ArtifactError(`${kind} artifact has ${a.classes === null ? 'no' : ''} classes`);
      }
      validateGradientBoosting(a.estimator, a.nFeatures, a.classes);
    },
    createPredictor: (a: EstimatorNode): Predictor =>
      createGradientBoostingPredictor(a as EstimatorNode<GradientBoostingEstimator>),
  };
}
