// The JavaScript fallback of the forest kernel (wasm/forest-kernel.ts): rows converted to float32 a block at
// a time, each tree walked over the whole block, four rows in lockstep. Every row adds its trees' outputs
// in tree order: sklearn's sums, bit for bit.
import { castToFloat32 } from './float32-rows.js';
import type { PackedForest } from './tree-pack.js';

export interface RowsLayout {
  /** Outputs per row: classes, or 1 for regression. */
  readonly nValues: number;
  readonly nFeatures: number;
}

/** The scalar walk from node `start` to a leaf; returns the leaf's output offset. */
export function descend(p: PackedForest, x: ArrayLike<number>, xo: number, start: number): number {
  const { w, f32 } = p;
  let i = start;
  let f = w[3 * i + 1] as number;
  while (f >= 0) {
    i = (x[xo + f] as number) <= (f32[3 * i] as number) ? i + 1 : (w[3 * i + 2] as number);
    f = w[3 * i + 1] as number;
  }
  return w[3 * i + 2] as number;
}

function add(leafValues: Float64Array, K: number, out: Float64Array, o: number, off: number): void {
  for (let c = 0; c < K; c++) out[o + c] = (out[o + c] as number) + (leafValues[off + c] as number);
}

/**
 * Rows [0, n) of a float32 block into out[0 .. n*K), tree by tree, four rows in lockstep with
 * branch-free child selection (left = i + 1, else the stored right child): four independent chains
 * per step instead of one mispredicted branch per level. A lane at its leaf waits for the others.
 */
export function accumulateBlock(
  p: PackedForest,
  L: RowsLayout,
  x: Float32Array,
  n: number,
  out: Float64Array,
): void {
  const { roots, w, f32, leafValues } = p;
  const K = L.nValues;
  const F = L.nFeatures;
  const nTrees = roots.length;
  for (let t = 0; t < nTrees; t++) {
    const root = roots[t] as number;
    const rootFeature = w[3 * root + 1] as number;
    let r = 0;
    for (; r + 4 <= n; r += 4) {
      let a = root;
      let b = root;
      let c = root;
      let d = root;
      const xa = r * F;
      const xb = xa + F;
      const xc = xb + F;
      const xd = xc + F;
      let fa = rootFeature;
      let fb = rootFeature;
      let fc = rootFeature;
      let fd = rootFeature;
      while ((fa & fb & fc & fd) >= 0) {
        const la = a + 1;
        const lb = b + 1;
        const lc = c + 1;
        const ld = d + 1;
        // -(x > threshold) is -1 (go right) or 0 (go left): a mask that picks the child.
        if (fa >= 0)
          a = la ^ ((la ^ (w[3 * a + 2] as number)) & -((x[xa + fa] as number) > (f32[3 * a] as number)));
        if (fb >= 0)
          b = lb ^ ((lb ^ (w[3 * b + 2] as number)) & -((x[xb + fb] as number) > (f32[3 * b] as number)));
        if (fc >= 0)
          c = lc ^ ((lc ^ (w[3 * c + 2] as number)) & -((x[xc + fc] as number) > (f32[3 * c] as number)));
        if (fd >= 0)
          d = ld ^ ((ld ^ (w[3 * d + 2] as number)) & -((x[xd + fd] as number) > (f32[3 * d] as number)));
        fa = w[3 * a + 1] as number;
        fb = w[3 * b + 1] as number;
        fc = w[3 * c + 1] as number;
        fd = w[3 * d + 1] as number;
      }
      add(leafValues, K, out, r * K, w[3 * a + 2] as number);
      add(leafValues, K, out, (r + 1) * K, w[3 * b + 2] as number);
      add(leafValues, K, out, (r + 2) * K, w[3 * c + 2] as number);
      add(leafValues, K, out, (r + 3) * K, w[3 * d + 2] as number);
    }
    for (; r < n; r++) add(leafValues, K, out, r * K, descend(p, x, r * F, root));
  }
}

/**
 * Rows [r0, r1) of row-major `rows` added into out[(r - r0) * K ..] (which holds each row's start values).
 * Small forests use short blocks; forests over 1 MiB walk each tree over 16,384 rows at a time.
 */
export function predictRows(
  p: PackedForest,
  L: RowsLayout,
  rows: ArrayLike<unknown>,
  r0: number,
  r1: number,
  out: Float64Array,
): void {
  const F = L.nFeatures;
  const K = L.nValues;
  const block = p.w.length * 4 > 1 << 20 ? 16384 : 256;
  const x32 = new Float32Array(block * F);
  for (let s = r0; s < r1; s += block) {
    const e = Math.min(r1, s + block);
    castToFloat32(rows, s * F, (e - s) * F, x32, F);
    accumulateBlock(p, L, x32, e - s, out.subarray((s - r0) * K, (e - r0) * K));
  }
}
