// LightGBM model text -> lambda-ml's LightGBM model: header (classes, trees per iteration, objective,
// feature names and categories), every tree block checked, linear trees refused by name.
import {
  isLightGBMObjective,
  LIGHTGBM_OBJECTIVES,
  type LightGBMEstimator,
  type LightGBMObjective,
  type LightGBMTree,
  lightgbmTreeProblem,
} from '../model/boosted/lightgbm-model.js';
import type { CategoryList } from '../model/boosted/rows.js';
import type { ClassLabel } from '../model/types.js';
import { UnsupportedLightGBMModelError } from './errors.js';
import {
  DEFAULT_TEXT_LIMITS,
  type Field,
  intValue,
  numberList,
  parseModelText,
  type TextLimits,
  type TreeBlock,
  textError,
} from './model-text.js';

/** What a pickle adds: the wrapper's type and classes (null for a pickled bare Booster), best_iteration. */
export interface LightGBMWrapperInfo {
  readonly estimatorType: 'classifier' | 'regressor' | null;
  readonly classes: readonly ClassLabel[] | null;
  /** Booster.best_iteration: > 0 after early stopping (predict then stops there). */
  readonly bestIteration: number;
}

export interface LightGBMModel {
  readonly kind: 'LGBMClassifier' | 'LGBMRegressor';
  readonly nFeatures: number;
  readonly classes: readonly ClassLabel[] | null;
  readonly estimator: LightGBMEstimator;
}

const CLASSIFIERS: readonly LightGBMObjective[] = ['binary', 'multiclass', 'multiclassova'];

function treeOf(block: TreeBlock, nFeatures: number): LightGBMTree {
  const f = (key: string): Field | undefined => block.fields.get(key);
  const need = (key: string): Field => {
    const v = f(key);
    if (v === undefined) throw textError(block.line, `Tree=${block.index} has no ${key}`);
    return v;
  };
  const where = `Tree=${block.index}`;
  const isLinear = f('is_linear');
  if (isLinear !== undefined && isLinear.value !== '0') {
    throw new UnsupportedLightGBMModelError(
      `LightGBM linear trees (linear_tree=True, ${where} at line ${block.line}) are not supported; lambda-ml serves constant-leaf trees`,
    );
  }
  const numLeaves = intValue(f('num_leaves'), `${where} num_leaves`, block.line, 1);
  const numCat = intValue(f('num_cat'), `${where} num_cat`, block.line);
  const leafValue = numberList(need('leaf_value'), `${where} leaf_value`, numLeaves);
  if (!leafValue.every(Number.isFinite))
    throw textError(need('leaf_value').line, `${where} has a non-finite leaf value`);
  const inner = numLeaves - 1;
  const list = (key: string, integer: boolean) =>
    inner === 0 ? [] : numberList(need(key), `${where} ${key}`, inner, integer);
  const catBoundaries =
    numCat > 0 ? numberList(need('cat_boundaries'), `${where} cat_boundaries`, numCat + 1, true) : [];
  const catWords = catBoundaries[numCat] ?? 0;
  const tree: LightGBMTree = {
    numLeaves,
    splitFeature: list('split_feature', true),
    threshold: list('threshold', false),
    decisionType: f('decision_type') === undefined ? new Array(inner).fill(0) : list('decision_type', true),
    leftChild: list('left_child', true),
    rightChild: list('right_child', true),
    leafValue,
    catBoundaries,
    catThreshold:
      numCat > 0 ? numberList(need('cat_threshold'), `${where} cat_threshold`, catWords, true) : [],
  };
  const problem = lightgbmTreeProblem(tree, nFeatures);
  if (problem !== null) throw textError(block.line, `${where} is not a tree: ${problem}`);
  return tree;
}

/** `objective=binary sigmoid:1` -> name and parameters. */
function objectiveOf(field: Field | undefined, wrapper: LightGBMWrapperInfo | null) {
  if (field === undefined) {
    throw new UnsupportedLightGBMModelError(
      'the LightGBM model has no objective line (a custom objective?); lambda-ml serves the built-in objectives',
    );
  }
  const [name = '', ...params] = field.value.split(' ');
  if (!isLightGBMObjective(name)) {
    throw new UnsupportedLightGBMModelError(
      `LightGBM objective "${name}" is not supported; lambda-ml serves ${LIGHTGBM_OBJECTIVES.join(', ')}`,
      { context: { objective: name } },
    );
  }
  const sigmoid = params.find((p) => p.startsWith('sigmoid:'));
  const classifier = wrapper?.estimatorType
    ? wrapper.estimatorType === 'classifier'
    : CLASSIFIERS.includes(name);
  if (classifier && !CLASSIFIERS.includes(name))
    throw new UnsupportedLightGBMModelError(`an LGBMClassifier with the objective ${name} is not supported`);
  return { name, sigmoid: sigmoid ? Number(sigmoid.slice(8)) : 1, sqrt: params.includes('sqrt'), classifier };
}

