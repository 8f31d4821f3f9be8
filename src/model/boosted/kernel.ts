// Batches of boosted trees (XGBoost, LightGBM) through lambda-ml's WebAssembly forest kernel
// (wasm/forest-kernel.ts) under the reader's split rule: each tree's node records packed from the reader's
// pre-order forest (the left child is the next record, a leaf holds its own value), the sums kept in the
// library's float type and added tree by tree in the model's order. A tree the kernel cannot walk
// (categorical splits) is walked in JavaScript in its place in that order, over the same memory.

import {
  kernelModule,
  LEAF_FEATURE,
  nodeBytesOf,
  type SplitRule,
  TREE_HEADER_BYTES,
} from '../wasm/forest-kernel.js';
import { blockRowsFor } from '../wasm/forest-layout.js';
import { instantiate, newMemory, wasm } from '../wasm/runtime.js';

export type FloatArray = Float32Array | Float64Array;

/** Where one tree's node records go, and the memory they are written to. */
export interface NodeWriter {
  /** Byte address of the tree's first record (its root). */
  readonly base: number;
  readonly i32: Int32Array;
  /** The memory as the rule's float type (thresholds and leaf values). */
  readonly float: FloatArray;
}

/** A boosted model as the kernel runner needs it. */
export interface KernelTrees {
  /** value, right and leaf ('scalar') fixed by the reader; the flags are switched on by what pack() reports. */
  readonly rule: Pick<SplitRule, 'value' | 'right'>;
  readonly nFeatures: number;
  /** Sums per row (raw-score columns). */
  readonly nOutputs: number;
  /** Trees used, in the order their values are added. */
  readonly nTrees: number;
  /** Node records tree t needs (its reachable nodes). */
  nodeCount(t: number): number;
  /** The raw-score column tree t adds to. */
  column(t: number): number;
  /**
   * Writes tree t's records (threshold, feature word with NAN_RIGHT / ZERO_FLIP, right child; a leaf:
   * its value to add and LEAF_FEATURE) and returns the flags it used, or null when the kernel cannot
   * walk the tree (it is then walked by `walk`).
   */
  pack(t: number, w: NodeWriter): number | null;
  /** Adds tree t's values to out[r * nOutputs + column] for rows [0, n) of x, in JavaScript. */
  walk(t: number, x: FloatArray, n: number, out: FloatArray): void;
}

/**
 * A reader's packed forest in pre-order (the left child of node i is i + 1; tree t's nodes run from
 * roots[t] to the next root) as the kernel needs it.
 */
export interface PreorderNodes {
  readonly roots: Int32Array;
  readonly nNodes: number;
  /** Node i's head word: negative for a leaf, bit 0 set for a categorical split. */
  head(i: number): number;
  right(i: number): number;
  /** The feature a split's head word names. */
  feature(h: number): number;
  /** A split's threshold, or (t, i a leaf) the value the leaf adds to its sum. */
  value(t: number, i: number): number;
  /** NAN_RIGHT / ZERO_FLIP of split i (head word h). */
  flags(i: number, h: number): number;
}

/** KernelTrees over pre-order nodes: trees with categorical splits are left to `walk`. */
export function preorderKernelTrees(
  nodes: PreorderNodes,
  model: Omit<KernelTrees, 'nodeCount' | 'pack'>,
): KernelTrees {
  const { roots } = nodes;
  const end = (t: number): number => (t + 1 < roots.length ? (roots[t + 1] as number) : nodes.nNodes);
  const nb = nodeBytesOf({ value: model.rule.value } as SplitRule);
  const vb = model.rule.value === 'f32' ? 4 : 8;
  return {
    ...model,
    nodeCount: (t) => end(t) - (roots[t] as number),
    pack(t, out) {
      const root = roots[t] as number;
      const to = end(t);
      for (let i = root; i < to; i++) if (nodes.head(i) >= 0 && (nodes.head(i) & 1) !== 0) return null;
      let flags = 0;
      for (let i = root; i < to; i++) {
        const at = out.base + nb * (i - root);
        const w = (at + nb - 8) / 4;
        const h = nodes.head(i);
        out.float[at / vb] = nodes.value(t, i);
        if (h < 0) {
          out.i32[w] = LEAF_FEATURE;
          continue;
        }
        const f = nodes.flags(i, h);
        flags |= f;
        out.i32[w] = nodes.feature(h) * vb + f;
        out.i32[w + 1] = out.base + nb * (nodes.right(i) - root);
      }
      return flags;
    },
  };
}

export interface BoostedKernel {
  /** Trees the kernel leaves to the JavaScript walk (categorical splits). */
  readonly treesInJs: number;
  /**
   * Adds every tree's values to acc[r * nOutputs + c] (already holding the start values) for rows [0, nRows):
   * `fill(x, s, n, into)` writes rows [s, s + n) of the input into the kernel's scratch as the trees compare them.
   */
  run(nRows: number, fill: (s: number, n: number, into: FloatArray) => void, acc: FloatArray): void;
}

