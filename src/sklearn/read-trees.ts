// Reads fitted DecisionTree*, ExtraTree* and RandomForest*/ExtraTrees* estimators into flat trees.
import type { ClassLabel, FlatTree } from '../model/types.js';
import { UnsupportedModelError } from './errors.js';
import { atLeast, type ReadContext } from './read-context.js';
import { EstimatorState, labels } from './state.js';
import { readTree } from './tree-state.js';
import { PyObject, typeName } from './values.js';

export interface TreeModel {
  readonly nFeatures: number;
  readonly classes: readonly ClassLabel[] | null;
  readonly trees: FlatTree[];
  /** True when scikit-learn predicts rows with NaN for this model (then every tree has missingGoToLeft). */
  readonly missingValues: boolean;
}

const CLASSIFIER_CRITERIA = new Set(['gini', 'log_loss', 'entropy']);
const REGRESSOR_CRITERIA = new Set(['squared_error', 'friedman_mse', 'poisson']);

/**
 * Whether scikit-learn of the file's version accepts NaN at predict time for this tree model (its
 * `_support_missing_values`): decision trees from 1.3 (best splitter; random too from 1.6), random
 * forests from 1.4, extra trees from 1.6, limited to the
 * criteria and no monotonic constraints until 1.9, which accepts NaN for every decision tree.
 */
export function treesTakeMissing(
  family: 'tree' | 'extra-tree' | 'forest' | 'extra-forest',
  classifier: boolean,
  s: EstimatorState,
  ctx: ReadContext,
): boolean {
  const extra = family === 'extra-tree' || family === 'extra-forest';
  const since = family === 'tree' ? [1, 3] : family === 'forest' ? [1, 4] : [1, 6];
  if (!atLeast(ctx, since[0] as number, since[1] as number)) return false;
  const monotonic = s.opt('monotonic_cst');
  if (monotonic !== undefined && monotonic !== null && !atLeast(ctx, 1, 9)) return false;
  if (atLeast(ctx, 1, 9)) return true;
  const criterion = s.opt('criterion');
  const criteria = classifier ? CLASSIFIER_CRITERIA : REGRESSOR_CRITERIA;
  if (typeof criterion !== 'string' || !criteria.has(criterion)) return false;
  const splitter =
    family === 'tree' || family === 'extra-tree' ? s.opt('splitter') : extra ? 'random' : 'best';
  if (extra) return splitter === 'random';
  return splitter === 'best' || (splitter === 'random' && atLeast(ctx, 1, 6));
}

/** Keeps `missingGoToLeft` only when the model takes missing values (so others stay formatVersion 1 sized). */
function missingLayout(trees: FlatTree[], missingValues: boolean, path: string): FlatTree[] {
  if (!missingValues) return trees.map(({ missingGoToLeft: _, ...t }) => t);
  if (!trees.every((t) => t.missingGoToLeft !== undefined))
    throw new UnsupportedModelError(
      `${path}: trees without missing_go_to_left in a model that takes missing values`,
    );
  return trees;
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

/**
 * A classifier's `classes_` must have one label per value of every node (the tree's `n_classes`): a file
 * where they differ would answer with the wrong labels, so it is refused naming both fields.
 */
function checkClassWidth(t: FlatTree, classes: readonly ClassLabel[], treePath: string, path: string): void {
  const width = t.value.length / t.nodeCount;
  if (width !== classes.length) {
    throw new UnsupportedModelError(
      `${path}.classes_ has ${classes.length} labels but ${treePath} has ${width} values per node (one per class); the two must match`,
      { context: { field: `${path}.classes_` } },
    );
  }
}

/** A single DecisionTree or ExtraTree estimator. */
export function readSingleTree(s: EstimatorState, classifier: boolean, ctx: ReadContext): TreeModel {
  const nFeatures = s.int('n_features_in_');
  const classes = classifier ? labels(s.array('classes_'), `${s.path}.classes_`) : null;
  const family = s.name.startsWith('Extra') ? 'extra-tree' : 'tree';
  const missingValues = treesTakeMissing(family, classifier, s, ctx);
  const tree = readTreeEstimator(s.obj, s.path, classifier, nFeatures);
  if (classes !== null) checkClassWidth(tree, classes, `${s.path}.tree_`, s.path);
  const trees = missingLayout([tree], missingValues, s.path);
  return { nFeatures, classes, trees, missingValues };
}

/** RandomForest and ExtraTrees: `estimators_` is a list of fitted trees. */
export function readForest(s: EstimatorState, classifier: boolean, ctx: ReadContext): TreeModel {
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
    trees.forEach((t, i) => {
      checkClassWidth(t, classes, `${s.path}.estimators_[${i}].tree_`, s.path);
    });
  }
  const family = s.name.startsWith('Extra') ? 'extra-forest' : 'forest';
  const missingValues = treesTakeMissing(family, classifier, s, ctx);
  return { nFeatures, classes, trees: missingLayout(trees, missingValues, s.path), missingValues };
}
