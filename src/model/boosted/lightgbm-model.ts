// The LightGBM model as lambda-ml keeps it (the artifact's estimator section): LightGBM's own tree
// arrays (internal nodes 0..n-2, leaves as ~index), objective, and their structural checks.
import { ArtifactError } from '../errors.js';
import type { CategoryList } from './rows.js';
import { isArrayLike } from './xgboost-model.js';

/** One tree as LightGBM writes it: a one-leaf tree has only `leafValue`. */
export interface LightGBMTree {
  readonly numLeaves: number;
  readonly splitFeature: ArrayLike<number>;
  /** Numeric: the threshold (`x <= t` goes left); categorical: the index of its bitset in catBoundaries. */
  readonly threshold: ArrayLike<number>;
  /** Bit 0 categorical, bit 1 default-left, bits 2-3 missing type (0 none, 1 zero, 2 NaN). */
  readonly decisionType: ArrayLike<number>;
  /** A child >= 0 is an internal node; a negative child c is leaf ~c. */
  readonly leftChild: ArrayLike<number>;
  readonly rightChild: ArrayLike<number>;
  readonly leafValue: ArrayLike<number>;
  readonly catBoundaries: ArrayLike<number>;
  readonly catThreshold: ArrayLike<number>;
}

/** Objectives whose outputs lambda-ml computes as LightGBM's ConvertOutput does. */
export const LIGHTGBM_OBJECTIVES = [
  'binary',
  'multiclass',
  'multiclassova',
  'cross_entropy',
  'cross_entropy_lambda',
  'regression',
  'regression_l1',
  'huber',
  'fair',
  'quantile',
  'mape',
  'poisson',
  'gamma',
  'tweedie',
] as const;

export type LightGBMObjective = (typeof LIGHTGBM_OBJECTIVES)[number];

export function isLightGBMObjective(name: unknown): name is LightGBMObjective {
  return typeof name === 'string' && (LIGHTGBM_OBJECTIVES as readonly string[]).includes(name);
}

export interface LightGBMEstimator {
  /** The format version line, e.g. "v4". */
  readonly version: string;
  readonly objective: LightGBMObjective;
  /** binary/multiclassova's sigmoid parameter (1 by default). */
  readonly sigmoid: number;
  /** regression's `sqrt` option (reg_sqrt=True): the output is sign(x) x^2. */
  readonly sqrt: boolean;
  /** num_class: the number of outputs of multi-class objectives, else 1. */
  readonly numClass: number;
  readonly treesPerIteration: number;
  /** Random-forest mode: the raw score is the mean over iterations. */
  readonly averageOutput: boolean;
  readonly trees: readonly LightGBMTree[];
  /** Iterations used: all, or best_iteration for a pickled wrapper trained with early stopping. */
  readonly nIterationsUsed: number;
  readonly bestIteration: number | null;
  readonly featureNames: readonly string[];
  /** Per feature: its pandas categories (a value's code is its index), or null. */
  readonly categories: readonly (CategoryList | null)[];
}

function fail(where: string, what: string): never {
  throw new ArtifactError(`invalid LightGBM estimator: ${where}: ${what}`);
}

function ints(v: unknown, n: number, where: string): ArrayLike<number> {
  if (!isArrayLike(v) || v.length !== n || !Array.from(v).every((x) => Number.isInteger(x)))
    fail(where, `expected ${n} integers`);
  return v as ArrayLike<number>;
}

function finite(v: unknown, n: number, where: string, allowInfinite = false): void {
  if (!isArrayLike(v) || v.length !== n) fail(where, `expected ${n} numbers`);
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (typeof x !== 'number' || Number.isNaN(x) || (!allowInfinite && !Number.isFinite(x)))
      fail(`${where}[${i}]`, `expected a ${allowInfinite ? '' : 'finite '}number`);
  }
}

/**
 * Why a tree's links do not form a tree (or null): node ids in range, every internal node and every
 * leaf reached exactly once from the root, features in range, categorical bitsets in range.
 */
