// Turns the unpickled top-level estimator into a lambda-ml model description (kind, classes, estimator).
import { glibcLog } from '../model/glibc-log.js';
import type { GradientBoostingEstimator } from '../model/gradient-boosting.js';
import type { LogisticRegressionEstimator } from '../model/logistic-regression.js';
import type { ClassLabel, FlatTree, ModelKind } from '../model/types.js';
import { ESTIMATOR_CLASSES, supportedEstimators } from './allowlist.js';
import { UnsupportedModelError } from './errors.js';
import { readBoosting } from './read-boosting.js';
import { readLogisticRegression } from './read-linear.js';
import { readForest, readSingleTree } from './read-trees.js';
import { EstimatorState } from './state.js';
import { PyObject, type PyValue, typeName } from './values.js';

/** A model read from a scikit-learn file, before it is wrapped in an artifact. */
export type SklearnModel = {
  readonly nFeatures: number;
  readonly classes: readonly ClassLabel[] | null;
  readonly sklearnVersion: string;
} & (
  | { readonly kind: TreeKind; readonly trees: FlatTree[] }
  | {
      readonly kind: 'GradientBoostingClassifier' | 'GradientBoostingRegressor';
      readonly estimator: GradientBoostingEstimator;
    }
  | { readonly kind: 'LogisticRegression'; readonly estimator: LogisticRegressionEstimator }
);

export type TreeKind = Exclude<
  ModelKind,
  'GradientBoostingClassifier' | 'GradientBoostingRegressor' | 'LogisticRegression'
>;

/** scikit-learn versions whose pickled layouts this reader knows (module paths from 0.22, 64-byte nodes from 1.3). */
export const SUPPORTED_VERSIONS = { min: [0, 22], max: [1, 5], verified: '1.2.1' } as const;

export interface InterpretOptions {
  /** The natural log for GradientBoosting's prior; default glibc 2.36's (what numpy calls), so raw scores match. */
  readonly log?: (x: number) => number;
}

function checkVersion(v: string | null, name: string): string {
  const m = v === null ? null : /^(\d+)\.(\d+)/.exec(v);
  const supported = `lambda-ml reads files written by scikit-learn ${SUPPORTED_VERSIONS.min.join('.')} to ${SUPPORTED_VERSIONS.max.join('.')}.x (verified with ${SUPPORTED_VERSIONS.verified})`;
  if (v === null || m === null)
    throw new UnsupportedModelError(`${name} has no scikit-learn version stamp; ${supported}`);
  const ver = [Number(m[1]), Number(m[2])];
  const cmp = (a: readonly number[], b: readonly number[]) =>
    (a[0] ?? 0) - (b[0] ?? 0) || (a[1] ?? 0) - (b[1] ?? 0);
  if (cmp(ver, SUPPORTED_VERSIONS.min) < 0 || cmp(ver, SUPPORTED_VERSIONS.max) > 0) {
    throw new UnsupportedModelError(`${name} was saved by scikit-learn ${v}; ${supported}`, {
      context: { sklearnVersion: v },
    });
  }
  return v;
}

/** Reads the root object of a joblib/pickle file as one of the supported estimators. */
export function interpretEstimator(root: PyValue, options: InterpretOptions = {}): SklearnModel {
  if (!(root instanceof PyObject) || ESTIMATOR_CLASSES[root.cls.qualified] === undefined) {
    const what = root instanceof PyObject ? root.cls.qualified : typeName(root);
    throw new UnsupportedModelError(
      `the file holds ${what}, not a supported estimator; lambda-ml reads ${supportedEstimators()}`,
    );
  }
  const s = new EstimatorState(root, root.cls.name);
  const sklearnVersion = checkVersion(s.sklearnVersion(), root.cls.qualified);
  const base = { sklearnVersion };
  switch (root.cls.name) {
    case 'DecisionTreeClassifier':
    case 'ExtraTreeClassifier':
      return { ...base, kind: 'DecisionTreeClassifier', ...readSingleTree(s, true) };
    case 'DecisionTreeRegressor':
    case 'ExtraTreeRegressor':
      return { ...base, kind: 'DecisionTreeRegressor', ...readSingleTree(s, false) };
    case 'RandomForestClassifier':
    case 'ExtraTreesClassifier':
      return { ...base, kind: root.cls.name, ...readForest(s, true) };
    case 'RandomForestRegressor':
    case 'ExtraTreesRegressor':
      return { ...base, kind: root.cls.name, ...readForest(s, false) };
    case 'GradientBoostingClassifier':
    case 'GradientBoostingRegressor':
      return {
        ...base,
        kind: root.cls.name,
        ...readBoosting(s, root.cls.name.endsWith('Classifier'), options.log ?? glibcLog),
      };
    case 'LogisticRegression':
      return { ...base, kind: 'LogisticRegression', ...readLogisticRegression(s) };
    default:
      throw new UnsupportedModelError(
        `${root.cls.qualified} is not supported; lambda-ml reads ${supportedEstimators()}`,
      );
  }
}
