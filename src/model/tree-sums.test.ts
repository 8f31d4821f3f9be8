// The tree-sum engine against a plain reference walk (x as float32 <= double threshold goes left; sums
// in tree order from the start values): WebAssembly and JavaScript, depth-first and renumbered node ids,
// trees that add to one column (boosting) or all (forests), row counts around the lane width and across
// blocks, one-hot leaves shared, bad values refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PredictInputError } from './errors.js';
import { RandomState } from './random-state.js';
import { createTreeSums, type EngineSpec, type EngineTree } from './tree-sums.js';
import { blockRowsFor } from './wasm/forest-layout.js';

interface Tree extends EngineTree {
  readonly values: Float64Array;
}

/** A random tree in depth-first ids; `shuffle` renumbers it (left child no longer next). */
function randomTree(
  rs: RandomState,
  nFeatures: number,
  depth: number,
  width: number,
  column: number,
  shuffle: boolean,
): Tree {
  const left: number[] = [];
  const right: number[] = [];
  const feature: number[] = [];
  const threshold: number[] = [];
  const grow = (d: number): number => {
    const id = left.length;
    left.push(-1);
    right.push(-1);
    feature.push(-2);
    threshold.push(-2);
    if (d < depth && rs.randomSample() < 0.8) {
      feature[id] = rs.randint(0, nFeatures - 1);
      // Doubles near float32 values, exact float32 values and zeros: the float32 rounding edges.
      const u = rs.randomSample();
      threshold[id] =
        u < 0.2 ? Math.fround(rs.randomSample() - 0.5) : u < 0.25 ? 0 : (rs.randomSample() - 0.5) * 2;
      left[id] = grow(d + 1);
      right[id] = grow(d + 1);
    }
    return id;
  };
  grow(0);
  const n = left.length;
  let perm = Array.from({ length: n }, (_, i) => i);
  if (shuffle) perm = [0, ...perm.slice(1).reverse()];
  const inv = new Array<number>(n);
  perm.forEach((old, i) => {
    inv[old] = i;
  });
  const at = (a: number[], i: number): number => a[perm[i] as number] as number;
  const link = (a: number[], i: number): number => (at(a, i) === -1 ? -1 : (inv[at(a, i)] as number));
  const values = new Float64Array(n * width);
  for (let i = 0; i < n * width; i++) {
    const u = rs.randomSample();
    values[i] = u < 0.3 ? (u < 0.15 ? 1 : 0) : (u - 0.5) * 7;
  }
  return {
    nodeCount: n,
    childrenLeft: Array.from({ length: n }, (_, i) => link(left, i)),
    childrenRight: Array.from({ length: n }, (_, i) => link(right, i)),
    feature: Array.from({ length: n }, (_, i) => at(feature, i)),
    threshold: Array.from({ length: n }, (_, i) => at(threshold, i)),
    column,
    width,
    values,
  };
}

function specOf(trees: Tree[], nFeatures: number, nOutputs: number): EngineSpec {
  return {
    trees,
    nFeatures,
    nOutputs,
    leafOutput: (t, node, out, at) => {
      const tree = trees[t] as Tree;
      for (let c = 0; c < tree.width; c++) out[at + c] = tree.values[node * tree.width + c] as number;
    },
  };
}

function reference(
  trees: Tree[],
  rows: Float64Array,
  F: number,
  K: number,
  init: number[] | null,
): Float64Array {
  const n = rows.length / F;
  const out = new Float64Array(n * K);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < K; c++) out[r * K + c] = init === null ? 0 : (init[c] as number);
    for (const t of trees) {
      let i = 0;
      while ((t.childrenLeft[i] as number) !== -1) {
        const x = Math.fround(rows[r * F + (t.feature[i] as number)] as number);
        i = x <= (t.threshold[i] as number) ? (t.childrenLeft[i] as number) : (t.childrenRight[i] as number);
      }
      for (let c = 0; c < t.width; c++) {
        const o = r * K + t.column + c;
        out[o] = (out[o] as number) + (t.values[i * t.width + c] as number);
      }
    }
  }
  return out;
}

function rowsOf(rs: RandomState, n: number, F: number): Float64Array {
  return Float64Array.from({ length: n * F }, () => {
    const u = rs.randomSample();
    return u < 0.1 ? 0 : u < 0.15 ? -0 : (rs.randomSample() - 0.5) * 2;
  });
}

const sameBits = (a: Float64Array, b: Float64Array, why: string): void => {
  assert.equal(a.length, b.length, why);
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${why}: [${i}] ${a[i]} vs ${b[i]}`);
};

test('forests: every tree adds to all outputs; both engines equal the reference walk', () => {
  const rs = new RandomState(5);
  const F = 6;
  const K = 3;
  const trees = Array.from({ length: 9 }, (_, i) => randomTree(rs, F, 7, K, 0, i % 3 === 1));
  const spec = specOf(trees, F, K);
  const wasm = createTreeSums(spec, { javascript: false });
  const js = createTreeSums(spec, { javascript: true });
  // A small ensemble by default: the walk for a few rows, the kernel from the first larger call on.
  const small = createTreeSums(spec);
  assert.equal(wasm.implementation, 'wasm');
  assert.equal(js.implementation, 'js');
  assert.equal(small.implementation, 'js+wasm');
  // Around both lane widths (6 in lockstep, 12 refilled), and many rows per lane.
  for (const n of [0, 1, 5, 6, 7, 11, 12, 13, 24, 25, 63, 64, 300, 2, 5000]) {
    const rows = rowsOf(rs, n, F);
    const want = reference(trees, rows, F, K, null);
    for (const engine of [wasm, js, small]) {
      const got = new Float64Array(n * K);
      engine.sums(rows, 0, n, got);
      sameBits(got, want, `${engine.implementation}, ${n} rows`);
    }
  }
});

test('boosting: trees add to one column each, from the start values, across block boundaries', () => {
  const rs = new RandomState(8);
  const F = 3;
  const K = 2;
  const trees = Array.from({ length: 8 }, (_, i) => randomTree(rs, F, 4, 1, i % K, i === 3));
  const init = [-0, 0.25];
  const spec = specOf(trees, F, K);
  const n = blockRowsFor(F) + 1500; // the first short block, a full one, and a partial one
  const rows = rowsOf(rs, n, F);
  const want = reference(trees, rows, F, K, init);
  for (const javascript of [false, true]) {
    const got = new Float64Array(n * K);
    createTreeSums(spec, { init, javascript }).sums(rows, 0, n, got);
    sameBits(got, want, javascript ? 'js' : 'wasm');
  }
  // A sub-range lands at the start of `out`.
  const part = new Float64Array(10 * K);
  createTreeSums(spec, { init }).sums(rows, 100, 110, part);
  sameBits(part, want.subarray(100 * K, 110 * K), 'rows 100..110');
});

test('rows are cast to float32 and checked like scikit-learn', () => {
  const rs = new RandomState(1);
  const trees = [randomTree(rs, 2, 3, 1, 0, false)];
  const engine = createTreeSums(specOf(trees, 2, 1));
  const out = new Float64Array(2);
  assert.throws(
    () => engine.sums([0, 1, 2, 1e39], 0, 2, out),
    (e: unknown) =>
      e instanceof PredictInputError &&
      e.message === 'row 1 feature 1 is 1e+39; expected a finite number within float32 range',
  );
  assert.throws(() => engine.sums([0, Number.NaN], 0, 1, out), /row 0 feature 1 is NaN/);
  assert.throws(() => engine.sums([0, '1'], 0, 1, out), /row 0 feature 1 is "1"/);
});
