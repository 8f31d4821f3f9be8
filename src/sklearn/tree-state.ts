// Turns a pickled sklearn `Tree` (its reduce args and state: nodes, values) into a validated FlatTree.
import { treeStructureProblem } from '../model/tree-validate.js';
import type { FlatTree } from '../model/types.js';
import { UnsupportedModelError } from './errors.js';
import { type Dtype, readScalar } from './numpy-dtype.js';
import { numbers } from './state.js';
import { NdArray, PyObject, type PyValue, typeName } from './values.js';

const NODE_FIELDS = [
  'left_child',
  'right_child',
  'feature',
  'threshold',
  'impurity',
  'n_node_samples',
  'weighted_n_node_samples',
] as const;

export interface TreeInfo {
  /** The tree; `missingGoToLeft` is filled when the nodes carry it (scikit-learn >= 1.3). */
  readonly tree: FlatTree;
  /** Number of values per node (classes for classifier trees, 1 for regressors). */
  readonly nValues: number;
  readonly nFeatures: number;
}

function fail(path: string, msg: string): never {
  throw new UnsupportedModelError(`${path}: ${msg}`);
}

/** Reads `tree_` of a fitted sklearn tree estimator. Node ids must be children-after-parents (always true). */
export function readTree(v: PyValue, path: string): TreeInfo {
  if (!(v instanceof PyObject) || v.cls.qualified !== 'sklearn.tree._tree.Tree') {
    fail(path, `expected a sklearn.tree._tree.Tree, got ${typeName(v)}`);
  }
  const [nFeatures, nClassesV, nOutputs] = v.args;
  if (typeof nFeatures !== 'number' || !(nClassesV instanceof NdArray) || typeof nOutputs !== 'number') {
    fail(path, 'Tree arguments are not (n_features, n_classes, n_outputs)');
  }
  if (nOutputs !== 1) fail(path, `multi-output trees (n_outputs=${nOutputs}) are not supported`);
  const state = v.state;
  if (!(state instanceof Map)) fail(path, 'Tree has no state');
  const nodes = state.get('nodes');
  const values = state.get('values');
  const nodeCount = state.get('node_count');
  const maxDepth = state.get('max_depth');
  if (!(nodes instanceof NdArray) || !(values instanceof NdArray) || typeof nodeCount !== 'number') {
    fail(path, 'Tree state lacks nodes/values/node_count');
  }
  const nValues = numbers(nClassesV, `${path}.n_classes`)[0] ?? 0;
  if (nodes.shape.length !== 1 || nodes.shape[0] !== nodeCount || nodeCount < 1) {
    fail(path, `nodes has shape (${nodes.shape.join(', ')}) for node_count ${nodeCount}`);
  }
  const vs = values.shape;
  if (vs.length !== 3 || vs[0] !== nodeCount || vs[1] !== 1 || vs[2] !== nValues) {
    fail(path, `values has shape (${values.shape.join(', ')}), expected (${nodeCount}, 1, ${nValues})`);
  }
  const cols = readNodes(nodes, path);
  const missing = nodes.dtype.fields?.get('missing_go_to_left');
  const missingGoToLeft =
    missing && 'iub'.includes(missing.dtype.kind) ? readMissingColumn(nodes, missing.offset) : undefined;
  const tree: FlatTree = {
    nodeCount,
    maxDepth: typeof maxDepth === 'number' ? maxDepth : 0,
    childrenLeft: cols.left_child,
    childrenRight: cols.right_child,
    feature: cols.feature,
    // A split sending every non-missing value left (missing ones right) has threshold +inf; for a finite
    // float32 input, `x <= MAX_VALUE` decides the same, and JSON can write it.
    threshold: cols.threshold.map((t) => (t === Number.POSITIVE_INFINITY ? Number.MAX_VALUE : t)),
    impurity: cols.impurity,
    nNodeSamples: cols.n_node_samples,
    weightedNNodeSamples: cols.weighted_n_node_samples,
    value: numbers(values, `${path}.values`),
    ...(missingGoToLeft ? { missingGoToLeft } : {}),
  };
  checkFinite(tree, path);
  checkStructure(tree, nFeatures, path);
  return { tree, nValues, nFeatures };
}

interface Views {
  readonly view: DataView;
  /** Word views of the whole node array, when it is 8-byte aligned (it is: the reader copies arrays). */
  readonly f64: Float64Array | null;
  readonly i32: Int32Array | null;
  readonly u32: Uint32Array | null;
}