export function lightgbmTreeProblem(t: LightGBMTree, nFeatures: number): string | null {
  const inner = t.numLeaves - 1;
  if (inner === 0) return null;
  const seenNode = new Uint8Array(inner);
  const seenLeaf = new Uint8Array(t.numLeaves);
  const stack = [0];
  seenNode[0] = 1;
  while (stack.length > 0) {
    const i = stack.pop() as number;
    const f = t.splitFeature[i] as number;
    if (!(f >= 0 && f < nFeatures)) return `node ${i} splits on feature ${f}; the model has ${nFeatures}`;
    if (((t.decisionType[i] as number) & 1) !== 0) {
      const c = t.threshold[i] as number;
      if (!(Number.isInteger(c) && c >= 0 && c + 1 < t.catBoundaries.length))
        return `node ${i} names categorical bitset ${c}`;
    }
    for (const child of [t.leftChild[i] as number, t.rightChild[i] as number]) {
      if (child >= 0) {
        if (child >= inner || seenNode[child]) return `node ${i} has child node ${child}`;
        seenNode[child] = 1;
        stack.push(child);
      } else {
        const leaf = ~child;
        if (leaf >= t.numLeaves || seenLeaf[leaf]) return `node ${i} has child leaf ${leaf}`;
        seenLeaf[leaf] = 1;
      }
    }
  }
  const b = t.catBoundaries;
  for (let k = 1; k < b.length; k++) {
    if ((b[k] as number) < (b[k - 1] as number) || (b[k] as number) > t.catThreshold.length)
      return `cat_boundaries ${Array.from(b).join(' ')} do not fit ${t.catThreshold.length} bitset words`;
  }
  return null;
}

function checkTree(t: LightGBMTree, where: string, nFeatures: number): void {
  if (typeof t !== 'object' || t === null) fail(where, 'expected an object');
  const n = t.numLeaves;
  if (!Number.isInteger(n) || n < 1) fail(`${where}.numLeaves`, 'expected an integer >= 1');
  finite(t.leafValue, n, `${where}.leafValue`);
  for (const k of ['splitFeature', 'decisionType', 'leftChild', 'rightChild'] as const)
    ints(t[k], n - 1, `${where}.${k}`);
  if (
    !Array.isArray(t.threshold) ||
    t.threshold.length !== n - 1 ||
    !t.threshold.every((x) => typeof x === 'number')
  )
    fail(`${where}.threshold`, `expected ${n - 1} numbers`);
  ints(t.catBoundaries, t.catBoundaries?.length ?? -1, `${where}.catBoundaries`);
  ints(t.catThreshold, t.catThreshold?.length ?? -1, `${where}.catThreshold`);
  const problem = lightgbmTreeProblem(t, nFeatures);
  if (problem !== null) fail(where, problem);
}

/** Validates an artifact's estimator section; throws ArtifactError naming the first problem. */
export function validateLightGBMEstimator(e: unknown, nFeatures: number): LightGBMEstimator {
  if (typeof e !== 'object' || e === null) fail('estimator', 'expected an object');
  const o = e as LightGBMEstimator;
  if (!isLightGBMObjective(o.objective)) fail('objective', `${JSON.stringify(o.objective)} is not supported`);
  if (typeof o.sigmoid !== 'number' || !Number.isFinite(o.sigmoid)) fail('sigmoid', 'expected a number');
  if (typeof o.sqrt !== 'boolean' || typeof o.averageOutput !== 'boolean')
    fail('sqrt/averageOutput', 'expected booleans');
  if (!Number.isInteger(o.treesPerIteration) || o.treesPerIteration < 1)
    fail('treesPerIteration', 'expected an integer >= 1');
  if (!Array.isArray(o.trees) || o.trees.length % o.treesPerIteration !== 0)
    fail('trees', `expected a multiple of ${o.treesPerIteration} trees`);
  o.trees.forEach((t, i) => {
    checkTree(t, `trees[${i}]`, nFeatures);
  });
  const iterations = o.trees.length / o.treesPerIteration;
  if (!Number.isInteger(o.nIterationsUsed) || o.nIterationsUsed < 0 || o.nIterationsUsed > iterations)
    fail('nIterationsUsed', `expected an integer in 0..${iterations}`);
  if (!Array.isArray(o.featureNames) || o.featureNames.length !== nFeatures)
    fail('featureNames', `expected ${nFeatures} names`);
  if (!Array.isArray(o.categories) || o.categories.length !== nFeatures)
    fail('categories', `expected ${nFeatures} entries`);
  return o;
}
