// The XGBoost model as lambda-ml keeps it (the artifact's estimator section): XGBoost's own tree
// arrays and learner parameters, read from a JSON/UBJSON/pickled file, and their structural checks.
import { ArtifactError } from '../errors.js';
import { isXGBoostObjective, type XGBoostObjective } from './xgboost-objectives.js';

/**
 * One regression tree in XGBoost's layout: node ids as in the file (children after parents), -1
 * children for leaves; `value` holds the float32 split condition of a split and the leaf value of a leaf.
 */
export interface XGBoostTree {
  readonly left: ArrayLike<number>;
  readonly right: ArrayLike<number>;
  readonly feature: ArrayLike<number>;
  readonly value: ArrayLike<number>;
  /** 1 when a missing value goes to the left child. */
  readonly defaultLeft: ArrayLike<number>;
  /** Categorical splits: the node, and the category codes that go RIGHT (the others go left). */
  readonly categorical: readonly { readonly node: number; readonly categories: ArrayLike<number> }[];
}

/** How prediction combines dart trees: `Booster.predict` (DMatrix) and `inplace_predict` round differently. */
export type DartPath = 'dmatrix' | 'inplace';

export interface XGBoostEstimator {
  /** The XGBoost version that wrote the file, e.g. [1, 7, 4]. */
  readonly version: readonly number[];
  readonly objective: XGBoostObjective;
  readonly booster: 'gbtree' | 'dart';
  /** Output groups: num_class for multi-class objectives, else 1. */
  readonly nGroups: number;
  /** base_score per group as stored (before the objective's link), float32 values. */
  readonly baseScore: ArrayLike<number>;
  readonly trees: readonly XGBoostTree[];
  /** tree_info: the output group of each tree. */
  readonly treeGroup: ArrayLike<number>;
  /** dart's weight_drop (one float32 per tree); null for gbtree. */
  readonly treeWeight: ArrayLike<number> | null;
  readonly dartPath: DartPath;
  /** Trees used in prediction: all of them, or (best_iteration + 1) rounds for the scikit-learn wrapper. */
  readonly nTreesUsed: number;
  readonly bestIteration: number | null;
  /** The wrapper's `missing` value (treated as missing besides NaN); null when only NaN is missing. */
  readonly missing: number | null;
  readonly featureNames: readonly string[] | null;
  /** feature_types as stored ('q', 'float', 'int', 'i', 'c' ...); null when the file has none. */
  readonly featureTypes: readonly string[] | null;
}

function fail(where: string, what: string): never {
  throw new ArtifactError(`invalid XGBoost estimator: ${where}: ${what}`);
}

/** Plain arrays (JSON artifacts) or typed arrays (sections of a binary artifact). */
export function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

function numbers(v: unknown, n: number, where: string, integer: boolean): ArrayLike<number> {
  if (!isArrayLike(v) || v.length !== n) fail(where, `expected an array of ${n} numbers`);
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x) || (integer && !Number.isInteger(x)))
      fail(`${where}[${i}]`, `expected a finite ${integer ? 'integer' : 'number'}`);
  }
  return v as ArrayLike<number>;
}

/**
 * Why the links of a tree are not a proper tree (or null), from a walk from the root: every split has
 * two children in range, no node is reached twice (no cycles, no shared subtrees with exponentially
 * many paths), features are in range. Nodes the walk never reaches (XGBoost's deleted nodes) are ignored.
 */
