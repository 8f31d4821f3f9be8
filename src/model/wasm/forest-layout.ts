// Packs any tree ensemble (scikit-learn forests and gradient boosting today; any reader's flat node arrays)
// into one WebAssembly memory for the forest kernel: tree headers, 12-byte nodes with the left child next
// (scikit-learn's depth-first ids already are; other orders are renumbered), leaf output vectors (one-hot
// vectors, the leaves of fully grown classifiers, shared), and per-thread scratch blocks for rows.
import type { NumberArray } from '../number-array.js';
import { toFloat64, toInt32 } from '../number-array.js';
import { float32Floor } from '../tree-pack.js';
import { LEAF_FEATURE, NODE_BYTES, TREE_HEADER_BYTES } from './forest-kernel.js';
import { newMemory, type WasmMemory } from './runtime.js';

/** One tree as the engine needs it: scikit-learn's node arrays and where its outputs go. */
export interface EngineTree {
  readonly nodeCount: number;
  readonly childrenLeft: NumberArray;
  readonly childrenRight: NumberArray;
  readonly feature: NumberArray;
  readonly threshold: NumberArray;
  /** First output column this tree adds to and how many (the length of its leaf vectors). */
  readonly column: number;
  readonly width: number;
}

/** A validated tree ensemble in engine terms (see tree-ensemble.ts and gradient-boosting.ts). */
export interface EngineSpec {
  readonly trees: readonly EngineTree[];
  readonly nFeatures: number;
  /** Outputs per row (classes, 1 for a regressor, raw-score columns for boosting). */
  readonly nOutputs: number;
  /** Tree t's output for its leaf `node` (width values) into out[at ..]. */
  leafOutput(t: number, node: number, out: Float64Array, at: number): void;
}

/** Addresses in the memory (plain numbers, so worker threads can receive them). */
export interface Layout {
  readonly nTrees: number;
  readonly nFeatures: number;
  readonly nOutputs: number;
  readonly headers: number;
  /** Where the trees' part of the memory (headers, nodes, leaf vectors) ends: the predictor image. */
  readonly imageBytes: number;
  /** Rows per block and the scratch of each thread slot: x (float32 rows) then out (float64). */
  readonly blockRows: number;
  readonly slots: readonly { readonly x: number; readonly out: number }[];
  readonly pages: number;
}

const PAGE = 65536;
/** Where the tree header table starts (the first bytes stay zero). */
export const IMAGE_HEADERS = 16;
/** A block of rows is at most this many bytes of float32 input (and at most 65,536 rows). */
const BLOCK_BYTES = 1 << 22;
const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Rows per block: as many as fit BLOCK_BYTES, so each tree is fetched once per many rows. */
export function blockRowsFor(nFeatures: number): number {
  return Math.max(64, Math.min(65536, Math.floor(BLOCK_BYTES / (nFeatures * 4))));
}

/** New ids in pre-order (left subtree first), so that every left child is the next node. */
function preorder(left: Int32Array, right: Int32Array): Int32Array {
  const n = left.length;
  const order = new Int32Array(n);
  const stack = [0];
  let next = 0;
  while (stack.length > 0) {
    const i = stack.pop() as number;
    order[i] = next++;
    if (left[i] !== -1) stack.push(right[i] as number, left[i] as number);
  }
  return order;
}

interface TreeArrays {
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  /** A (validated) binary tree of n nodes has (n + 1) / 2 leaves. */
  readonly leaves: number;
}

function arraysOf(t: EngineTree): TreeArrays {
  return {
    left: toInt32(t.childrenLeft),
    right: toInt32(t.childrenRight),
    feature: toInt32(t.feature),
    threshold: toFloat64(t.threshold),
    leaves: (t.nodeCount + 1) / 2,
  };
}

/** Leaf vectors in the memory; one-hot vectors (exactly one 1.0, the rest +0.0) are stored once. */
class LeafStore {
  private readonly oneHot: number[][] = [];
  constructor(
    private readonly f64: Float64Array,
    private next: number,
  ) {}

  /** The end of the vectors written so far. */
  get end(): number {
    return this.next;
  }

  /** Address of a copy of vec[0 .. width). */
  add(vec: Float64Array, width: number): number {
    let hot = -1;
    for (let c = 0; c < width; c++) {
      const v = vec[c] as number;
      if (v === 1 && hot === -1) hot = c;
      else if (v !== 0 || 1 / v < 0) {
        hot = -2;
        break;
      }
    }
    if (hot >= 0) {
      const byHot = this.oneHot[width] ?? [];
      this.oneHot[width] = byHot;
      const shared = byHot[hot];
      if (shared !== undefined) return shared;
      byHot[hot] = this.next;
    }
    const at = this.next;
    this.f64.set(vec.subarray(0, width), at / 8);
    this.next += 8 * width;
    return at;
  }
}

/**
 * One tree's node records from `base`, in the new order `order` (null: ids as they are, which needs
 * left = id + 1; returns false as soon as a node breaks that). `leaf(node)` gives a leaf's output address.
 */
