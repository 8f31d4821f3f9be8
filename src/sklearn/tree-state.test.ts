// Tree node layouts are read from the pickled dtype: 56-byte (<= 1.2), 64-byte with missing_go_to_left (>= 1.3), big-endian.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UnsupportedModelError } from './errors.js';
import { Dtype } from './numpy-dtype.js';
import { readTree } from './tree-state.js';
import { NdArray, PyGlobal, PyObject } from './values.js';

type Layout = ReadonlyArray<[name: string, code: string, offset: number]>;

const V56: Layout = [
  ['left_child', 'i8', 0],
  ['right_child', 'i8', 8],
  ['feature', 'i8', 16],
  ['threshold', 'f8', 24],
  ['impurity', 'f8', 32],
  ['n_node_samples', 'i8', 40],
  ['weighted_n_node_samples', 'f8', 48],
];
const V64: Layout = [...V56, ['missing_go_to_left', 'u1', 56]];

function dtype(
  code: string,
  bigEndian = false,
  fields?: Map<string, { dtype: Dtype; offset: number }>,
  size = 0,
): Dtype {
  const d = new Dtype(code);
  d.applyState({
    byteorder: bigEndian ? '>' : '<',
    hasSubarray: false,
    fields: fields ?? null,
    elsize: size,
  });
  return d;
}

// A 3-node tree: root splits feature 1 at 0.5; leaves carry class counts.
const NODES = [
  {
    left_child: 1,
    right_child: 2,
    feature: 1,
    threshold: 0.5,
    impurity: 0.5,
    n_node_samples: 10,
    weighted_n_node_samples: 10,
    missing_go_to_left: 1,
  },
  {
    left_child: -1,
    right_child: -1,
    feature: -2,
    threshold: -2,
    impurity: 0,
    n_node_samples: 4,
    weighted_n_node_samples: 4,
    missing_go_to_left: 0,
  },
  {
    left_child: -1,
    right_child: -1,
    feature: -2,
    threshold: -2,
    impurity: 0,
    n_node_samples: 6,
    weighted_n_node_samples: 6,
    missing_go_to_left: 0,
  },
] as const;

function tree(layout: Layout, itemsize: number, bigEndian: boolean, nodes = NODES): PyObject {
  const fields = new Map(layout.map(([n, c, o]) => [n, { dtype: dtype(c, bigEndian), offset: o }]));
  const nodeDtype = dtype(`V${itemsize}`, false, fields, itemsize);
  const bytes = new Uint8Array(itemsize * nodes.length).fill(0xaa); // padding content must not matter
  const view = new DataView(bytes.buffer);
  nodes.forEach((node, i) => {
    for (const [name, code, off] of layout) {
      const v = node[name as keyof typeof node];
      const at = i * itemsize + off;
      if (code === 'f8') view.setFloat64(at, v, !bigEndian);
      else if (code === 'i8') view.setBigInt64(at, BigInt(v), !bigEndian);
      else view.setUint8(at, v);
    }
  });
  const values = new Float64Array([4, 6, 4, 0, 0, 6]);
  const t = new PyObject(new PyGlobal('sklearn.tree._tree', 'Tree', 'record'), [
    2,
    new NdArray(dtype('i8'), [1], new Uint8Array(new BigInt64Array([2n]).buffer), null),
    1,
  ]);
  t.state = new Map<string, unknown>([
    ['max_depth', 1],
    ['node_count', nodes.length],
    ['nodes', new NdArray(nodeDtype, [nodes.length], bytes, null)],
    ['values', new NdArray(dtype('f8'), [nodes.length, 1, 2], new Uint8Array(values.buffer), null)],
  ]) as PyObject['state'];
  return t;
}

for (const [name, layout, size, be] of [
  ['56-byte nodes (scikit-learn <= 1.2)', V56, 56, false],
  ['64-byte nodes with missing_go_to_left (>= 1.3)', V64, 64, false],
  ['big-endian fields', V56, 56, true],
  [
    'fields in another order and padding',
    [...V56].reverse().map(([n, c], i) => [n, c, 72 - 8 * (i + 1)]),
    72,
    false,
  ],
] as const) {
  test(`reads ${name} by field name and offset`, () => {
    const { tree: t, nValues, nFeatures } = readTree(tree(layout as Layout, size, be), 'tree_');
    assert.equal(nValues, 2);
    assert.equal(nFeatures, 2);
    assert.deepEqual(t.childrenLeft, [1, -1, -1]);
    assert.deepEqual(t.childrenRight, [2, -1, -1]);
    assert.deepEqual(t.feature, [1, -2, -2]);
    assert.deepEqual(t.threshold, [0.5, -2, -2]);
    assert.deepEqual(t.nNodeSamples, [10, 4, 6]);
    assert.deepEqual(t.value, [4, 6, 4, 0, 0, 6]);
  });
}

test('a node linking backwards (a cycle) or to a missing feature is refused', () => {
  const loop = [{ ...NODES[0], left_child: 0 }, NODES[1], NODES[2]] as unknown as typeof NODES;
  assert.throws(() => readTree(tree(V56, 56, false, loop), 'tree_'), UnsupportedModelError);
  const badFeature = [{ ...NODES[0], feature: 7 }, NODES[1], NODES[2]] as unknown as typeof NODES;
  assert.throws(() => readTree(tree(V56, 56, false, badFeature), 'tree_'), /feature 7 out of \[0, 2\)/);
});

test('nodes sharing a child (a DAG, exponentially many paths) are refused', () => {
  // 0 -> (1, 2), 1 -> (2, ...) would make node 2 reachable twice.
  const five = [
    { ...NODES[0], left_child: 1, right_child: 2 },
    { ...NODES[0], left_child: 3, right_child: 4 },
    { ...NODES[0], left_child: 3, right_child: 4 },
    NODES[1],
    NODES[2],
  ] as unknown as typeof NODES;
  const t = tree(V56, 56, false, five);
  (t.state as Map<string, unknown>).set(
    'values',
    new NdArray(new Dtype('f8'), [5, 1, 2], new Uint8Array(new Float64Array(10).buffer), null),
  );
  assert.throws(() => readTree(t, 'tree_'), /shares a child|not form a tree/);
});

test('a node dtype without a required field is refused by name', () => {
  const noThreshold = V56.filter(([n]) => n !== 'threshold');
  assert.throws(() => readTree(tree(noThreshold, 56, false), 'tree_'), /no numeric field 'threshold'/);
});
