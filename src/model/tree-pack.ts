// Packs FlatTree[] into one cache-friendly buffer for prediction: nodes renumbered in pre-order so the
// left child of node i is i + 1, 16 bytes per node (float64 threshold, int32 feature, int32 right
// child), leaves pointing at precomputed per-leaf outputs.
import { pairwiseSum } from './numeric.js';
import type { FlatTree } from './types.js';

export interface PackedForest {
  readonly roots: Int32Array;
  /** Node i: threshold at f64[2i]; feature at i32[4i + 2] (-1 for a leaf); right child (or leaf offset) at i32[4i + 3]. */
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  /** Per leaf, nValues entries: normalised class probabilities (classifiers) or the value (regressors). */
  readonly leafValues: Float64Array;
  /** Per leaf: raw `tree_.value` entries (a single classifier tree argmaxes these, as sklearn does). */
  readonly leafRaw: Float64Array;
}

/** One tree's per-leaf output, as sklearn's predict_proba computes it for that leaf. */
function leafOutput(
  t: FlatTree,
  node: number,
  nValues: number,
  classification: boolean,
  out: Float64Array,
  at: number,
): void {
  const raw = t.value.slice(node * nValues, (node + 1) * nValues);
  if (!classification) {
    out.set(raw, at);
    return;
  }
  // proba / proba.sum(axis=1), with a zero normaliser replaced by 1.0
  let norm = pairwiseSum(raw);
  if (norm === 0.0) norm = 1.0;
  for (let c = 0; c < nValues; c++) out[at + c] = (raw[c] as number) / norm;
}

export function packForest(
  trees: readonly FlatTree[],
  nValues: number,
  classification: boolean,
): PackedForest {
  let nodes = 0;
  let leaves = 0;
  for (const t of trees) {
    nodes += t.nodeCount;
    for (let i = 0; i < t.nodeCount; i++) if (t.childrenLeft[i] === -1) leaves++;
  }
  const buf = new ArrayBuffer(nodes * 16);
  const f64 = new Float64Array(buf);
  const i32 = new Int32Array(buf);
  const roots = new Int32Array(trees.length);
  const leafValues = new Float64Array(leaves * nValues);
  const leafRaw = new Float64Array(leaves * nValues);
  let next = 0;
  let leaf = 0;
  // Explicit stack of (original node, slot to patch with its new id or -1).
  const stack: number[] = [];
  trees.forEach((t, ti) => {
    roots[ti] = next;
    stack.push(0, -1);
    while (stack.length > 0) {
      const patch = stack.pop() as number;
      const node = stack.pop() as number;
      const id = next++;
      if (patch >= 0) i32[patch] = id;
      if (t.childrenLeft[node] === -1) {
        i32[4 * id + 2] = -1;
        i32[4 * id + 3] = leaf * nValues;
        t.value.slice(node * nValues, (node + 1) * nValues).forEach((v, c) => {
          leafRaw[leaf * nValues + c] = v;
        });
        leafOutput(t, node, nValues, classification, leafValues, leaf * nValues);
        leaf++;
        continue;
      }
      f64[2 * id] = t.threshold[node] as number;
      i32[4 * id + 2] = t.feature[node] as number;
      // Right is visited after the whole left subtree; its id is patched in when it is emitted.
      stack.push(t.childrenRight[node] as number, 4 * id + 3);
      stack.push(t.childrenLeft[node] as number, -1);
    }
  });
  return { roots, f64, i32, leafValues, leafRaw };
}
