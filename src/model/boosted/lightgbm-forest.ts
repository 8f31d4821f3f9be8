// LightGBM trees packed for prediction: nodes renumbered in pre-order (the left child of node i is
// i + 1), a float64 threshold and two int32 words per node; walks follow LightGBM's Tree::GetLeaf
// (NaN and zero by missing type, `x <= threshold` in float64, categorical bitsets).
import type { LightGBMTree } from './lightgbm-model.js';

/**
 * Node i: head[2i] = -1 for a leaf, else (feature << 4) | (missingType << 2) | (defaultLeft << 1) |
 * categorical; head[2i + 1] = the right child. value[i] = the threshold, the leaf value, or (for a
 * categorical split) the offset of its bitset in `cats` (word count, then the words).
 */
export interface PackedLightGBMForest {
  readonly roots: Int32Array;
  readonly head: Int32Array;
  readonly value: Float64Array;
  readonly cats: Uint32Array;
}

/** LightGBM's kZeroThreshold (1e-35f): smaller magnitudes count as zero. */
export const K_ZERO = Math.fround(1e-35);

export function packLightGBMForest(trees: readonly LightGBMTree[]): PackedLightGBMForest {
  let total = 0;
  for (const t of trees) total += 2 * t.numLeaves - 1;
  const head = new Int32Array(2 * total);
  const value = new Float64Array(total);
  const roots = new Int32Array(trees.length);
  const catWords: number[] = [];
  let next = 0;
  const stack: number[] = [];
  trees.forEach((t, ti) => {
    roots[ti] = next;
    // Entries: the node (>= 0 internal, < 0 leaf ~c) and the slot to patch with its new id (or -1).
    stack.push(t.numLeaves === 1 ? -1 : 0, -1);
    while (stack.length > 0) {
      const patch = stack.pop() as number;
      const node = stack.pop() as number;
      const id = next++;
      if (patch >= 0) head[patch] = id;
      if (node < 0) {
        head[2 * id] = -1;
        value[id] = t.leafValue[~node] as number;
        continue;
      }
      const dt = t.decisionType[node] as number;
      head[2 * id] = ((t.splitFeature[node] as number) << 4) | (dt & 0xf);
      if (dt & 1) {
        const c = t.threshold[node] as number;
        const from = t.catBoundaries[c] as number;
        const to = t.catBoundaries[c + 1] as number;
        value[id] = catWords.length;
        catWords.push(to - from);
        for (let k = from; k < to; k++) catWords.push(t.catThreshold[k] as number);
      } else {
        value[id] = t.threshold[node] as number;
      }
      stack.push(t.rightChild[node] as number, 2 * id + 1);
      stack.push(t.leftChild[node] as number, -1);
    }
  });
  return { roots, head, value, cats: Uint32Array.from(catWords, (w) => w >>> 0) };
}

/** CategoricalDecision: NaN or a negative integer part goes right; a code in the bitset goes left. */
function categoryGoesLeft(cats: Uint32Array, at: number, x: number): boolean {
  // static_cast<int> of a value beyond int range is INT_MIN on x86-64: negative, so right.
  if (Number.isNaN(x) || x <= -1 || x >= 2147483648) return false;
  const c = Math.trunc(x);
  const word = c >>> 5;
  if (word >= (cats[at] as number)) return false;
  return (((cats[at + 1 + word] as number) >>> (c & 31)) & 1) === 1;
}

/** The leaf value row x (float64, NaN = missing, at x[xo ..]) reaches in the tree rooted at `root`. */
export function lightgbmLeaf(
  p: PackedLightGBMForest,
  x: ArrayLike<number>,
  xo: number,
  root: number,
): number {
  const { head, value } = p;
  let i = root;
  let h = head[2 * i] as number;
  while (h >= 0) {
    let v = x[xo + (h >>> 4)] as number;
    let left: boolean;
    if (h & 1) {
      left = categoryGoesLeft(p.cats, value[i] as number, v);
    } else {
      const missingType = (h >> 2) & 3;
      if (Number.isNaN(v) && missingType !== 2) v = 0;
      if ((missingType === 1 && v >= -K_ZERO && v <= K_ZERO) || (missingType === 2 && Number.isNaN(v)))
        left = (h & 2) !== 0;
      else left = v <= (value[i] as number);
    }
    i = left ? i + 1 : (head[2 * i + 1] as number);
    h = head[2 * i] as number;
  }
  return value[i] as number;
}
