// The shapes every model path shares: the Predictor interface, the flat tree layout and the artifact envelope.
// A forest trained here and one read from a joblib file both end up as these types, so one prediction
// suite covers both.
import type { NumberArray } from './number-array.js';

/** A class label as scikit-learn stores it in `classes_`: integers, floats or strings. */
export type ClassLabel = number | string;

/** Estimators lambda-ml can train (the first four) or read from scikit-learn, XGBoost and LightGBM files. */
export type ModelKind =
  | 'DecisionTreeClassifier'
  | 'DecisionTreeRegressor'
  | 'RandomForestClassifier'
  | 'RandomForestRegressor'
  | 'ExtraTreesClassifier'
  | 'ExtraTreesRegressor'
  | 'GradientBoostingClassifier'
  | 'GradientBoostingRegressor'
  | 'LogisticRegression'
  | 'XGBClassifier'
  | 'XGBRegressor'
  | 'LGBMClassifier'
  | 'LGBMRegressor'
  | 'HistGradientBoostingClassifier'
  | 'HistGradientBoostingRegressor'
  | 'LinearRegression'
  | 'Ridge'
  | 'Lasso'
  | 'ElasticNet'
  | 'SGDClassifier'
  | 'SGDRegressor'
  | 'LinearSVC'
  | 'LinearSVR'
  /** Transforms then an estimator (scikit-learn's Pipeline, ColumnTransformer and preprocessing). */
  | 'Pipeline';

export type Task = 'classification' | 'regression';

/**
 * One input value as a predictor receives it, after the request layer checked it against the schema:
 * a number for a `number` feature (NaN = missing, only when the schema accepts missing values), a
 * string or number for a `category` feature (NaN = missing).
 */
export type FeatureValue = number | string;

/**
 * `number`: any finite float; `category`: one of a known set of values (strings or numbers);
 * `ignored`: a column the model requires but never uses (a ColumnTransformer drops it): any value.
 */
export type FeatureKind = 'number' | 'category' | 'ignored';

/** One input column, as `lambda-ml describe` prints it and the handler's schema request answers it. */
export interface FeatureSpec {
  /** The column's name (`feature_names_in_`, XGBoost/LightGBM feature names); null when the model knows none. */
  readonly name: string | null;
  readonly kind: FeatureKind;
  /**
   * The known values of a `category` feature, in the model's order (absent for `number`). Their type
   * is the type a request must send: strings for string categories, numbers for numeric codes.
   */
  readonly categories?: readonly (string | number)[];
  /** Overrides `InputSchema.acceptsMissing` for this column (a pipeline imputes some columns, not others). */
  readonly acceptsMissing?: boolean;
  /**
   * For a `category` feature: false when a value outside `categories` is an error for the model
   * (OneHotEncoder `handle_unknown='error'`), so the request layer answers 400 naming it. Default true
   * (the model maps unknown values somewhere: all-zero columns, an infrequent column, the missing side).
   */
  readonly acceptsUnknown?: boolean;
}

/** What a model expects: its columns in order, and whether a missing value (null / NaN) is accepted. */
export interface InputSchema {
  readonly features: readonly FeatureSpec[];
  /**
   * True when the model routes missing values itself (null in a request becomes NaN); else null is a
   * 400. A feature's own `acceptsMissing` wins over this default.
   */
  readonly acceptsMissing: boolean;
  /**
   * True when the model casts every numeric input to float32 before it compares anything (scikit-learn's
   * tree models: `check_array(X, dtype=np.float32)`; XGBoost's DMatrix): a number beyond float32's range
   * (|x| > 3.4028234663852886e38 after rounding) is then refused as a bad request naming the field,
   * which is where scikit-learn raises "Input X contains infinity or a value too large for
   * dtype('float32')". Models that work in float64 (linear, HistGradientBoosting, LightGBM) leave it unset.
   */
  readonly float32?: boolean;
}

/** Whether feature `f` of `schema` takes a missing value (null in a request, NaN in a row). */
export function featureAcceptsMissing(schema: InputSchema, f: FeatureSpec): boolean {
  return f.acceptsMissing ?? schema.acceptsMissing;
}

/** Names every feature of `schema`, or null when some feature has no name (then rows are arrays only). */
export function featureNames(schema: InputSchema): string[] | null {
  const names: string[] = [];
  for (const f of schema.features) {
    if (f.name === null) return null;
    names.push(f.name);
  }
  return names;
}

/** `schema` with its features named `names` (one per feature, in order). */
export function nameFeatures(schema: InputSchema, names: readonly string[]): InputSchema {
  return { ...schema, features: schema.features.map((f, j) => ({ ...f, name: names[j] ?? f.name })) };
}

/** The schema of a model that knows no names or categories: n unnamed numeric columns. */
export function positionalSchema(nFeatures: number, acceptsMissing = false): InputSchema {
  return {
    features: Array.from({ length: nFeatures }, () => ({ name: null, kind: 'number' as const })),
    acceptsMissing,
  };
}

/**
 * What serving code needs from any model. Rows hold one FeatureValue per schema column, already
 * validated; each model applies its library's own input conversion (scikit-learn trees cast to
 * float32, linear models keep float64, XGBoost works in float32).
 */
