// The one place that maps an artifact's `kind` to its estimator validator and Predictor factory.
// New model kinds (gradient boosting, logistic regression) add one entry to KINDS.
import { lightgbmKind, xgboostKind } from './boosted/kinds.js';
import { ArtifactError } from './errors.js';
import { gradientBoostingKind } from './gradient-boosting.js';
import { logisticRegressionKind } from './logistic-regression.js';
import { createTreeEnsemblePredictor } from './tree-ensemble.js';
import { validateTreeEstimator } from './tree-validate.js';
import type { ModelArtifact, ModelKind, Predictor, Task } from './types.js';

export interface KindHandler {
  readonly task: Task;
  /** Throws ArtifactError if `artifact.estimator` is not a valid payload for this kind. */
  validate(artifact: ModelArtifact): void;
  createPredictor(artifact: ModelArtifact): Predictor;
}

/** The estimator payload of tree kinds: scikit-learn's fitted trees in the flat layout. */
export interface TreeEstimator {
  readonly trees: import('./types.js').FlatTree[];
}

function treeKind(kind: ModelKind, task: Task, aggregation: 'mean' | 'single'): KindHandler {
  return {
    task,
    validate: (a) => validateTreeEstimator(a, task, aggregation === 'single'),
    createPredictor: (a) =>
      createTreeEnsemblePredictor({
        kind,
        task,
        nFeatures: a.nFeatures,
        classes: a.classes,
        trees: (a.estimator as TreeEstimator).trees,
        aggregation,
      }),
  };
}

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
};

export function kindHandler(kind: unknown): KindHandler {
  const h = typeof kind === 'string' ? KINDS[kind as ModelKind] : undefined;
  if (!h) {
    throw new ArtifactError(
      `unknown model kind ${JSON.stringify(kind)}; this lambda-ml reads: ${Object.keys(KINDS).join(', ')}`,
    );
  }
  return h;
}
