// XGBoost trees packed for prediction: reachable nodes renumbered in pre-order (the left child of node
// i is i + 1), three 32-bit words per node, category sets as bitsets; walks compare in float32 as
// XGBoost's CPU predictor does (missing -> default child, `x < split` -> left).
import type { XGBoostTree } from './xgboost-model.js';

/**
 * Node i: w[3i] = -1 for a leaf, else (feature << 2) | (defaultLeft << 1) | categorical;
 * f32[3i + 1] = the split condition or leaf value (for a categorical split, w[3i + 1] = the offset of
 * its bitset in `cats`: word count, then the words); w[3i + 2] = the right child. f32 and w share a buffer.
 */
export interface PackedXGBoostForest {
  readonly roots: Int32Array;
  readonly w: Int32Array;
  readonly f32: Float32Array;
  readonly cats: Uint32Array;
}

function bitset(categories: ArrayLike<number>): number[] {
  let max = -1;
  for (let k = 0; k < categories.length; k++) max = Math.max(max, categories[k] as number);
  const words = new Array<number>((max >> 5) + 1).fill(0);
  for (let k = 0; k < categories.length; k++) {
    const c = categories[k] as number;
    words[c >> 5] = ((words[c >> 5] as number) | (1 << (c & 31))) >>> 0;
  }
  return [words.length, ...words];
}

/** Counts the nodes reachable from each root (deleted nodes are skipped). */
function reachable(t: XGBoostTree): number {
  let n = 0;
  const stack = [0];
  while (stack.length > 0) {
    const i = stack.pop() as number;
    n++;
    if (t.left[i] !== -1) stack.push(t.right[i] as number, t.left[i] as number);
  }
  return n;
}

export function packXGBoostForest(trees: readonly XGBoostTree[]): PackedXGBoostForest {
  let total = 0;
  for (const t of trees) total += reachable(t);
  const buf = new ArrayBuffer(total * 12);
  const w = new Int32Array(buf);
  const f32 = new Float32Array(buf);
  const roots = new Int32Array(trees.length);
  const catWords: number[] = [];
  let next = 0;
  const stack: number[] = [];
  trees.forEach((t, ti) => {
    const catOf = new Map(t.categorical.map((c) => [c.node, c.categories]));
    roots[ti] = next;
    stack.push(0, -1);
    while (stack.length > 0) {
      const patch = stack.pop() as number;
      const node = stack.pop() as number;
      const id = next++;
      if (patch >= 0) w[patch] = id;
      if (t.left[node] === -1) {
        w[3 * id] = -1;
        f32[3 * id + 1] = t.value[node] as number;
        continue;
      }
      const cats = catOf.get(node);
      w[3 * id] = ((t.feature[node] as number) << 2) | ((t.defaultLeft[node] ? 1 : 0) << 1) | (cats ? 1 : 0);
      if (cats) {
        w[3 * id + 1] = catWords.length;
        catWords.push(...bitset(cats));
      } else {
        f32[3 * id + 1] = t.value[node] as number;
      }
      stack.push(t.right[node] as number, 3 * id + 2);
      stack.push(t.left[node] as number, -1);
    }
  });
  return { roots, w, f32, cats: Uint32Array.from(catWords) };
}

/**
 * common::Decision: a negative or too large (>= 2^24) value goes left; else the truncated code goes
 * right when it is in the split's set.
 */
function categoryGoesLeft(cats: Uint32Array, at: number, x: number): boolean {
  if (x < 0 || x >= 16777216) return true;
  const c = Math.trunc(x);
  const word = c >> 5;
  if (word >= (cats[at] as number)) return true;
  return (((cats[at + 1 + word] as number) >>> (c & 31)) & 1) === 0;
}

/** The leaf value row x (float32 values, NaN = missing, at x[xo ..]) reaches in the tree rooted at `root`. */
export function xgboostLeaf(p: PackedXGBoostForest, x: ArrayLike<number>, xo: number, root: number): number {
  const { w, f32 } = p;
  let i = root;
  let h = w[3 * i] as number;
  while (h >= 0) {
    const v = x[xo + (h >> 2)] as number;
    let left: boolean;
    if (Number.isNaN(v)) left = (h & 2) !== 0;
    else if ((h & 1) === 0) left = v < (f32[3 * i + 1] as number);
    else left = categoryGoesLeft(p.cats, w[3 * i + 1] as number, v);
    i = left ? i + 1 : (w[3 * i + 2] as number);
    h = w[3 * i] as number;
  }
  return f32[3 * i + 1] as number;
}
