// The explicit allow-list of pickle globals: what each may be used for. Everything else is refused.
import { BOOSTER_GLOBALS, BOOSTER_WRAPPERS, isBoosterModule } from './allowlist-boosters.js';
import { UnsafePickleError, UnsupportedModelError } from './errors.js';
import { PyGlobal } from './values.js';

/**
 * What an allowed global may do in the VM. `class`: instantiated as an inert record by NEWOBJ (and
 * filled by BUILD). `record`: a REDUCE callable whose call is recorded, never made (Tree, RandomState).
 * The numpy/codecs roles are decoded by the VM itself. `type`: only usable as an argument.
 */
export type GlobalRole =
  | 'class'
  | 'record'
  | 'dtype'
  | 'scalar'
  | 'reconstruct'
  | 'frombuffer'
  | 'encode'
  | 'bytearray'
  | 'dict'
  | 'type';

/** Estimator classes the interpreter turns into models (module paths of sklearn 0.22 and later). */
export const ESTIMATOR_CLASSES: Readonly<Record<string, string>> = {
  'sklearn.tree._classes.DecisionTreeClassifier': 'DecisionTreeClassifier',
  'sklearn.tree._classes.DecisionTreeRegressor': 'DecisionTreeRegressor',
  'sklearn.tree._classes.ExtraTreeClassifier': 'ExtraTreeClassifier',
  'sklearn.tree._classes.ExtraTreeRegressor': 'ExtraTreeRegressor',
  'sklearn.ensemble._forest.RandomForestClassifier': 'RandomForestClassifier',
  'sklearn.ensemble._forest.RandomForestRegressor': 'RandomForestRegressor',
  'sklearn.ensemble._forest.ExtraTreesClassifier': 'ExtraTreesClassifier',
  'sklearn.ensemble._forest.ExtraTreesRegressor': 'ExtraTreesRegressor',
  'sklearn.ensemble._gb.GradientBoostingClassifier': 'GradientBoostingClassifier',
  'sklearn.ensemble._gb.GradientBoostingRegressor': 'GradientBoostingRegressor',
  'sklearn.linear_model._logistic.LogisticRegression': 'LogisticRegression',
};

const ALLOWED: ReadonlyMap<string, GlobalRole> = new Map<string, GlobalRole>([
  ...Object.keys(ESTIMATOR_CLASSES).map((k): [string, GlobalRole] => [k, 'class']),
  // Parts of GradientBoosting (sklearn < 1.3): its loss object and its default init estimator.
  ['sklearn.ensemble._gb_losses.BinomialDeviance', 'class'],
  ['sklearn.ensemble._gb_losses.MultinomialDeviance', 'class'],
  ['sklearn.ensemble._gb_losses.LeastSquaresError', 'class'],
  ['sklearn.dummy.DummyClassifier', 'class'],
  ['sklearn.dummy.DummyRegressor', 'class'],
  ['joblib.numpy_pickle.NumpyArrayWrapper', 'class'],
  ['sklearn.tree._tree.Tree', 'record'],
  ['numpy.random._pickle.__randomstate_ctor', 'record'],
  ['numpy.random._pickle.__bit_generator_ctor', 'record'],
  ['numpy.ndarray', 'type'],
  ['numpy.memmap', 'type'],
  ['numpy.dtype', 'dtype'],
  ['numpy.core.multiarray.scalar', 'scalar'],
  ['numpy._core.multiarray.scalar', 'scalar'],
  ['numpy.core.multiarray._reconstruct', 'reconstruct'],
  ['numpy._core.multiarray._reconstruct', 'reconstruct'],
  ['numpy.core.numeric._frombuffer', 'frombuffer'],
  ['numpy._core.numeric._frombuffer', 'frombuffer'],
  ['_codecs.encode', 'encode'],
  ...BOOSTER_GLOBALS,
]);

export function supportedEstimators(): string {
  return [...new Set(Object.values(ESTIMATOR_CLASSES))].join(', ');
}

/** Resolves a global against the allow-list, or throws naming it. Nothing is imported or looked up. */
export function resolveGlobal(module: string, name: string): PyGlobal {
  const key = `${module}.${name}`;
  const role = ALLOWED.get(key);
  if (role !== undefined) return new PyGlobal(module, name, role);
  if (module === 'sklearn' || module.startsWith('sklearn.')) {
    throw new UnsupportedModelError(
      `unsupported scikit-learn class ${key}: lambda-ml reads ${supportedEstimators()} ` +
        '(module layout of scikit-learn 0.22-1.2, verified with 1.2.1)',
      { context: { global: key } },
    );
  }
  if (isBoosterModule(module)) {
    throw new UnsupportedModelError(
      `unsupported class ${key}: lambda-ml reads the wrappers ${Object.values(BOOSTER_WRAPPERS).join(', ')}`,
      { context: { global: key } },
    );
  }
  throw new UnsafePickleError(
    `refused pickle global ${key}: it is not on lambda-ml's allow-list of scikit-learn/numpy/joblib/XGBoost/LightGBM names ` +
      '(nothing was executed)',
    { context: { global: key } },
  );
}
