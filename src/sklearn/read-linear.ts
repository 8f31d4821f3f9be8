// Reads a fitted LogisticRegression into its estimator section, resolving sklearn 1.2.1's ovr/multinomial rule.
import type { LogisticRegressionEstimator } from '../model/logistic-regression.js';
import type { ClassLabel } from '../model/types.js';
import { type EstimatorState, labels, matrix, numbers } from './state.js';

export interface LinearModel {
  readonly nFeatures: number;
  readonly classes: readonly ClassLabel[];
  readonly estimator: LogisticRegressionEstimator;
}

export function readLogisticRegression(s: EstimatorState): LinearModel {
  const nFeatures = s.int('n_features_in_');
  const classes = labels(s.array('classes_'), `${s.path}.classes_`);
  const coef = matrix(s.array('coef_'), `${s.path}.coef_`);
  const intercept = numbers(s.array('intercept_'), `${s.path}.intercept_`);
  const rows = classes.length === 2 ? 1 : classes.length;
  if (
    classes.length < 2 ||
    coef.length !== rows ||
    coef.some((r) => r.length !== nFeatures) ||
    intercept.length !== rows
  ) {
    s.fail('coef_', `a (${rows}, ${nFeatures}) array with ${rows} intercepts`);
  }
  const multi = s.str('multi_class');
  const solver = s.has('solver') ? s.raw('solver') : 'lbfgs';
  // LogisticRegression.predict_proba (1.2.1): one-vs-rest for 'ovr', and for 'auto' on binary or liblinear.
  const ovr =
    multi === 'ovr' ||
    multi === 'warn' ||
    (multi === 'auto' && (classes.length <= 2 || solver === 'liblinear'));
  if (!ovr && multi !== 'multinomial' && multi !== 'auto')
    s.fail('multi_class', "'auto', 'ovr' or 'multinomial'");
  return { nFeatures, classes, estimator: { coef, intercept, multiClass: ovr ? 'ovr' : 'multinomial' } };
}
