// The scikit-learn (and numpy) names lambda-ml knows, by what the reader does with them: estimators and
// transforms it turns into models, inert parts of them, and REDUCE callables it records without calling.

/** Estimators (a file's root or a pipeline's last step): qualified name -> class name. */
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
  'sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier':
    'HistGradientBoostingClassifier',
  'sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingRegressor':
    'HistGradientBoostingRegressor',
  'sklearn.linear_model._logistic.LogisticRegression': 'LogisticRegression',
  'sklearn.linear_model._base.LinearRegression': 'LinearRegression',
  'sklearn.linear_model._ridge.Ridge': 'Ridge',
  'sklearn.linear_model._coordinate_descent.Lasso': 'Lasso',
  'sklearn.linear_model._coordinate_descent.ElasticNet': 'ElasticNet',
  'sklearn.linear_model._stochastic_gradient.SGDClassifier': 'SGDClassifier',
  'sklearn.linear_model._stochastic_gradient.SGDRegressor': 'SGDRegressor',
  'sklearn.svm._classes.LinearSVC': 'LinearSVC',
  'sklearn.svm._classes.LinearSVR': 'LinearSVR',
  'sklearn.pipeline.Pipeline': 'Pipeline',
};

/** Preprocessing steps (inside a Pipeline or a ColumnTransformer). */
export const TRANSFORM_CLASSES: Readonly<Record<string, string>> = {
  'sklearn.compose._column_transformer.ColumnTransformer': 'ColumnTransformer',
  'sklearn.preprocessing._data.StandardScaler': 'StandardScaler',
  'sklearn.preprocessing._data.MinMaxScaler': 'MinMaxScaler',
  'sklearn.preprocessing._data.MaxAbsScaler': 'MaxAbsScaler',
  'sklearn.preprocessing._data.RobustScaler': 'RobustScaler',
  'sklearn.preprocessing._encoders.OneHotEncoder': 'OneHotEncoder',
  'sklearn.preprocessing._encoders.OrdinalEncoder': 'OrdinalEncoder',
  'sklearn.impute._base.SimpleImputer': 'SimpleImputer',
  // Only without a function (identity: ColumnTransformer's passthrough, HistGradientBoosting's check_array).
  'sklearn.preprocessing._function_transformer.FunctionTransformer': 'FunctionTransformer',
};

const LOSSES = [
  'HalfSquaredError',
  'AbsoluteError',
  'PinballLoss',
  'HuberLoss',
  'HalfPoissonLoss',
  'HalfGammaLoss',
  'HalfTweedieLoss',
  'HalfTweedieLossIdentity',
  'HalfBinomialLoss',
  'ExponentialLoss',
  'HalfMultinomialLoss',
];

/** Parts of estimators, built as inert records (their Python methods never run). */
export const PART_CLASSES: readonly string[] = [
  'sklearn.ensemble._gb_losses.BinomialDeviance',
  'sklearn.ensemble._gb_losses.MultinomialDeviance',
  'sklearn.ensemble._gb_losses.LeastSquaresError',
  'sklearn.ensemble._gb_losses.LeastAbsoluteError',
  'sklearn.ensemble._gb_losses.HuberLossFunction',
  'sklearn.ensemble._gb_losses.QuantileLossFunction',
  'sklearn.dummy.DummyClassifier',
  'sklearn.dummy.DummyRegressor',
  'sklearn.impute._base.MissingIndicator',
  'sklearn.compose._column_transformer.make_column_selector',
  'sklearn.compose._column_transformer._RemainderColsList',
  'sklearn.preprocessing._label.LabelEncoder',
  'sklearn.ensemble._hist_gradient_boosting.binning._BinMapper',
  'sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor',
  ...LOSSES.map((l) => `sklearn._loss.loss.${l}`),
  ...['IdentityLink', 'LogLink', 'LogitLink', 'HalfLogitLink', 'MultinomialLogit', 'Interval'].map(
    (l) => `sklearn._loss.link.${l}`,
  ),
];

const CY_LOSSES = LOSSES.map((l) => `Cy${l}`);
/** SGD's loss objects (sklearn.linear_model._sgd_fast), Cython classes pickled by REDUCE. */
const SGD_LOSSES = [
  'Hinge',
  'SquaredHinge',
  'ModifiedHuber',
  'Log',
  'SquaredLoss',
  'Huber',
  'EpsilonInsensitive',
  'SquaredEpsilonInsensitive',
  'CyHalfBinomialLoss',
  'CyHalfMultinomialLoss',
  'CyHalfSquaredError',
  'CyHuberLoss',
];

/** REDUCE callables whose call is recorded, never made: Cython objects' constructors, slice, partial, RNG state. */
export const RECORD_GLOBALS: readonly string[] = [
  // scikit-learn 1.5-1.7 wheels name this Cython module `_loss` rather than `sklearn._loss._loss`.
  ...CY_LOSSES.flatMap((c) =>
    ['sklearn._loss._loss', '_loss'].flatMap((m) => [`${m}.${c}`, `${m}.__pyx_unpickle_${c}`]),
  ),
  ...SGD_LOSSES.flatMap((c) => [
    `sklearn.linear_model._sgd_fast.${c}`,
    `sklearn.linear_model._sgd_fast.__pyx_unpickle_${c}`,
  ]),
  'builtins.slice',
  'functools.partial',
  'numpy.random._pickle.__generator_ctor',
  'numpy.random.bit_generator.__pyx_unpickle_SeedSequence',
];

/** Names that may only appear as data (a dtype parameter, a bit generator class, partial's function). */
export const TYPE_GLOBALS: readonly string[] = [
  'numpy.float64',
  'numpy.float32',
  'numpy.int64',
  'numpy.int32',
  'numpy.uint8',
  'numpy.bool_',
  'builtins.float',
  'builtins.int',
  'builtins.object',
  'numpy.random._pcg64.PCG64',
  'numpy.random._mt19937.MT19937',
  'numpy.random._philox.Philox',
  'numpy.random._sfc64.SFC64',
  'numpy.random.bit_generator.SeedSequence',
  // Only ever accepted as functools.partial(check_array, ...) in HistGradientBoosting's preprocessor.
  'sklearn.utils.validation.check_array',
];

/** Every class a file may hold, for "lambda-ml reads ..." messages. */
export function supportedClasses(): string {
  const names = new Set([...Object.values(ESTIMATOR_CLASSES), ...Object.values(TRANSFORM_CLASSES)]);
  names.delete('FunctionTransformer');
  return `${[...names].join(', ')} (and FunctionTransformer without a function)`;
}
