// Reads a fitted GradientBoostingClassifier/Regressor (sklearn < 1.3 loss classes) into its estimator section.
import type { BoostingLoss, GradientBoostingEstimator } from '../model/gradient-boosting.js';
import type { ClassLabel, FlatTree } from '../model/types.js';
import { UnsupportedModelError } from './errors.js';
import { readTreeEstimator } from './read-trees.js';
import { EstimatorState, labels, numbers } from './state.js';
import { PyObject, typeName } from './values.js';

const LOSSES: Readonly<Record<string, BoostingLoss>> = {
  BinomialDeviance: 'binomial',
  MultinomialDeviance: 'multinomial',
  LeastSquaresError: 'squared_error',
};

/** float32 machine epsilon, the clip sklearn applies to the prior before taking logs. */
const EPS32 = 2 ** -23;

export interface BoostingModel {
  readonly nFeatures: number;
  readonly classes: readonly ClassLabel[] | null;
  readonly estimator: GradientBoostingEstimator;
}

function clip(p: number): number {
  return Math.min(Math.max(p, EPS32), 1 - EPS32);
}

/** `_raw_predict_init`: the init estimator's constant prediction turned into raw scores. */
function initRaw(s: EstimatorState, loss: BoostingLoss, k: number, log: (x: number) => number): number[] {
  const init = s.raw('init_');
  if (init === 'zero') return new Array<number>(k).fill(0);
  if (!(init instanceof PyObject)) s.fail('init_', "a DummyClassifier/DummyRegressor or 'zero'");
  const d = new EstimatorState(init, `${s.path}.init_`);
  if (loss === 'squared_error') {
    if (d.name !== 'DummyRegressor') s.fail('init_', 'a DummyRegressor');
    const c = numbers(d.array('constant_'), `${d.path}.constant_`);
    if (c.length !== 1) d.fail('constant_', 'one value');
    return c;
  }
  if (d.name !== 'DummyClassifier' || d.str('_strategy') !== 'prior')
    s.fail('init_', "a DummyClassifier(strategy='prior')");
  const prior = numbers(d.array('class_prior_'), `${d.path}.class_prior_`);
  if (loss === 'binomial') {
    const p = clip(prior[1] ?? Number.NaN);
    return [log(p / (1 - p))];
  }
  if (prior.length !== k) d.fail('class_prior_', `${k} class priors`);
  return prior.map((p) => log(clip(p)));
}

export function readBoosting(
  s: EstimatorState,
  classifier: boolean,
  log: (x: number) => number,
): BoostingModel {
  const lossObj = s.object('_loss');
  const loss = LOSSES[lossObj.cls.name];
  if (loss === undefined) s.fail('_loss', `one of ${Object.keys(LOSSES).join(', ')}`);
  if ((loss === 'squared_error') === classifier)
    s.fail('_loss', `a ${classifier ? 'classification' : 'regression'} loss`);
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
      stage.push(readTreeEstimator(t, path, false, nFeatures));
    }
    stages.push(stage);
  }
  const estimator = { loss, learningRate: s.num('learning_rate'), initRaw: initRaw(s, loss, k, log), stages };
  return { nFeatures, classes, estimator };
}