/** Reads the node struct array field by field, at the offsets its own dtype gives (56- or 64-byte nodes). */
function readNodes(nodes: NdArray, path: string): Record<(typeof NODE_FIELDS)[number], number[]> {
  const fields = nodes.dtype.fields;
  if (!fields) fail(path, `nodes has dtype '${nodes.dtype.code}', expected a structured dtype`);
  const b = nodes.bytes;
  const size = nodes.dtype.itemsize;
  const aligned = b.byteOffset % 8 === 0 && size % 8 === 0;
  const words = (nodes.size * size) / 8;
  const v: Views = {
    view: new DataView(b.buffer, b.byteOffset, b.byteLength),
    f64: aligned ? new Float64Array(b.buffer, b.byteOffset, words) : null,
    i32: aligned ? new Int32Array(b.buffer, b.byteOffset, words * 2) : null,
    u32: aligned ? new Uint32Array(b.buffer, b.byteOffset, words * 2) : null,
  };
  const out = {} as Record<(typeof NODE_FIELDS)[number], number[]>;
  for (let k = 0; k < NODE_FIELDS.length; k++) {
    const name = NODE_FIELDS[k] as (typeof NODE_FIELDS)[number];
    const f = fields.get(name);
    if (!f || !'iuf'.includes(f.dtype.kind)) fail(path, `node dtype has no numeric field '${name}'`);
    out[name] = readColumn(nodes.size, size, f.dtype, f.offset, v);
  }
  return out;
}

/**
 * One field of every node. The usual layout (little-endian 8-byte fields at 8-aligned offsets) is read
 * through typed-array views, which is several times faster than DataView calls when the code runs cold.
 */
function readColumn(n: number, size: number, dtype: Dtype, offset: number, v: Views): number[] {
  const col = new Array<number>(n);
  const stride = size / 8;
  const at = offset / 8;
  if (v.f64 && v.i32 && v.u32 && !dtype.bigEndian && dtype.itemsize === 8 && offset % 8 === 0) {
    if (dtype.kind === 'f') {
      for (let i = 0; i < n; i++) col[i] = v.f64[i * stride + at] as number;
    } else {
      const hi = dtype.kind === 'i' ? v.i32 : v.u32;
      // Two 32-bit halves: exact for |value| < 2^53, which node ids and counts are.
      for (let i = 0; i < n; i++) {
        const w = 2 * (i * stride + at);
        col[i] = (hi[w + 1] as number) * 4294967296 + (v.u32[w] as number);
      }
    }
    return col;
  }
  for (let i = 0; i < n; i++) col[i] = readScalar(dtype, v.view, i * size + offset);
  return col;
}

/** The one-byte `missing_go_to_left` field of every node, as 0/1. */
function readMissingColumn(nodes: NdArray, offset: number): number[] {
  const b = nodes.bytes;
  const size = nodes.dtype.itemsize;
  return Array.from({ length: nodes.size }, (_, i) => ((b[i * size + offset] as number) !== 0 ? 1 : 0));
}

/** Children point forward (so prediction always ends), leaves are marked both sides, features exist. */
function checkStructure(t: FlatTree, nFeatures: number, path: string): void {
  const problem = treeStructureProblem(t, nFeatures);
  if (problem !== null) fail(path, problem);
}

/** The node fields as scikit-learn names them, for messages. */
const FIELD_NAMES: ReadonlyArray<readonly [keyof FlatTree, string]> = [
  ['threshold', 'nodes.threshold'],
  ['impurity', 'nodes.impurity'],
  ['nNodeSamples', 'nodes.n_node_samples'],
  ['weightedNNodeSamples', 'nodes.weighted_n_node_samples'],
  ['value', 'values'],
];

/**
 * Every number a prediction reads (thresholds, leaf values) and every stored statistic is finite: a NaN
 * threshold sends every row right, and none of them can be written to an artifact (JSON has no NaN).
 * A +inf threshold was already mapped to MAX_VALUE above (scikit-learn's "all non-missing values left").
 */
function checkFinite(t: FlatTree, path: string): void {
  for (const [key, name] of FIELD_NAMES) {
    const col = t[key] as ArrayLike<number>;
    for (let i = 0; i < col.length; i++) {
      const v = col[i] as number;
      if (v - v !== 0) {
        const at = key === 'value' ? `entry ${i}` : `node ${i}`;
        fail(path, `${name} of ${at} is ${v}; expected a finite number`);
      }
    }
  }
}
