// Structural checks of tree payloads in artifacts: consistent lengths, children that point forward
// (pre-order ids, so no cycles), features in range, finite numbers. A damaged file fails here.
import { ArtifactError } from './errors.js';
import type { FlatTree, ModelArtifact, Task } from './types.js';

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

function numberArray(v: unknown, n: number, where: string): number[] {
  if (!Array.isArray(v) || v.length !== n) fail(where, `expected an array of ${n} numbers`);
  for (let i = 0; i < n; i++) {
    if (typeof v[i] !== 'number' || !Number.isFinite(v[i]))
      fail(`${where}[${i}]`, 'expected a finite number');
  }
  return v as number[];
}

function validateTree(t: unknown, where: string, nFeatures: number, nValues: number): void {
  if (typeof t !== 'object' || t === null) fail(where, 'expected an object');
  const tree = t as Record<string, unknown>;
  const n = tree.nodeCount;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    fail(`${where}.nodeCount`, 'expected an integer >= 1');
  if (typeof tree.maxDepth !== 'number' || !Number.isInteger(tree.maxDepth))
    fail(`${where}.maxDepth`, 'expected an integer');
  for (const f of FIELDS) numberArray(tree[f], n, `${where}.${f}`);
  numberArray(tree.value, n * nValues, `${where}.value`);
  const ft = tree as unknown as FlatTree;
  for (let i = 0; i < n; i++) {
    const l = ft.childrenLeft[i] as number;
    const r = ft.childrenRight[i] as number;
    const f = ft.feature[i] as number;
    if (l === -1 || r === -1) {
      if (l !== -1 || r !== -1) fail(`${where} node ${i}`, 'a leaf must have both children -1');
      continue;
    }
    if (!Number.isInteger(l) || !Number.isInteger(r) || l <= i || r <= i || l >= n || r >= n || l === r) {
      fail(`${where} node ${i}`, `children (${l}, ${r}) must be distinct node ids after ${i} and below ${n}`);
    }
    if (!Number.isInteger(f) || f < 0 || f >= nFeatures)
      fail(`${where} node ${i}`, `feature ${f} out of [0, ${nFeatures})`);
  }
}

/** Validates `estimator: {trees: FlatTree[]}` of a tree kind. */
export function validateTreeEstimator(a: ModelArtifact, task: Task, single: boolean): void {
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
  for (const [i, t] of est.trees.entries()) validateTree(t, `estimator.trees[${i}]`, a.nFeatures, nValues);
}
