// Linear models other than LogisticRegression as artifact kinds: LinearRegression, Ridge, Lasso, ElasticNet,
// SGDRegressor, LinearSVR (value = x . coef + intercept) and SGDClassifier, LinearSVC (sign or argmax of the
// decision function; probabilities only for SGD's log_loss and modified_huber, as in scikit-learn).
import { ArtifactError, PredictInputError } from './errors.js';
import { argmax, checkRow, expit } from './logistic-regression-math.js';
import { finiteNumbers, type NumberArray } from './number-array.js';
import type { ClassLabel, EstimatorNode, FeatureValue, ModelKind, Predictor } from './types.js';
import { positionalSchema } from './types.js';

/** How a classifier turns decision values into probabilities; 'none' = it has no predict_proba. */
export type LinearProba = 'none' | 'log_loss' | 'modified_huber';

export interface LinearEstimator {
  /** One row for a regressor or a binary classifier, one per class otherwise. */
  readonly coef: readonly NumberArray[];
  readonly intercept: NumberArray;
  readonly proba: LinearProba;
}

export const LINEAR_REGRESSORS = [
  'LinearRegression',
  'Ridge',
  'Lasso',
  'ElasticNet',
  'SGDRegressor',
  'LinearSVR',
] as const;
export const LINEAR_CLASSIFIERS = ['SGDClassifier', 'LinearSVC'] as const;

function validate(node: EstimatorNode): LinearEstimator {
  const e = node.estimator as Partial<LinearEstimator> | null;
  const classes = node.classes;
  const rows = classes === null || classes.length === 2 ? 1 : classes.length;
  const nums = (v: unknown, n: number) => finiteNumbers(v, n) !== null;
  if (
    e === null ||
    typeof e !== 'object' ||
    !Array.isArray(e.coef) ||
    e.coef.length !== rows ||
    !e.coef.every((r) => nums(r, node.nFeatures)) ||
    !nums(e.intercept, rows) ||
    !['none', 'log_loss', 'modified_huber'].includes(e.proba as string) ||
    (classes !== null && classes.length < 2)
  ) {
    throw new ArtifactError(
      `invalid model artifact: ${node.kind} estimator must have coef (${rows} x ${node.nFeatures} finite numbers), intercept (${rows}) and proba 'none' | 'log_loss' | 'modified_huber'`,
    );
  }
  return e as LinearEstimator;
}

/** x . w + b for each coef row: the products summed left to right (reference BLAS's order), then b. */
export function linearDecision(e: LinearEstimator, row: ArrayLike<number>): Float64Array {
  return Float64Array.from(e.coef as ArrayLike<NumberArray>, (w, k) => {
    let s = 0;
    for (let j = 0; j < w.length; j++) s += (row[j] as number) * (w[j] as number);
    return s + (e.intercept[k] as number);
  });
}

/** SGDClassifier.predict_proba: `_predict_proba_lr` (log_loss) or the clipped modified-Huber rule. */
function probabilities(kind: LinearProba, d: Float64Array): Float64Array {
  if (d.length === 1) {
    const v = d[0] as number;
    const p = kind === 'log_loss' ? expit(v) : (Math.min(Math.max(v, -1), 1) + 1) / 2;
    return Float64Array.of(1 - p, p);
  }
  const p = d.map((v) => (kind === 'log_loss' ? expit(v) : (Math.min(Math.max(v, -1), 1) + 1) / 2));
  let sum = 0;
  for (const v of p) sum += v;
  if (sum === 0) return p.fill(1 / p.length);
  return p.map((v) => v / sum);
}

export function createLinearPredictor(node: EstimatorNode): Predictor {
  const e = validate(node);
  const classes = node.classes;
  const n = node.nFeatures;
  const decision = (input: ArrayLike<FeatureValue>): Float64Array => {
    const row = input as ArrayLike<number>;
    checkRow(row, n, node.kind);
    return linearDecision(e, row);
  };
  return {
    kind: node.kind,
    task: classes === null ? 'regression' : 'classification',
    nFeatures: n,
    schema: positionalSchema(n),
    classes,
    hasProbabilities: classes !== null && e.proba !== 'none',
    predict(row) {
      const d = decision(row);
      if (classes === null) return d[0] as number;
      return classes[d.length === 1 ? ((d[0] as number) > 0 ? 1 : 0) : argmax(d)] as ClassLabel;
    },
    predictProba(row) {
      if (classes === null)
        throw new PredictInputError(`${node.kind} is a regressor: it has no predict_proba`);
      if (e.proba === 'none') {
        throw new PredictInputError(
          `${node.kind} has no predict_proba (scikit-learn gives probabilities only for SGDClassifier with loss='log_loss' or 'modified_huber')`,
        );
      }
      return probabilities(e.proba, decision(row));
    },
    decisionFunction: decision,
  };
}

export function linearKind(kind: ModelKind) {
  const classifier = (LINEAR_CLASSIFIERS as readonly string[]).includes(kind);
  return {
    task: classifier ? ('classification' as const) : ('regression' as const),
    validate: (a: EstimatorNode): void => {
      if ((a.classes === null) === classifier) {
        throw new ArtifactError(
          `invalid model artifact: a ${kind} ${classifier ? 'needs' : 'has no'} classes`,
        );
      }
      validate(a);
    },
    createPredictor: createLinearPredictor,
  };
}
