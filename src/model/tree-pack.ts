// The JavaScript fallback's forest layout (where WebAssembly is unavailable; wasm/forest-layout.ts is the
// fast one): nodes renumbered in pre-order so the left child of node i is i + 1, 12 bytes per node
// (float32 threshold, int32 feature, int32 right child), leaves pointing at precomputed per-leaf outputs.
import type { FlatTree } from './types.js';

export interface PackedForest {
  readonly roots: Int32Array;
  /**
   * Node i: f32[3i] threshold; w[3i + 1] feature (-1 for a leaf); w[3i + 2] right child, or for a
   * leaf the offset of its output in `leafValues`. f32 and w view the same buffer.
   */
  readonly f32: Float32Array;
  readonly w: Int32Array;
  /** Per leaf, nValues entries: what the tree adds to a row's outputs (EngineSpec.leafOutput). */
  readonly leafValues: Float64Array;
}

/** Tree t's output for its leaf `node` into out[at ..] (nValues entries). */
export type LeafOutput = (t: number, node: number, out: Float64Array, at: number) => void;

const f32Box = new Float32Array(1);
const u32Box = new Uint32Array(f32Box.buffer);

/**
 * The largest float32 that is <= `thr`. For a float32 input x, `x <= thr` (sklearn compares the
 * float32 value promoted to double with the double threshold) holds exactly when `x <= float32Floor(thr)`.
 */
export function float32Floor(thr: number): number {
  const t = Math.fround(thr);
  if (t <= thr) return t;
  f32Box[0] = t;
  if (t > 0) u32Box[0] = (u32Box[0] as number) - 1;
  else if (t === 0)
    u32Box[0] = 0x80000001; // just below zero
  else u32Box[0] = (u32Box[0] as number) + 1;
  return f32Box[0] as number;
}

/** `shared` puts the arrays in SharedArrayBuffers, so worker threads can read them without copies. */
export function packForest(
  trees: readonly Pick<FlatTree, 'nodeCount' | 'childrenLeft' | 'childrenRight' | 'feature' | 'threshold'>[],
  nValues: number,
  leafOutput: LeafOutput,
  shared = false,
): PackedForest {
  const alloc = (bytes: number): ArrayBuffer | SharedArrayBuffer =>
    shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  let nodes = 0;
  let leaves = 0;
  for (const t of trees) {
    nodes += t.nodeCount;
    for (let i = 0; i < t.nodeCount; i++) if (t.childrenLeft[i] === -1) leaves++;
  }
  const buf = alloc(nodes * 12);
  const f32 = new Float32Array(buf);
  const w = new Int32Array(buf);
  const roots = new Int32Array(alloc(trees.length * 4));
  const leafValues = new Float64Array(alloc(leaves * nValues * 8));
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
      if (patch >= 0) w[patch] = id;
      if (t.childrenLeft[node] === -1) {
        w[3 * id + 1] = -1;
        w[3 * id + 2] = leaf * nValues;
        leafOutput(ti, node, leafValues, leaf * nValues);
        leaf++;
        continue;
      }
      f32[3 * id] = float32Floor(t.threshold[node] as number);
      w[3 * id + 1] = t.feature[node] as number;
      // Right is visited after the whole left subtree; its id is patched in when it is emitted.
      stack.push(t.childrenRight[node] as number, 3 * id + 2);
      stack.push(t.childrenLeft[node] as number, -1);
    }
  });
  return { roots, f32, w, leafValues };
}