export interface Predictor {
  readonly kind: ModelKind;
  readonly task: Task;
  /** `schema.features.length`. */
  readonly nFeatures: number;
  readonly schema: InputSchema;
  /** `classes_` in the library's order; null for regressors. */
  readonly classes: readonly ClassLabel[] | null;
  /** One row -> a class label (classifiers) or a value (regressors). */
  predict(row: ArrayLike<FeatureValue>): ClassLabel;
  /** One row -> class probabilities in `classes` order. Throws for regressors. */
  predictProba(row: ArrayLike<FeatureValue>): Float64Array;
  /**
   * False for a classifier without `predict_proba` (LinearSVC, SGDClassifier with hinge loss); absent
   * means "classifiers have probabilities, regressors do not".
   */
  readonly hasProbabilities?: boolean;
  /** The steps behind the prediction, e.g. ['ColumnTransformer', 'RandomForestClassifier'], for describe. */
  readonly steps?: readonly string[];
  /**
   * Optional fast path for many rows; call it through `predictBatch()` (batch.ts), which loops over
   * predict/predictProba for predictors without one. `rows` holds `nRows` validated rows back to back
   * (nRows × nFeatures values). The numbers are exactly those of the one-row methods.
   */
  predictBatch?(rows: ArrayLike<FeatureValue>, nRows: number, probabilities: boolean): BatchPrediction;
  /**
   * The raw scores behind a prediction where the model has them: scikit-learn's `decision_function`
   * (linear models, GradientBoosting) or `_raw_predict` (HistGradientBoosting), one value per column.
   */
  readonly decisionFunction?: (row: ArrayLike<FeatureValue>) => Float64Array;
  /** A pipeline's preprocessing alone: the row its final estimator receives (for parity tests and debugging). */
  readonly transform?: (row: ArrayLike<FeatureValue>) => FeatureValue[];
}

/** The answer of `predictBatch` for nRows rows. */
export interface BatchPrediction {
  /** One class label (classifiers) or value (regressors) per row. */
  readonly predictions: ClassLabel[];
  /** When asked for (models with probabilities only): nRows × classes.length probabilities, row after row. */
  readonly probabilities: Float64Array | null;
}

/** Whether `predictProba` answers for this model. */
export function predictsProbabilities(p: Predictor): boolean {
  return p.hasProbabilities ?? p.task === 'classification';
}

/**
 * One fitted scikit-learn `Tree` in a flat (struct-of-arrays) layout, with scikit-learn's own field
 * meanings: node ids in pre-order (left subtree first), leaves have children -1, feature -2,
 * threshold -2. Only single-output trees are supported. Arrays are plain (trained here, JSON files) or
 * typed (views of a binary file).
 */
export interface FlatTree {
  readonly nodeCount: number;
  /** Depth reached (`tree_.max_depth`). */
  readonly maxDepth: number;
  readonly childrenLeft: NumberArray;
  readonly childrenRight: NumberArray;
  readonly feature: NumberArray;
  readonly threshold: NumberArray;
  readonly impurity: NumberArray;
  readonly nNodeSamples: NumberArray;
  readonly weightedNNodeSamples: NumberArray;
  /**
   * `tree_.value` flattened row-major: node i occupies `value[i * nValues .. (i + 1) * nValues)`,
   * where nValues = number of classes (classifier trees: weighted class counts in scikit-learn 1.2,
   * proportions from 1.4) or 1 (regressor trees: the node's mean).
   */
  readonly value: NumberArray;
  /**
   * scikit-learn >= 1.3 nodes: 1 when a missing value (NaN) goes to the left child, else 0. Present only
   * when the model takes missing values (formatVersion 2); without it NaN is refused before prediction.
   */
  readonly missingGoToLeft?: NumberArray;
}

export const ARTIFACT_FORMAT = 'lambda-ml-model';

/** Where a model came from: a training config run here, or a scikit-learn/XGBoost/LightGBM file that was converted. */
export type Provenance =
  | { readonly source: 'train'; readonly config: unknown }
  | {
      readonly source: 'sklearn';
      readonly file: string;
      readonly sha256: string;
      readonly sklearnVersion: string | null;
    }
  | {
      readonly source: 'xgboost' | 'lightgbm';
      readonly file: string;
      readonly sha256: string;
      /** The library version recorded in the file (XGBoost's `version`, LightGBM's `version=v4`). */
      readonly libraryVersion: string | null;
    };

/**
 * What a kind handler reads: a model's kind, width, classes and kind-specific `estimator` payload. The
 * artifact carries one at its top level; a Pipeline's payload carries its final estimator as one.
 */
export interface EstimatorNode<E = unknown> {
  readonly kind: ModelKind;
  readonly nFeatures: number;
  readonly classes: readonly ClassLabel[] | null;
  readonly estimator: E;
}

/** The versioned JSON model file. `estimator` is kind-specific. */
export interface ModelArtifact<E = unknown> extends EstimatorNode<E> {
  readonly format: typeof ARTIFACT_FORMAT;
  readonly formatVersion: number;
  readonly generatedBy: string;
  readonly provenance: Provenance;
  /** sha256 (hex) of the training data (X then y, as float64 little-endian), null for converted models. */
  readonly dataSha256: string | null;
  /**
   * The input columns' names (a CSV header when trained here, scikit-learn's `feature_names_in_` when
   * converted): rows may then be objects by name. Absent (or null) when the model knows none; written
   * only when present, so older files keep their bytes.
   */
  readonly featureNames?: readonly string[] | null;
}
