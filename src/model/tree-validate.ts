// Structural checks of tree payloads in artifacts: consistent lengths, children that point forward
// (pre-order ids, so no cycles), features in range, finite numbers. A damaged file fails here.
import { ArtifactError } from './errors.js';
import { finiteNumbers, isNumberArray, type NumberArray } from './number-array.js';
import type { EstimatorNode, FlatTree, Task } from './types.js';

const FIELDS = [
  'childrenLeft',
  'childrenRight',
  'feature',
  'threshold',
  'impurity',
  'nNodeSamples',
  'weightedNNodeSamples',
] as const;

function fail(where: string, what: string): never {
  throw new ArtifactError(`invalid model artifact: ${where}: ${what}`);
}

function numberArray(v: unknown, n: number, where: string): NumberArray {
  const ok = finiteNumbers(v, n);
  if (ok === null) fail(where, `expected an array of ${n} finite numbers`);
  return ok;
}

function validateTree(t: unknown, where: string, nFeatures: number, nValues: number): void {
  const n = treeNodeCount(t, where);
  const tree = t as Record<string, unknown>;
  if (typeof tree.maxDepth !== 'number' || !Number.isInteger(tree.maxDepth))
    fail(`${where}.maxDepth`, 'expected an integer');
  for (const f of FIELDS) numberArray(tree[f], n, `${where}.${f}`);
  numberArray(tree.value, n * nValues, `${where}.value`);
  if (tree.missingGoToLeft !== undefined) {
    const m = numberArray(tree.missingGoToLeft, n, `${where}.missingGoToLeft`);
    for (let i = 0; i < n; i++) {
      if (m[i] !== 0 && m[i] !== 1) fail(`${where}.missingGoToLeft[${i}]`, 'expected 0 or 1');
    }
  }
  const problem = treeStructureProblem(tree as unknown as FlatTree, nFeatures);
  if (problem !== null) fail(where, problem);
}

/**
 * Why the node links of a tree do not form a proper tree, or null when they do: every split node has
 * two distinct children with later ids (pre-order, so no cycles) and a feature in range, and every node
 * but the root has exactly one parent. A DAG of forward links would be acyclic yet could have
 * exponentially many root-to-leaf paths, which a depth-first walk (the packer) would follow.
 * Shared by the artifact parser and the scikit-learn reader.
 */
export function treeStructureProblem(t: FlatTree, nFeatures: number): string | null {
  const n = t.nodeCount;
  const parents = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const l = t.childrenLeft[i] as number;
    const r = t.childrenRight[i] as number;
    if (l === -1 || r === -1) {
      if (l !== -1 || r !== -1) return `node ${i}: a leaf must have both children -1, got (${l}, ${r})`;
      continue;
    }
    if (!Number.isInteger(l) || !Number.isInteger(r) || l <= i || r <= i || l >= n || r >= n || l === r) {
      return `node ${i}: children (${l}, ${r}) must be distinct node ids after ${i} and below ${n}`;
    }
    if (parents[l] !== 0 || parents[r] !== 0) {
      return `node ${i} shares a child with another node: the nodes do not form a tree`;
    }
    parents[l] = 1;
    parents[r] = 1;
    const f = t.feature[i] as number;
    if (!Number.isInteger(f) || f < 0 || f >= nFeatures)
      return `node ${i}: feature ${f} out of [0, ${nFeatures})`;
  }
  for (let i = 1; i < n; i++) {
    if (parents[i] === 0) return `node ${i} is not reachable from the root`;
  }
  return null;
}

/**
 * The checks of a tree kind's estimator that do not read the trees' arrays (classes, tree count, flags);
 * returns the trees and the width of their values.
 */
export function validateTreeEnvelope(
  a: EstimatorNode,
  task: Task,
  single: boolean,
): { readonly trees: readonly unknown[]; readonly nValues: number } {
  const classes = a.classes;
  if (task === 'classification') {
    if (!Array.isArray(classes) || classes.length < 1)
      fail('classes', 'a classifier needs a non-empty array');
  } else if (classes !== null) fail('classes', 'a regressor has classes null');
  const nValues = task === 'classification' ? (classes as unknown[]).length : 1;
  const est = a.estimator as { trees?: unknown } | null;
  if (typeof est !== 'object' || est === null || !Array.isArray(est.trees) || est.trees.length < 1) {
    fail('estimator.trees', 'expected a non-empty array of trees');
  }
  if (single && est.trees.length !== 1) fail('estimator.trees', `${a.kind} has exactly one tree`);
  const asStored = (est as { probabilitiesAsStored?: unknown }).probabilitiesAsStored;
  if (asStored !== undefined && typeof asStored !== 'boolean')
    fail('estimator.probabilitiesAsStored', 'expected true or false');
  const missing = (est as { missingValues?: unknown }).missingValues;
  if (missing !== undefined && typeof missing !== 'boolean')
    fail('estimator.missingValues', 'expected true or false');
  return { trees: est.trees, nValues };
}

/** The node count of a tree object (checked: an integer >= 1), without reading its arrays. */
export function treeNodeCount(t: unknown, where: string): number {
  if (typeof t !== 'object' || t === null) fail(where, 'expected an object');
  const n = (t as Record<string, unknown>).nodeCount;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    fail(`${where}.nodeCount`, 'expected an integer >= 1');
  return n;
}

/** Validates `estimator: {trees: FlatTree[], missingValues?: boolean}` of a tree kind. */
export function validateTreeEstimator(a: EstimatorNode, task: Task, single: boolean): void {
  const { trees, nValues } = validateTreeEnvelope(a, task, single);
  const missing = (a.estimator as { missingValues?: unknown }).missingValues;
  if (missing === true && !trees.every((t) => isNumberArray((t as FlatTree).missingGoToLeft)))
    fail('estimator.missingValues', 'a model taking missing values needs missingGoToLeft in every tree');
  for (const [i, t] of trees.entries()) validateTree(t, `estimator.trees[${i}]`, a.nFeatures, nValues);
}
