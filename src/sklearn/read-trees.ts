// Reads fitted DecisionTree*, ExtraTree* and RandomForest*/ExtraTrees* estimators into flat trees.
import type { ClassLabel, FlatTree } from '../model/types.js';
import { UnsupportedModelError } from './errors.js';
import { EstimatorState, labels } from './state.js';
import { readTree } from './tree-state.js';
import { PyObject, typeName } from './values.js';

export interface TreeModel {
  readonly nFeatures: number;
  readonly classes: readonly ClassLabel[] | null;
  readonly trees: FlatTree[];
}

const CLASSIFIER_TREES = new Set(['DecisionTreeClassifier', 'ExtraTreeClassifier']);
const REGRESSOR_TREES = new Set(['DecisionTreeRegressor', 'ExtraTreeRegressor']);

function singleOutput(s: EstimatorState): void {
  const n = s.int('n_outputs_');
  if (n !== 1)
    throw new UnsupportedModelError(`${s.path} has ${n} outputs; only single-output models are supported`);
}

/** One fitted tree estimator; `nClasses` is checked against the tree's value width for classifiers. */
export function readTreeEstimator(
  obj: PyObject,
  path: string,
  classifier: boolean,
  nFeatures: number,
): FlatTree {
  const s = new EstimatorState(obj, path);
  const expected = classifier ? CLASSIFIER_TREES : REGRESSOR_TREES;
  if (!expected.has(s.name)) {
    throw new UnsupportedModelError(
      `${path} is a ${obj.cls.qualified}, expected one of ${[...expected].join(', ')}`,
    );
  }
  singleOutput(s);
  const info = readTree(s.raw('tree_'), `${path}.tree_`);
  if (info.nFeatures !== nFeatures) {
    throw new UnsupportedModelError(
      `${path}.tree_ has ${info.nFeatures} features, the model has ${nFeatures}`,
    );
  }
  if (classifier && info.nValues !== s.int('n_classes_')) {
    throw new UnsupportedModelError(
      `${path}.tree_ has ${info.nValues} values per node for ${s.int('n_classes_')} classes`,
    );
  }
  if (!classifier && info.nValues !== 1)
    throw new UnsupportedModelError(`${path}.tree_ has ${info.nValues} values per node`);
  return info.tree;
}

/** A single DecisionTree or ExtraTree estimator at the top of the file. */
export function readSingleTree(s: EstimatorState, classifier: boolean): TreeModel {
  const nFeatures = s.int('n_features_in_');
  const classes = classifier ? labels(s.array('classes_'), `${s.path}.classes_`) : null;
  return { nFeatures, classes, trees: [readTreeEstimator(s.obj, s.path, classifier, nFeatures)] };
}

/** RandomForest and ExtraTrees: `estimators_` is a list of fitted trees. */
export function readForest(s: EstimatorState, classifier: boolean): TreeModel {
  singleOutput(s);
  const nFeatures = s.int('n_features_in_');
  const classes = classifier ? labels(s.array('classes_'), `${s.path}.classes_`) : null;
  const list = s.raw('estimators_');
  if (!Array.isArray(list) || list.length === 0) s.fail('estimators_', 'a non-empty list of trees');
  const trees = list.map((t, i) => {
    if (!(t instanceof PyObject)) {
      throw new UnsupportedModelError(
        `${s.path}.estimators_[${i}] is ${typeName(t)}, expected a tree estimator`,
      );
    }
    return readTreeEstimator(t, `${s.path}.estimators_[${i}]`, classifier, nFeatures);
  });
  if (classes !== null) {
    for (let i = 0; i < trees.length; i++) {
      const t = trees[i] as FlatTree;
      if (t.value.length !== t.nodeCount * classes.length) {
        throw new UnsupportedModelError(
          `${s.path}.estimators_[${i}] has a class count different from classes_`,
        );
      }
    }
  }
  return { nFeatures, classes, trees };
}