export function xgboostTreeProblem(t: XGBoostTree, nFeatures: number): string | null {
  const n = t.left.length;
  const seen = new Uint8Array(n);
  const stack = [0];
  seen[0] = 1;
  while (stack.length > 0) {
    const i = stack.pop() as number;
    const l = t.left[i] as number;
    const r = t.right[i] as number;
    if (l === -1) continue;
    if (!(l >= 0 && r >= 0 && l < n && r < n)) return `node ${i} has children (${l}, ${r})`;
    if (seen[l] || seen[r] || l === r) return `node ${i} links to a node already in the tree`;
    seen[l] = 1;
    seen[r] = 1;
    stack.push(r, l);
    const f = t.feature[i] as number;
    if (f < 0 || f >= nFeatures) return `node ${i} splits on feature ${f}; the model has ${nFeatures}`;
  }
  for (const c of t.categorical) {
    if (!Number.isInteger(c.node) || c.node < 0 || c.node >= n || t.left[c.node] === -1)
      return `categorical split at node ${c.node} is not a split node`;
    if (!Array.from(c.categories).every((v) => Number.isInteger(v) && v >= 0 && v < 16777216))
      return `categorical split at node ${c.node} lists an invalid category`;
  }
  return null;
}

function checkTree(t: unknown, where: string, nFeatures: number): void {
  if (typeof t !== 'object' || t === null) fail(where, 'expected an object');
  const tree = t as XGBoostTree;
  const n = isArrayLike(tree.left) ? tree.left.length : 0;
  if (n < 1) fail(`${where}.left`, 'expected a non-empty array');
  for (const f of ['left', 'right', 'feature', 'defaultLeft'] as const)
    numbers(tree[f], n, `${where}.${f}`, true);
  numbers(tree.value, n, `${where}.value`, false);
  if (!Array.isArray(tree.categorical)) fail(`${where}.categorical`, 'expected an array');
  const problem = xgboostTreeProblem(tree, nFeatures);
  if (problem !== null) fail(where, problem);
}

/** Validates an artifact's estimator section; throws ArtifactError naming the first problem. */
export function validateXGBoostEstimator(e: unknown, nFeatures: number): XGBoostEstimator {
  if (typeof e !== 'object' || e === null) fail('estimator', 'expected an object');
  const o = e as XGBoostEstimator;
  if (!isXGBoostObjective(o.objective)) fail('objective', `${JSON.stringify(o.objective)} is not supported`);
  if (o.booster !== 'gbtree' && o.booster !== 'dart') fail('booster', 'expected "gbtree" or "dart"');
  if (!Number.isInteger(o.nGroups) || o.nGroups < 1) fail('nGroups', 'expected an integer >= 1');
  numbers(o.baseScore, o.nGroups, 'baseScore', false);
  if (!Array.isArray(o.trees)) fail('trees', 'expected an array');
  const nTrees = o.trees.length;
  o.trees.forEach((t, i) => {
    checkTree(t, `trees[${i}]`, nFeatures);
  });
  const groups = numbers(o.treeGroup, nTrees, 'treeGroup', true);
  for (let i = 0; i < nTrees; i++) {
    const g = groups[i] as number;
    if (g < 0 || g >= o.nGroups) fail(`treeGroup[${i}]`, `group ${g} is outside 0..${o.nGroups - 1}`);
  }
  if (o.booster === 'dart') numbers(o.treeWeight, nTrees, 'treeWeight', false);
  else if (o.treeWeight !== null) fail('treeWeight', 'only dart boosters have tree weights');
  if (o.dartPath !== 'dmatrix' && o.dartPath !== 'inplace')
    fail('dartPath', 'expected "dmatrix" or "inplace"');
  if (!Number.isInteger(o.nTreesUsed) || o.nTreesUsed < 0 || o.nTreesUsed > nTrees)
    fail('nTreesUsed', `expected an integer in 0..${nTrees}`);
  if (o.missing !== null && (typeof o.missing !== 'number' || !Number.isFinite(o.missing)))
    fail('missing', 'expected a finite number or null');
  for (const key of ['featureNames', 'featureTypes'] as const) {
    const v = o[key];
    if (v !== null && !(Array.isArray(v) && v.length === nFeatures && v.every((x) => typeof x === 'string')))
      fail(key, `expected null or ${nFeatures} strings`);
  }
  return o;
}
