// LogisticRegression (binary, multinomial, one-vs-rest) as a model artifact kind and its predictor.
import { ArtifactError } from './errors.js';
import { argmax, checkRow, expit, softmax } from './logistic-regression-math.js';
import { finiteNumbers, type NumberArray } from './number-array.js';
import {
  type ClassLabel,
  type EstimatorNode,
  type FeatureValue,
  type Predictor,
  positionalSchema,
} from './types.js';

/** `coef_` rows (one per class, or one for binary), `intercept_`, and sklearn 1.2.1's resolved ovr choice. */
export interface LogisticRegressionEstimator {
  readonly coef: readonly NumberArray[];
  readonly intercept: NumberArray;
  /** 'ovr': expit (+ normalisation); 'multinomial': softmax. Resolved from multi_class/solver at conversion. */
  readonly multiClass: 'ovr' | 'multinomial';
}

/** Validates the estimator section of a LogisticRegression artifact (from JSON or from a converter). */
export function validateLogisticRegression(
  e: unknown,
  nFeatures: number,
  classes: readonly ClassLabel[],
): LogisticRegressionEstimator {
  const o = e as Partial<LogisticRegressionEstimator> | null;
  const rows = classes.length === 2 ? 1 : classes.length;
  if (
    o === null ||
    typeof o !== 'object' ||
    !Array.isArray(o.coef) ||
    o.coef.length !== rows ||
    !o.coef.every((r) => finiteNumbers(r, nFeatures) !== null) ||
    finiteNumbers(o.intercept, rows) === null ||
    (o.multiClass !== 'ovr' && o.multiClass !== 'multinomial') ||
    classes.length < 2
  ) {
    throw new ArtifactError(
      `LogisticRegression estimator must have coef (${rows} x ${nFeatures} numbers), intercept (${rows}) and multiClass 'ovr' | 'multinomial'`,
    );
  }
  return o as LogisticRegressionEstimator;
}

/** decision_function for one row: dot product summed left to right, then the intercept. */
function decision(e: LogisticRegressionEstimator, row: ArrayLike<number>): number[] {
  return e.coef.map((w, k) => {
    let s = 0;
    for (let j = 0; j < w.length; j++) s += (row[j] ?? 0) * (w[j] ?? 0);
    return s + (e.intercept[k] ?? 0);
  });
}

export function createLogisticRegressionPredictor(a: EstimatorNode<LogisticRegressionEstimator>): Predictor {
  const classes = a.classes ?? [];
  const e = validateLogisticRegression(a.estimator, a.nFeatures, classes);
  const proba = (input: ArrayLike<FeatureValue>): Float64Array => {
    const row = input as ArrayLike<number>;
    checkRow(row, a.nFeatures, 'LogisticRegression');
    const d = decision(e, row);
    if (d.length === 1) {
      const d0 = d[0] ?? 0;
      if (e.multiClass === 'multinomial') return softmax([-d0, d0]);
      const p = expit(d0);
      return Float64Array.of(1 - p, p);
    }
    if (e.multiClass === 'multinomial') return softmax(d);
    const out = Float64Array.from(d, expit);
    let sum = 0;
    for (const p of out) sum += p;
    for (let k = 0; k < out.length; k++) out[k] = (out[k] ?? 0) / sum;
    return out;
  };
  return {
    kind: 'LogisticRegression',
    task: 'classification',
    nFeatures: a.nFeatures,
    schema: positionalSchema(a.nFeatures),
    classes,
    predict(input) {
      const row = input as ArrayLike<number>;
      checkRow(row, a.nFeatures, 'LogisticRegression');
      const d = decision(e, row);
      const k = d.length === 1 ? ((d[0] ?? 0) > 0 ? 1 : 0) : argmax(d);
      return classes[k] as ClassLabel;
    },
    predictProba: proba,
    decisionFunction(input) {
      const row = input as ArrayLike<number>;
      checkRow(row, a.nFeatures, 'LogisticRegression');
      return Float64Array.from(decision(e, row));
    },
  };
}

/** decision_function values (for parity tests and the docs' exactness table). */
export function logisticDecision(
  a: EstimatorNode<LogisticRegressionEstimator>,
  row: ArrayLike<number>,
): number[] {
  return decision(a.estimator, row);
}

/** The artifact-kind entry (validator + predictor factory) for the model area's kind dispatch. */
export const logisticRegressionKind = {
  task: 'classification' as const,
  validate: (a: EstimatorNode): void => {
    if (a.classes === null) throw new ArtifactError('LogisticRegression artifact has no classes');
    validateLogisticRegression(a.estimator, a.nFeatures, a.classes);
  },
  createPredictor: (a: EstimatorNode): Predictor =>
    createLogisticRegressionPredictor(a as EstimatorNode<LogisticRegressionEstimator>),
};
