// Reads any supported estimator record (a file's root, or a pipeline's last step) into an EstimatorNode:
// the kind, width, classes and kind-specific payload the model area's kind table turns into a Predictor.
import type { EstimatorNode, ModelKind } from '../model/types.js';
import { UnsupportedModelError } from './errors.js';
import { readBoosting } from './read-boosting.js';
import { readPipeline } from './read-compose.js';
import { atLeast, type ReadContext } from './read-context.js';
import { readHgb } from './read-hgb.js';
import { readLinear, readLogisticRegression } from './read-linear.js';
import { readForest, readSingleTree, type TreeModel } from './read-trees.js';
import { ESTIMATOR_CLASSES, supportedClasses, TRANSFORM_CLASSES } from './sklearn-classes.js';
import { EstimatorState } from './state.js';
import { PyObject, type PyValue, typeName } from './values.js';

/** Trees: scikit-learn >= 1.4 classifiers' leaf proportions are used as stored (no normalisation). */
function treeNode(kind: ModelKind, m: TreeModel, ctx: ReadContext): EstimatorNode {
  const estimator = {
    trees: m.trees,
    ...(m.missingValues ? { missingValues: true } : {}),
    ...(m.classes !== null && atLeast(ctx, 1, 4) ? { probabilitiesAsStored: true } : {}),
  };
  return { kind, nFeatures: m.nFeatures, classes: m.classes, estimator };
}

export function readEstimator(obj: PyValue, path: string, ctx: ReadContext): EstimatorNode {
  if (!(obj instanceof PyObject) || ESTIMATOR_CLASSES[obj.cls.qualified] === undefined) {
    const what = obj instanceof PyObject ? obj.cls.qualified : typeName(obj);
    const hint =
      obj instanceof PyObject && TRANSFORM_CLASSES[obj.cls.qualified]
        ? ' (a preprocessing step: it predicts nothing)'
        : '';
    throw new UnsupportedModelError(
      `${path} is ${what}${hint}, not a supported estimator; lambda-ml reads ${supportedClasses()}`,
    );
  }
  if (obj.cls.name === 'Pipeline') return readPipeline(obj, path, ctx);
  const s = new EstimatorState(obj, path);
  const name = s.name;
  const classifier = name.endsWith('Classifier') || name === 'LogisticRegression' || name === 'LinearSVC';
  switch (name) {
    case 'DecisionTreeClassifier':
    case 'ExtraTreeClassifier':
      return treeNode('DecisionTreeClassifier', readSingleTree(s, true, ctx), ctx);
    case 'DecisionTreeRegressor':
    case 'ExtraTreeRegressor':
      return treeNode('DecisionTreeRegressor', readSingleTree(s, false, ctx), ctx);
    case 'RandomForestClassifier':
    case 'ExtraTreesClassifier':
    case 'RandomForestRegressor':
    case 'ExtraTreesRegressor':
      return treeNode(name, readForest(s, classifier, ctx), ctx);
    case 'GradientBoostingClassifier':
    case 'GradientBoostingRegressor':
      return { kind: name, ...readBoosting(s, classifier, ctx) };
    case 'HistGradientBoostingClassifier':
    case 'HistGradientBoostingRegressor':
      return readHgb(s, classifier, ctx);
    case 'LogisticRegression':
      return { kind: name, ...readLogisticRegression(s) };
    case 'LinearRegression':
    case 'Ridge':
    case 'Lasso':
    case 'ElasticNet':
    case 'SGDRegressor':
    case 'LinearSVR':
    case 'SGDClassifier':
    case 'LinearSVC':
      return { kind: name, ...readLinear(s, classifier) };
    default:
      throw new UnsupportedModelError(
        `${obj.cls.qualified} is not supported; lambda-ml reads ${supportedClasses()}`,
      );
  }
}