const PAGE = 65536;
const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/** Runs of trees: [start, end) walked by the kernel, or one tree walked in JavaScript (end = -1). */
type Segment = readonly [number, number];

/** Packs the model and compiles its kernel; null when this Node has no WebAssembly. */
export function createBoostedKernel(m: KernelTrees): BoostedKernel | null {
  if (wasm === null) return null;
  const f32 = m.rule.value === 'f32';
  const vb = f32 ? 4 : 8;
  const nb = nodeBytesOf({ value: m.rule.value } as SplitRule);
  let nodes = 0;
  for (let t = 0; t < m.nTrees; t++) nodes += m.nodeCount(t);
  const headers = 16;
  const nodesAt = align16(headers + TREE_HEADER_BYTES * m.nTrees);
  const blockRows = blockRowsFor((m.nFeatures * vb) / 4);
  const x = align16(nodesAt + nb * nodes + 16); // 16 bytes before x: a finished lane's x load may read there
  const out = align16(x + blockRows * m.nFeatures * vb);
  const pages = Math.ceil((out + blockRows * m.nOutputs * vb) / PAGE);
  const memory = newMemory(pages, false);
  const i32 = new Int32Array(memory.buffer);
  const float = f32 ? new Float32Array(memory.buffer) : new Float64Array(memory.buffer);
  let flags = 0;
  let base = nodesAt;
  const segments: Segment[] = [];
  for (let t = 0; t < m.nTrees; t++) {
    const h = (headers + TREE_HEADER_BYTES * t) / 4;
    i32[h] = base;
    i32[h + 1] = m.column(t) * vb;
    i32[h + 2] = 1;
    const used = m.pack(t, { base, i32, float });
    const last = segments[segments.length - 1];
    if (used === null) segments.push([t, -1]);
    else if (last !== undefined && last[1] === t) segments[segments.length - 1] = [last[0], t + 1];
    else segments.push([t, t + 1]);
    if (used !== null) flags |= used;
    base += nb * m.nodeCount(t);
  }
  const rule: SplitRule = {
    ...m.rule,
    nanFlag: (flags & 1) !== 0,
    zeroFlag: (flags & 2) !== 0,
    leaf: 'scalar',
  };
  const bytes = kernelModule({
    headers,
    rowBytes: m.nFeatures * vb,
    outBytes: m.nOutputs * vb,
    memory: { shared: false, maxPages: pages },
    rule,
  });
  const runKernel = instantiate(bytes, memory).run as (
    a: number,
    b: number,
    x: number,
    n: number,
    o: number,
  ) => void;
  const F = m.nFeatures;
  const K = m.nOutputs;
  const xs = f32
    ? new Float32Array(memory.buffer, x, blockRows * F)
    : new Float64Array(memory.buffer, x, blockRows * F);
  const sums = f32
    ? new Float32Array(memory.buffer, out, blockRows * K)
    : new Float64Array(memory.buffer, out, blockRows * K);
  return {
    treesInJs: segments.filter((s) => s[1] === -1).length,
    run(nRows, fill, acc) {
      // A short first block: the kernel starts in V8's baseline tier and is optimised once it has run a little.
      let block = Math.min(blockRows, 1024);
      for (let s = 0; s < nRows; s += block, block = blockRows) {
        const n = Math.min(nRows - s, block);
        fill(s, n, xs);
        sums.set(acc.subarray(s * K, (s + n) * K));
        for (const [a, b] of segments) {
          if (b === -1) m.walk(a, xs, n, sums);
          else runKernel(a, b, x, n, out);
        }
        acc.set(sums.subarray(0, n * K), s * K);
      }
    },
  };
}

/**
 * Options of the boosted predictors: javascript true walks every batch in JavaScript, false takes the
 * kernel for every batch; absent, the kernel for batches of at least KERNEL_ROWS rows (built at the first).
 */
export interface BoostedOptions {
  readonly javascript?: boolean;
}

/** Fewer rows than this walk in JavaScript by default (one-row calls stay a few microseconds, no kernel build). */
export const KERNEL_ROWS = 64;

/** Which walk batches take: the kernel built on first need, or null for the JavaScript walk. */
export function kernelChooser(
  make: () => BoostedKernel | null,
  options: BoostedOptions,
): (nRows: number) => BoostedKernel | null {
  let kernel: BoostedKernel | null | undefined;
  return (nRows) => {
    if (options.javascript === true) return null;
    if (options.javascript === undefined && nRows < KERNEL_ROWS) return null;
    if (kernel === undefined) kernel = make();
    return kernel;
  };
}

/** Which walk a batch takes: the kernel (with the trees it leaves to JavaScript) or the JavaScript walk. */
export interface BatchEngine {
  readonly implementation: 'wasm' | 'js';
  readonly treesInJs: number | null;
}

export function engineOf(kernel: BoostedKernel | null): BatchEngine {
  return kernel === null
    ? { implementation: 'js', treesInJs: null }
    : { implementation: 'wasm', treesInJs: kernel.treesInJs };
}
