// float32Floor makes float32 comparisons equal sklearn's float32-vs-double ones, and packing keeps
// every tree's routing (left child = next node) and leaf outputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RandomState } from './random-state.js';
import { float32Floor, packForest } from './tree-pack.js';
import type { FlatTree } from './types.js';

test('x <= thr (double) exactly when x <= float32Floor(thr), for float32 x', () => {
  const rs = new RandomState(9);
  const edge = [
    0, -0, 1e-45, -1e-45, 3.4028234663852886e38, -3.4028234663852886e38, 1e300, -1e300, 0.1, -0.1, 1.5,
  ];
  const thresholds = [
    ...edge,
    ...Array.from({ length: 2000 }, () => (rs.randomSample() - 0.5) * 10 ** ((rs.randomSample() * 20) | 0)),
  ];
  for (const thr of thresholds) {
    const t = float32Floor(thr);
    assert.ok(t <= thr, `floor(${thr}) = ${t}`);
    assert.equal(Math.fround(t), t);
    // the neighbours of thr in float32 decide it
    for (const x of [
      Math.fround(thr),
      t,
      Math.fround(thr * (1 + 1e-7)),
      Math.fround(thr * (1 - 1e-7)),
      Math.fround(-thr),
    ]) {
      assert.equal(x <= t, x <= thr, `x=${x} thr=${thr}`);
    }
  }
});

test('packForest renumbers nodes so a row reaches the same leaf', () => {
  // Best-first style ids: the right child of the root comes before the left subtree.
  const tree: FlatTree = {
    nodeCount: 5,
    maxDepth: 2,
    childrenLeft: [2, -1, 3, -1, -1],
    childrenRight: [1, -1, 4, -1, -1],
    feature: [0, -2, 1, -2, -2],
    threshold: [0.5, -2, -1.25, -2, -2],
    impurity: [0, 0, 0, 0, 0],
    nNodeSamples: [6, 2, 4, 1, 3],
    weightedNNodeSamples: [6, 2, 4, 1, 3],
    value: [3, 3, 0, 2, 3, 1, 1, 0, 2, 1],
  };
  const p = packForest([tree], 2, (_t, node, out, at) => {
    const a = tree.value[2 * node] as number;
    const b = tree.value[2 * node + 1] as number;
    out[at] = a / (a + b);
    out[at + 1] = b / (a + b);
  });
  const walk = (x: number[]): number[] => {
    let i = p.roots[0] as number;
    while ((p.w[3 * i + 1] as number) >= 0) {
      i =
        (x[p.w[3 * i + 1] as number] as number) <= (p.f32[3 * i] as number)
          ? i + 1
          : (p.w[3 * i + 2] as number);
    }
    const off = p.w[3 * i + 2] as number;
    return [p.leafValues[off] as number, p.leafValues[off + 1] as number];
  };
  assert.deepEqual(walk([1, 0]), [0, 1]); // right of the root: node 1, value [0, 2]
  assert.deepEqual(walk([0, -2]), [1, 0]); // node 3, value [1, 0]
  assert.deepEqual(walk([0, 0]), [2 / 3, 1 / 3]); // node 4, value [2, 1]
});
