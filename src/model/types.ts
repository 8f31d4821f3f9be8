// The shapes every model path shares: the Predictor interface, the flat tree layout and the artifact envelope.
// A forest trained here and one read from a joblib file both end up as these types, so one prediction
// suite covers both.

/** A class label as scikit-learn stores it in `classes_`: integers, floats or strings. */
export type ClassLabel = number | string;

/** Estimators lambda-ml can train (the first four) or read from scikit-learn files (all of them). */
export type ModelKind =
  | 'DecisionTreeClassifier'
  | 'DecisionTreeRegressor'
  | 'RandomForestClassifier'
  | 'RandomForestRegressor'
  | 'ExtraTreesClassifier'
  | 'ExtraTreesRegressor'
  | 'GradientBoostingClassifier'
  | 'GradientBoostingRegressor'
  | 'LogisticRegression';

export type Task = 'classification' | 'regression';

/**
 * What serving code needs from any model. Rows are plain numbers (float64); each model applies
 * scikit-learn's own input conversion (trees cast to float32, linear models keep float64).
 */
export interface Predictor {
  readonly kind: ModelKind;
  readonly task: Task;
  readonly nFeatures: number;
  /** `classes_` in scikit-learn's order; null for regressors. */
  readonly classes: readonly ClassLabel[] | null;
  /** One row -> a class label (classifiers) or a value (regressors). */
  predict(row: ArrayLike<number>): ClassLabel;
  /** One row -> class probabilities in `classes` order. Throws for regressors. */
  predictProba(row: ArrayLike<number>): Float64Array;
}

/**
 * One fitted scikit-learn `Tree` in a flat (struct-of-arrays) layout, with scikit-learn's own field
 * meanings: node ids in pre-order (left subtree first), leaves have children -1, feature -2,
 * threshold -2. Only single-output trees are supported.
 */
export interface FlatTree {
  readonly nodeCount: number;
  /** Depth reached (`tree_.max_depth`). */
  readonly maxDepth: number;
  readonly childrenLeft: readonly number[];
  readonly childrenRight: readonly number[];
  readonly feature: readonly number[];
  readonly threshold: readonly number[];
  readonly impurity: readonly number[];
  readonly nNodeSamples: readonly number[];
  readonly weightedNNodeSamples: readonly number[];
  /**
   * `tree_.value` flattened row-major: node i occupies `value[i * nValues .. (i + 1) * nValues)`,
   * where nValues = number of classes (classifier trees: weighted class counts in scikit-learn 1.2,
   * proportions from 1.4) or 1 (regressor trees: the node's mean).
   */
  readonly value: readonly number[];
}

export const ARTIFACT_FORMAT = 'lambda-ml-model';

/** Where a model came from: a training config run here, or a scikit-learn file that was converted. */
export type Provenance =
  | { readonly source: 'train'; readonly config: unknown }
  | {
      readonly source: 'sklearn';
      readonly file: string;
      readonly sha256: string;
      readonly sklearnVersion: string | null;
    };

/** The versioned JSON model file. `estimator` is kind-specific. */
export interface ModelArtifact<E = unknown> {
  readonly format: typeof ARTIFACT_FORMAT;
  readonly formatVersion: number;
  readonly kind: ModelKind;
  readonly generatedBy: string;
  readonly provenance: Provenance;
  /** sha256 (hex) of the training data (X then y, as float64 little-endian), null for converted models. */
  readonly dataSha256: string | null;
  readonly nFeatures: number;
  readonly classes: readonly ClassLabel[] | null;
  readonly estimator: E;
}
