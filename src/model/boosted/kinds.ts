// Artifact kinds of boosted models read from XGBoost and LightGBM files: validation of the estimator
// section and the Predictor factory, for the model area's kind dispatch.
import { ArtifactError } from '../errors.js';
import type { ModelArtifact, Task } from '../types.js';
import type { BoostedPredictor } from './boosted.js';
import type { BoostedOptions } from './kernel.js';
import { validateLightGBMEstimator } from './lightgbm-model.js';
import { createLightGBMPredictor } from './lightgbm-predictor.js';
import { validateXGBoostEstimator } from './xgboost-model.js';
import { isClassification } from './xgboost-objectives.js';
import { createXGBoostPredictor } from './xgboost-predictor.js';

interface BoostedKindHandler {
  readonly task: Task;
  validate(artifact: ModelArtifact): void;
  createPredictor(artifact: ModelArtifact, options?: BoostedOptions): BoostedPredictor;
}

function checkClasses(a: ModelArtifact, classifier: boolean): void {
  if ((a.classes === null) === classifier) {
    throw new ArtifactError(`${a.kind} artifact ${classifier ? 'needs' : 'must not have'} classes`);
  }
}

export function xgboostKind(kind: 'XGBClassifier' | 'XGBRegressor'): BoostedKindHandler {
  const classifier = kind === 'XGBClassifier';
  const validate = (a: ModelArtifact) => {
    checkClasses(a, classifier);
    const e = validateXGBoostEstimator(a.estimator, a.nFeatures);
    if (classifier && !isClassification(e.objective))
      throw new ArtifactError(`${kind} artifact has the regression objective ${e.objective}`);
    const outputs = e.objective.startsWith('multi:') ? e.nGroups : 2;
    if (classifier && a.classes?.length !== outputs)
      throw new ArtifactError(
        `${kind} artifact has ${a.classes?.length} classes; ${e.objective} needs ${outputs}`,
      );
    if (!classifier && e.nGroups !== 1)
      throw new ArtifactError(`${kind} artifact has ${e.nGroups} output groups`);
    return e;
  };
  return {
    task: classifier ? 'classification' : 'regression',
    validate: (a) => {
      validate(a);
    },
    createPredictor: (a, options) =>
      createXGBoostPredictor(
        { kind, nFeatures: a.nFeatures, classes: a.classes, estimator: validate(a) },
        options,
      ),
  };
}

export function lightgbmKind(kind: 'LGBMClassifier' | 'LGBMRegressor'): BoostedKindHandler {
  const classifier = kind === 'LGBMClassifier';
  const validate = (a: ModelArtifact) => {
    checkClasses(a, classifier);
    const e = validateLightGBMEstimator(a.estimator, a.nFeatures);
    const classifierObjective = ['binary', 'multiclass', 'multiclassova'].includes(e.objective);
    if (classifier !== classifierObjective)
      throw new ArtifactError(`${kind} artifact has the objective ${e.objective}`);
    const outputs = e.objective === 'binary' ? 2 : e.treesPerIteration;
    if (classifier && a.classes?.length !== outputs)
      throw new ArtifactError(
        `${kind} artifact has ${a.classes?.length} classes; ${e.objective} gives ${outputs}`,
      );
    if (!classifier && e.treesPerIteration !== 1)
      throw new ArtifactError(`${kind} artifact has ${e.treesPerIteration} trees per iteration`);
    return e;
  };
  return {
    task: classifier ? 'classification' : 'regression',
    validate: (a) => {
      validate(a);
    },
    createPredictor: (a, options) =>
      createLightGBMPredictor(
        { kind, nFeatures: a.nFeatures, classes: a.classes, estimator: validate(a) },
        options,
      ),
  };
}

/**
 * The predictor of an XGBoost or LightGBM artifact with explicit options (tests and benchmarks compare
 * the kernel with the JavaScript walk this way; `createPredictor` of the artifact takes the defaults).
 */
export function createBoostedPredictor(a: ModelArtifact, options: BoostedOptions): BoostedPredictor {
  if (a.kind === 'XGBClassifier' || a.kind === 'XGBRegressor')
    return xgboostKind(a.kind).createPredictor(a, options);
  if (a.kind === 'LGBMClassifier' || a.kind === 'LGBMRegressor')
    return lightgbmKind(a.kind).createPredictor(a, options);
  throw new ArtifactError(`${a.kind} is not an XGBoost or LightGBM model`);
}
