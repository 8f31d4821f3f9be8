// The one place that maps a model `kind` to its estimator validator and Predictor factory. A kind reads an
// EstimatorNode (an artifact's top level, or a Pipeline's final step), so new kinds (XGBoost, LightGBM...)
// plug in here with one entry and need no new artifact format version.
import { lightgbmKind, xgboostKind } from './boosted/kinds.js';
import { ArtifactError } from './errors.js';
import { gradientBoostingKind } from './gradient-boosting.js';
import { hgbKind } from './hist-gradient-boosting.js';
import { linearKind } from './linear.js';
import { logisticRegressionKind } from './logistic-regression.js';
import { createPipelinePredictor } from './pipeline.js';
import { createTreeEnsemblePredictor } from './tree-ensemble.js';
import { validateTreeEstimator } from './tree-validate.js';
import type { EstimatorNode, FlatTree, ModelKind, Predictor, Task } from './types.js';

export interface KindHandler {
  /** The task every model of this kind has; null when it depends on the model (a Pipeline). */
  readonly task: Task | null;
  /** Throws ArtifactError if `node.estimator` is not a valid payload for this kind. */
  validate(node: EstimatorNode): void;
  createPredictor(node: EstimatorNode): Predictor;
  /** Set for the scikit-learn tree kinds (single trees and forests), whose big models store a predictor image. */
  readonly treeEnsemble?: { readonly task: Task; readonly aggregation: 'mean' | 'single' };
}

/** The estimator payload of tree kinds: scikit-learn's fitted trees in the flat layout. */
export interface TreeEstimator {
  readonly trees: FlatTree[];
  /** scikit-learn >= 1.3/1.4 trees that take NaN at predict time (formatVersion 2). */
  readonly missingValues?: boolean;
  /**
   * scikit-learn >= 1.4 classifier trees: `value` holds class proportions and predict_proba returns them
   * as stored (earlier versions divide counts by their sum). formatVersion 2.
   */
  readonly probabilitiesAsStored?: boolean;
}

function treeKind(kind: ModelKind, task: Task, aggregation: 'mean' | 'single'): KindHandler {
  return {
    task,
    treeEnsemble: { task, aggregation },
    validate: (a) => validateTreeEstimator(a, task, aggregation === 'single'),
    createPredictor: (a) =>
      createTreeEnsemblePredictor({
        kind,
        task,
        nFeatures: a.nFeatures,
        classes: a.classes,
        trees: (a.estimator as TreeEstimator).trees,
        aggregation,
        missingValues: (a.estimator as TreeEstimator).missingValues === true,
        probabilitiesAsStored: (a.estimator as TreeEstimator).probabilitiesAsStored === true,
      }),
  };
}

/** A pipeline's final estimator: validated and built by its own kind's handler. */
function finalEstimator(node: EstimatorNode, where: string): Predictor {
  try {
    const h = kindHandler(node?.kind);
    h.validate(node);
    if (h.task !== null && (node.classes === null) !== (h.task === 'regression'))
      throw new ArtifactError(`a ${node.kind} ${h.task === 'regression' ? 'has no' : 'needs'} classes`);
    return h.createPredictor(node);
  } catch (error) {
    if (error instanceof ArtifactError)
      throw new ArtifactError(`${where}: ${error.message}`, { cause: error });
    throw error;
  }
}

const pipelineKind: KindHandler = {
  task: null,
  validate: (a) => {
    createPipelinePredictor(a, finalEstimator);
  },
  createPredictor: (a) => createPipelinePredictor(a, finalEstimator),
};

export const KINDS: Partial<Record<ModelKind, KindHandler>> = {
  DecisionTreeClassifier: treeKind('DecisionTreeClassifier', 'classification', 'single'),
  DecisionTreeRegressor: treeKind('DecisionTreeRegressor', 'regression', 'single'),
  RandomForestClassifier: treeKind('RandomForestClassifier', 'classification', 'mean'),
  RandomForestRegressor: treeKind('RandomForestRegressor', 'regression', 'mean'),
  ExtraTreesClassifier: treeKind('ExtraTreesClassifier', 'classification', 'mean'),
  ExtraTreesRegressor: treeKind('ExtraTreesRegressor', 'regression', 'mean'),
  GradientBoostingClassifier: gradientBoostingKind('GradientBoostingClassifier'),
  GradientBoostingRegressor: gradientBoostingKind('GradientBoostingRegressor'),
  LogisticRegression: logisticRegressionKind,
  XGBClassifier: xgboostKind('XGBClassifier'),
  XGBRegressor: xgboostKind('XGBRegressor'),
  LGBMClassifier: lightgbmKind('LGBMClassifier'),
  LGBMRegressor: lightgbmKind('LGBMRegressor'),
  HistGradientBoostingClassifier: hgbKind('HistGradientBoostingClassifier'),
  HistGradientBoostingRegressor: hgbKind('HistGradientBoostingRegressor'),
  LinearRegression: linearKind('LinearRegression'),
  Ridge: linearKind('Ridge'),
  Lasso: linearKind('Lasso'),
  ElasticNet: linearKind('ElasticNet'),
  SGDRegressor: linearKind('SGDRegressor'),
  LinearSVR: linearKind('LinearSVR'),
  SGDClassifier: linearKind('SGDClassifier'),
  LinearSVC: linearKind('LinearSVC'),
  Pipeline: pipelineKind,
};

/** The kinds formatVersion 1 artifacts may hold (the rest need formatVersion 2). */
export const V1_KINDS: readonly ModelKind[] = [
  'DecisionTreeClassifier',
  'DecisionTreeRegressor',
  'RandomForestClassifier',
  'RandomForestRegressor',
  'ExtraTreesClassifier',
  'ExtraTreesRegressor',
  'GradientBoostingClassifier',
  'GradientBoostingRegressor',
  'LogisticRegression',
];

export function kindHandler(kind: unknown): KindHandler {
  const h = typeof kind === 'string' && Object.hasOwn(KINDS, kind) ? KINDS[kind as ModelKind] : undefined;
  if (!h) {
    throw new ArtifactError(
      `unknown model kind ${JSON.stringify(kind)}; this lambda-ml reads: ${Object.keys(KINDS).join(', ')}`,
    );
  }
  return h;
}