function packNodes(
  t: TreeArrays,
  order: Int32Array | null,
  base: number,
  i32: Int32Array,
  f32: Float32Array,
  leaf: (node: number) => number,
): boolean {
  const { left, right, feature, threshold } = t;
  const n = left.length;
  const words = NODE_BYTES / 4;
  const base4 = base / 4;
  for (let i = 0; i < n; i++) {
    const o = base4 + words * (order === null ? i : (order[i] as number));
    if (left[i] === -1) {
      i32[o + 1] = LEAF_FEATURE;
      i32[o + 2] = leaf(i);
      continue;
    }
    if (order === null && left[i] !== i + 1) return false;
    const r = right[i] as number;
    f32[o] = float32Floor(threshold[i] as number);
    i32[o + 1] = (feature[i] as number) * 4;
    i32[o + 2] = base + NODE_BYTES * (order === null ? r : (order[r] as number));
  }
  return true;
}

export interface PackedEngine {
  readonly memory: WasmMemory;
  readonly layout: Layout;
}

/** Lays the ensemble out in a new memory (shared when worker threads will read it) with `slots` scratch blocks. */
export function packEngine(spec: EngineSpec, slots: number, shared: boolean): PackedEngine {
  const trees = spec.trees.map(arraysOf);
  let nodes = 0;
  let leafBytes = 0;
  spec.trees.forEach((t, i) => {
    nodes += t.nodeCount;
    leafBytes += (trees[i] as TreeArrays).leaves * t.width * 8;
  });
  const headers = IMAGE_HEADERS;
  const nodesAt = align8(headers + TREE_HEADER_BYTES * trees.length);
  const leavesAt = align8(nodesAt + NODE_BYTES * nodes);
  const {
    blockRows,
    slots: slotList,
    pages,
  } = placeSlots(leavesAt + leafBytes, spec.nFeatures, spec.nOutputs, slots);
  const memory = newMemory(pages, shared);
  const buf = memory.buffer;
  const i32 = new Int32Array(buf);
  const f32 = new Float32Array(buf);
  const store = new LeafStore(new Float64Array(buf), leavesAt);
  const vec = new Float64Array(Math.max(1, spec.nOutputs));
  let base = nodesAt;
  spec.trees.forEach((t, ti) => {
    const arrays = trees[ti] as TreeArrays;
    const h = (headers + TREE_HEADER_BYTES * ti) / 4;
    i32[h] = base;
    i32[h + 1] = t.column * 8;
    i32[h + 2] = t.width;
    const leaf = (node: number): number => {
      spec.leafOutput(ti, node, vec, 0);
      return store.add(vec, t.width);
    };
    // Node ids as they are when every left child is the next id (scikit-learn's depth-first trees),
    // else renumbered in pre-order (best-first trees, other libraries).
    if (!packNodes(arrays, null, base, i32, f32, leaf)) {
      packNodes(arrays, preorder(arrays.left, arrays.right), base, i32, f32, leaf);
    }
    base += NODE_BYTES * t.nodeCount;
  });
  const layout: Layout = {
    nTrees: trees.length,
    nFeatures: spec.nFeatures,
    nOutputs: spec.nOutputs,
    headers,
    imageBytes: align8(store.end),
    blockRows,
    slots: slotList,
    pages,
  };
  return { memory, layout };
}

/** Scratch slots from address `at` on (rows as float32, then float64 outputs) and the pages it all needs. */
function placeSlots(
  at: number,
  nFeatures: number,
  nOutputs: number,
  slots: number,
): Pick<Layout, 'blockRows' | 'slots' | 'pages'> {
  const blockRows = blockRowsFor(nFeatures);
  const xBytes = align8(blockRows * nFeatures * 4);
  const outBytes = blockRows * nOutputs * 8;
  const slotList: { x: number; out: number }[] = [];
  for (let s = 0; s < slots; s++) {
    const x = align8(at + 16); // 16 bytes before x: a finished lane's x load may read just before a row
    slotList.push({ x, out: x + xBytes });
    at = x + xBytes + outBytes;
  }
  return { blockRows, slots: slotList, pages: Math.ceil(at / PAGE) };
}

/**
 * An engine from a stored image (what packEngine wrote at [0, imageBytes) for these trees): `fill` writes
 * the image into the new memory's first imageBytes bytes (read straight from a file, no repacking); the
 * caller validates it before running the kernel.
 */
export function engineFromImage(
  dims: Pick<Layout, 'nTrees' | 'nFeatures' | 'nOutputs' | 'imageBytes'>,
  slots: number,
  fill: (image: Uint8Array) => void,
): PackedEngine {
  const placed = placeSlots(dims.imageBytes, dims.nFeatures, dims.nOutputs, slots);
  const memory = newMemory(placed.pages, false);
  fill(new Uint8Array(memory.buffer, 0, dims.imageBytes));
  return { memory, layout: { ...dims, headers: IMAGE_HEADERS, ...placed } };
}
