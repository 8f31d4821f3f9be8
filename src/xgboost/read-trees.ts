// XGBoost's `gradient_booster` section -> lambda-ml's XGBoost trees: node arrays with their lengths
// checked against num_nodes, categorical splits from the categories_* arrays, dart weights.
import type { XGBoostTree } from '../model/boosted/xgboost-model.js';
import { xgboostTreeProblem } from '../model/boosted/xgboost-model.js';
import { type DocObject, fail, has, integers, intField, isObject, list, numbers, obj, str } from './doc.js';
import { UnsupportedXGBoostModelError } from './errors.js';

const MAX_NODE = 2 ** 31 - 1;

function categoricalSplits(
  t: DocObject,
  path: string,
  n: number,
  splitType: number[],
): XGBoostTree['categorical'] {
  if (!splitType.some((s) => s === 1)) return [];
  const nodes = integers(t, 'categories_nodes', path, undefined, 0, n - 1);
  const segments = integers(t, 'categories_segments', path, nodes.length, 0, MAX_NODE);
  // The schema calls it categorical_sizes; XGBoost writes categories_sizes.
  const sizesKey = has(t, 'categories_sizes') ? 'categories_sizes' : 'categorical_sizes';
  const sizes = integers(t, sizesKey, path, nodes.length, 0, MAX_NODE);
  const categories = integers(t, 'categories', path, undefined, 0, 16777215);
  const out = nodes.map((node, k) => {
    const start = segments[k] as number;
    const end = start + (sizes[k] as number);
    if (end > categories.length)
      fail(`${path}.categories_segments[${k}]`, `points past the ${categories.length} categories`);
    return { node, categories: categories.slice(start, end) };
  });
  for (let i = 0; i < n; i++) {
    if (splitType[i] === 1 && !nodes.includes(i))
      fail(`${path}.split_type[${i}]`, 'marks a categorical split that has no categories');
  }
  return out;
}

/** One tree object of the `trees` array. */
export function readTree(t: unknown, path: string, nFeatures: number): XGBoostTree {
  if (!isObject(t)) return fail(path, 'is not an object');
  const param = obj(t, 'tree_param', path);
  const n = intField(param, 'num_nodes', `${path}.tree_param`, 1);
  if (has(param, 'size_leaf_vector') && intField(param, 'size_leaf_vector', `${path}.tree_param`) > 1) {
    throw new UnsupportedXGBoostModelError(
      `XGBoost model: ${path} is a multi-target tree (vector leaves, multi_strategy="multi_output_tree"); lambda-ml serves one output per tree`,
    );
  }
  const left = integers(t, 'left_children', path, n, -1, n - 1);
  const right = integers(t, 'right_children', path, n, -1, n - 1);
  const feature = integers(t, 'split_indices', path, n, 0, MAX_NODE);
  const value = Array.from(numbers(t, 'split_conditions', path, n), Math.fround);
  const defaultLeft = integers(t, 'default_left', path, n, 0, 1);
  const splitType = has(t, 'split_type')
    ? integers(t, 'split_type', path, n, 0, 1)
    : new Array<number>(n).fill(0);
  const categorical = categoricalSplits(t, path, n, splitType);
  for (let i = 0; i < n; i++) {
    const v = value[i] as number;
    // A categorical split's condition is NaN (unused); anything else must be a finite float32.
    if (splitType[i] === 1) value[i] = 0;
    else if (!Number.isFinite(v)) fail(`${path}.split_conditions[${i}]`, `is ${v}; expected a finite number`);
  }
  const tree: XGBoostTree = { left, right, feature, value, defaultLeft, categorical };
  const problem = xgboostTreeProblem(tree, nFeatures);
  if (problem !== null) fail(path, `is not a tree: ${problem}`);
  return tree;
}

export interface BoosterTrees {
  readonly booster: 'gbtree' | 'dart';
  readonly trees: XGBoostTree[];
  readonly treeGroup: number[];
  readonly treeWeight: number[] | null;
  /** Trees per boosting round (num_parallel_tree x output groups). */
  readonly treesPerRound: number;
}

/** `learner.gradient_booster`: gbtree or dart (gblinear and anything else are refused by name). */
export function readBooster(gb: DocObject, path: string, nFeatures: number, nGroups: number): BoosterTrees {
  const name = str(gb, 'name', path);
  if (name !== 'gbtree' && name !== 'dart') {
    throw new UnsupportedXGBoostModelError(
      `XGBoost booster "${name}" is not supported; lambda-ml serves the tree boosters gbtree and dart`,
      { context: { booster: name } },
    );
  }
  const treesPath = name === 'dart' ? `${path}.gbtree.model` : `${path}.model`;
  const model =
    name === 'dart' ? obj(obj(gb, 'gbtree', path), 'model', `${path}.gbtree`) : obj(gb, 'model', path);
  const param = obj(model, 'gbtree_model_param', treesPath);
  const nTrees = intField(param, 'num_trees', `${treesPath}.gbtree_model_param`);
  const parallel = has(param, 'num_parallel_tree')
    ? intField(param, 'num_parallel_tree', `${treesPath}.gbtree_model_param`, 1)
    : 1;
  const raw = list(model, 'trees', treesPath);
  if (raw.length !== nTrees) fail(`${treesPath}.trees`, `has ${raw.length} trees; num_trees says ${nTrees}`);
  const trees = raw.map((t, i) => readTree(t, `${treesPath}.trees[${i}]`, nFeatures));
  const treeGroup = integers(model, 'tree_info', treesPath, nTrees, 0, nGroups - 1);
  let treeWeight: number[] | null = null;
  if (name === 'dart') treeWeight = Array.from(numbers(gb, 'weight_drop', path, nTrees), Math.fround);
  return { booster: name, trees, treeGroup, treeWeight, treesPerRound: parallel * nGroups };
}
