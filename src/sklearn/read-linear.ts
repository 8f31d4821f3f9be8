// Reads fitted linear models: LogisticRegression (resolving each version's ovr/multinomial rule) and
// LinearRegression, Ridge, Lasso, ElasticNet, SGDClassifier/Regressor, LinearSVC/LinearSVR (coef_, intercept_).
import type { LinearEstimator, LinearProba } from '../model/linear.js';
import type { LogisticRegressionEstimator } from '../model/logistic-regression.js';
import type { ClassLabel } from '../model/types.js';
import { UnsupportedModelError } from './errors.js';
import { type EstimatorState, labels, numbers } from './state.js';
import { NdArray } from './values.js';

export interface LogisticModel {
  readonly nFeatures: number;
  readonly classes: readonly ClassLabel[];
  readonly estimator: LogisticRegressionEstimator;
}

/** `coef_` as rows (a 1-D coef_ is one row) and `intercept_` (a scalar or a 1-D array; 0 without intercept). */
function coefficients(
  s: EstimatorState,
  rows: number,
  nFeatures: number,
): { coef: number[][]; intercept: number[] } {
  const c = s.array('coef_');
  const flat = numbers(c, `${s.path}.coef_`);
  if (c.shape.length > 2 || flat.length !== rows * nFeatures) {
    const multi = c.shape.length === 2 && (c.shape[0] ?? 0) > rows;
    if (multi && !s.has('classes_'))
      throw new UnsupportedModelError(
        `${s.path} predicts ${c.shape[0]} targets; only single-output models are supported`,
      );
    s.fail('coef_', `${rows} x ${nFeatures} coefficients`);
  }
  const coef = Array.from({ length: rows }, (_, i) => flat.slice(i * nFeatures, (i + 1) * nFeatures));
  const raw = s.raw('intercept_');
  const intercept =
    typeof raw === 'number' ? [raw] : raw instanceof NdArray ? numbers(raw, `${s.path}.intercept_`) : null;
  if (intercept === null || intercept.length !== rows) s.fail('intercept_', `${rows} intercept(s)`);
  return { coef, intercept };
}

export function readLogisticRegression(s: EstimatorState): LogisticModel {
  const nFeatures = s.int('n_features_in_');
  const classes = labels(s.array('classes_'), `${s.path}.classes_`);
  if (classes.length < 2) s.fail('classes_', 'two or more classes');
  const rows = classes.length === 2 ? 1 : classes.length;
  const { coef, intercept } = coefficients(s, rows, nFeatures);
  // 1.2-1.4: multi_class 'auto' | 'ovr' | 'multinomial'; 1.5-1.7 'deprecated' (= 'auto'); 1.8+ none (softmax
  // for 3+ classes, expit for 2).
  const declared = s.has('multi_class') ? s.raw('multi_class') : 'auto';
  const multi = declared === 'deprecated' || declared === 'warn' ? 'auto' : declared;
  const solver = s.has('solver') ? s.raw('solver') : 'lbfgs';
  const ovr = multi === 'ovr' || (multi === 'auto' && (classes.length <= 2 || solver === 'liblinear'));
  if (!ovr && multi !== 'multinomial' && multi !== 'auto')
    s.fail('multi_class', "'auto', 'ovr' or 'multinomial'");
  return { nFeatures, classes, estimator: { coef, intercept, multiClass: ovr ? 'ovr' : 'multinomial' } };
}

export interface LinearModel {
  readonly nFeatures: number;
  readonly classes: readonly ClassLabel[] | null;
  readonly estimator: LinearEstimator;
}

/** SGDClassifier's predict_proba exists for these losses only (scikit-learn hides it otherwise). */
function sgdProba(s: EstimatorState): LinearProba {
  const loss = s.raw('loss');
  if (loss === 'log_loss' || loss === 'log') return 'log_loss';
  if (loss === 'modified_huber') return 'modified_huber';
  return 'none';
}

/** The linear models other than LogisticRegression. */
export function readLinear(s: EstimatorState, classifier: boolean): LinearModel {
  const nFeatures = s.int('n_features_in_');
  const classes = classifier ? labels(s.array('classes_'), `${s.path}.classes_`) : null;
  if (classes !== null && classes.length < 2) s.fail('classes_', 'two or more classes');
  const rows = classes === null || classes.length === 2 ? 1 : classes.length;
  const { coef, intercept } = coefficients(s, rows, nFeatures);
  const proba = s.name === 'SGDClassifier' ? sgdProba(s) : 'none';
  return { nFeatures, classes, estimator: { coef, intercept, proba } };
}
