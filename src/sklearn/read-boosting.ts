// Reads a fitted GradientBoostingClassifier/Regressor into its estimator section: the loss of either layout
// (`sklearn.ensemble._gb_losses` before 1.3, `sklearn._loss` after), the init prior as raw scores computed
// the way that version computes them, and the stage trees.
import { glibcExp } from '../model/glibc-exp.js';
import { glibcLog1p } from '../model/glibc-log1p.js';
import {
  type BoostingLoss,
  type GradientBoostingEstimator,
  isRegressionLoss,
} from '../model/gradient-boosting.js';
import type { ClassLabel, FlatTree } from '../model/types.js';
import { UnsupportedModelError } from './errors.js';
import { atLeast, type ReadContext } from './read-context.js';
import { readTreeEstimator } from './read-trees.js';
import { EstimatorState, labels, numbers } from './state.js';
import { PyObject, typeName } from './values.js';

const LOSSES: Readonly<Record<string, BoostingLoss>> = {
  // scikit-learn < 1.3
  BinomialDeviance: 'binomial',
  MultinomialDeviance: 'multinomial',
  LeastSquaresError: 'squared_error',
  LeastAbsoluteError: 'absolute_error',
  HuberLossFunction: 'huber',
  QuantileLossFunction: 'quantile',
  // scikit-learn >= 1.3
  HalfBinomialLoss: 'binomial',
  HalfMultinomialLoss: 'multinomial',
  HalfSquaredError: 'squared_error',
  AbsoluteError: 'absolute_error',
  HuberLoss: 'huber',
  PinballLoss: 'quantile',
};

export interface BoostingModel {
  readonly nFeatures: number;
  readonly classes: readonly ClassLabel[] | null;
  readonly estimator: GradientBoostingEstimator;
}

function clip(p: number, eps: number): number {
  return Math.min(Math.max(p, eps), 1 - eps);
}

/** scipy.special.logit (scipy's xsf): log(p / (1 - p)), or log1p(s) - log1p(-s) near p = 0.5. */
function logit(p: number, log: (x: number) => number): number {
  if (p < 0.3 || p > 0.65) return log(p / (1 - p));
  const s = 2 * (p - 0.5);
  return glibcLog1p(s) - glibcLog1p(-s);
}

/** The prior (DummyClassifier, strategy 'prior') of a classifier's init estimator. */
function classPrior(s: EstimatorState): number[] {
  const init = s.raw('init_');
  if (!(init instanceof PyObject)) s.fail('init_', "a DummyClassifier or 'zero'");
  const d = new EstimatorState(init, `${s.path}.init_`);
  if (d.name !== 'DummyClassifier' || d.str('_strategy') !== 'prior')
    s.fail('init_', "a DummyClassifier(strategy='prior') (a custom init estimator is not supported)");
  return numbers(d.array('class_prior_'), `${d.path}.class_prior_`);
}

/** `_raw_predict_init`: the init estimator's constant prediction as raw scores, as `ctx`'s version does it. */
function initRaw(
  s: EstimatorState,
  loss: BoostingLoss,
  k: number,
  newLosses: boolean,
  ctx: ReadContext,
): number[] {
  const init = s.raw('init_');
  if (init === 'zero') return new Array<number>(k).fill(0);
  if (isRegressionLoss(loss)) {
    if (!(init instanceof PyObject) || init.cls.name !== 'DummyRegressor')
      s.fail('init_', "a DummyRegressor or 'zero' (a custom init estimator is not supported)");
    const d = new EstimatorState(init, `${s.path}.init_`);
    const c = numbers(d.array('constant_'), `${d.path}.constant_`);
    if (c.length !== 1) d.fail('constant_', 'one value');
    return c;
  }
  const prior = classPrior(s);
  if (loss === 'multinomial' && prior.length !== k) s.fail('init_', `a prior over ${k} classes`);
  const log = ctx.log;
  if (!newLosses) {
    // _gb_losses: log odds (binary) or log prior (multiclass), the prior clipped to float32 eps.
    const eps = 2 ** -23;
    if (loss === 'binomial') {
      const p = clip(prior[1] ?? Number.NaN, eps);
      return [log(p / (1 - p))];
    }
    return prior.map((p) => log(clip(p, eps)));
  }
  // _loss links: logit (binary) or the symmetric multinomial logit log(p / gmean(p)); the clip uses
  // float32 eps until 1.7 and float64 eps from 1.8.
  const eps = atLeast(ctx, 1, 8) ? 2 ** -52 : 2 ** -23;
  if (loss === 'binomial') return [logit(clip(prior[1] ?? Number.NaN, eps), log)];
  const p = prior.map((v) => clip(v, eps));
  let sum = 0;
  for (const v of p) sum += log(v);
  const gmean = glibcExp(sum / p.length);
  return p.map((v) => log(v / gmean));
}

export function readBoosting(s: EstimatorState, classifier: boolean, ctx: ReadContext): BoostingModel {
  const lossObj = s.object('_loss');
  const loss = LOSSES[lossObj.cls.name];
  if (loss === undefined) s.fail('_loss', `one of ${Object.keys(LOSSES).join(', ')}`);
  if (isRegressionLoss(loss) === classifier)
    s.fail('_loss', `a ${classifier ? 'classification' : 'regression'} loss`);
  const newLosses = lossObj.cls.module === 'sklearn._loss.loss';
  const nFeatures = s.int('n_features_in_');
  const classes = classifier ? labels(s.array('classes_'), `${s.path}.classes_`) : null;
  const k = loss === 'multinomial' ? (classes?.length ?? 0) : 1;
  const est = s.array('estimators_');
  if (est.objects === null || est.shape.length !== 2 || est.shape[1] !== k || est.shape[0] === 0) {
    s.fail('estimators_', `an object array of shape (n_stages, ${k})`);
  }
  const stages: FlatTree[][] = [];
  for (let i = 0; i < (est.shape[0] ?? 0); i++) {
    const stage: FlatTree[] = [];
    for (let c = 0; c < k; c++) {
      const t = est.objects[i * k + c];
      const path = `${s.path}.estimators_[${i}, ${c}]`;
      if (!(t instanceof PyObject))
        throw new UnsupportedModelError(`${path} is ${typeName(t)}, expected a tree`);
      // GradientBoosting takes no missing values: the nodes' missing_go_to_left is not needed.
      const { missingGoToLeft: _, ...tree } = readTreeEstimator(t, path, false, nFeatures);
      stage.push(tree);
    }
    stages.push(stage);
  }
  const estimator: GradientBoostingEstimator = {
    loss,
    learningRate: s.num('learning_rate'),
    initRaw: initRaw(s, loss, k, newLosses, ctx),
    stages,
    ...(newLosses ? { decision: 'raw' as const } : {}),
  };
  return { nFeatures, classes, estimator };
}