/** feature_infos: "[min:max]" for a numeric feature, "none" unused, "c1:c2:..." categorical. */
function categoriesOf(
  header: ReadonlyMap<string, Field>,
  nFeatures: number,
  pandas: unknown,
): (CategoryList | null)[] {
  const out = new Array<CategoryList | null>(nFeatures).fill(null);
  if (pandas === null || pandas === undefined) return out;
  const infos = header.get('feature_infos');
  if (!Array.isArray(pandas) || !pandas.every((c) => Array.isArray(c))) {
    throw textError(infos?.line ?? 1, 'pandas_categorical is not a list of category lists');
  }
  const parts = infos?.value.split(' ') ?? [];
  const categorical = parts.flatMap((p, f) => (p !== 'none' && !p.startsWith('[') ? [f] : []));
  if (categorical.length !== pandas.length) {
    throw new UnsupportedLightGBMModelError(
      `the model lists ${pandas.length} pandas category column(s) but has ${categorical.length} categorical feature(s); lambda-ml cannot tell which column each category list belongs to (ordered categoricals or categorical_feature= overrides)`,
    );
  }
  categorical.forEach((f, k) => {
    out[f] = pandas[k] as CategoryList;
  });
  return out;
}

export function readLightGBMText(
  text: string,
  wrapper: LightGBMWrapperInfo | null = null,
  limits: TextLimits = DEFAULT_TEXT_LIMITS,
): LightGBMModel {
  const doc = parseModelText(text, limits);
  const h = doc.header;
  const version = h.get('version')?.value ?? '';
  if (!/^v[234]$/.test(version)) {
    throw new UnsupportedLightGBMModelError(
      `LightGBM model text version "${version}"; lambda-ml reads v2-v4 models (verified with LightGBM 4.7.0, version=v4)`,
    );
  }
  const numClass = intValue(h.get('num_class'), 'num_class', 1, 1);
  const perIteration = h.has('num_tree_per_iteration')
    ? intValue(h.get('num_tree_per_iteration'), 'num_tree_per_iteration', 1, 1)
    : numClass;
  const nFeatures = intValue(h.get('max_feature_idx'), 'max_feature_idx', 1) + 1;
  const namesField = h.get('feature_names');
  if (namesField === undefined) throw textError(1, 'feature_names is missing');
  const featureNames = namesField.value.split(' ');
  if (featureNames.length !== nFeatures)
    throw textError(
      namesField.line,
      `feature_names has ${featureNames.length} names; max_feature_idx says ${nFeatures}`,
    );
  const objective = objectiveOf(h.get('objective'), wrapper);
  const trees = doc.trees.map((b) => treeOf(b, nFeatures));
  if (h.has('tree_sizes') && h.get('tree_sizes')?.value.split(' ').length !== trees.length) {
    throw textError(
      h.get('tree_sizes')?.line ?? 1,
      `tree_sizes lists more trees than the ${trees.length} found (truncated file?)`,
    );
  }
  if (trees.length % perIteration !== 0)
    throw textError(1, `${trees.length} trees are not whole iterations of ${perIteration}`);
  const iterations = trees.length / perIteration;
  const best = wrapper && wrapper.bestIteration > 0 ? wrapper.bestIteration : null;
  const estimator: LightGBMEstimator = {
    version,
    objective: objective.name,
    sigmoid: objective.sigmoid,
    sqrt: objective.sqrt,
    numClass,
    treesPerIteration: perIteration,
    averageOutput: h.has('average_output'),
    trees,
    nIterationsUsed: best === null ? iterations : Math.min(best, iterations),
    bestIteration: best,
    featureNames,
    categories: categoriesOf(h, nFeatures, doc.pandasCategorical),
  };
  const nOut = objective.name === 'binary' ? 2 : numClass;
  const classes = objective.classifier
    ? (wrapper?.classes ?? Array.from({ length: nOut }, (_, k) => k))
    : null;
  if (classes !== null && classes.length !== nOut)
    throw textError(
      1,
      `the wrapper has ${classes.length} classes; objective ${objective.name} gives ${nOut}`,
    );
  return {
    kind: objective.classifier ? 'LGBMClassifier' : 'LGBMRegressor',
    nFeatures,
    classes: classes === null ? null : [...classes],
    estimator,
  };
}
