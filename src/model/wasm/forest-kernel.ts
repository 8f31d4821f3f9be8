// Generates the WebAssembly kernel that walks a packed forest (forest-layout.ts) over a block of rows:
// tree by tree, each tree over every row of the block, LANES rows in lockstep with branch-free child
// selection (their dependent load chains overlap), then a scalar tail. Each row adds its trees' leaf
// vectors to its outputs in tree order, so every sum is the one scikit-learn computes.
//
// Node record (12 bytes): f32 threshold (already rounded down to float32), i32 feature byte offset in
// the row (-4 marks a leaf), i32 address of the right child (leaf: address of its f64 output vector).
// The left child of a node is the next record. Tree header (12 bytes): root address, byte offset of
// its first output column, number of outputs it adds.
import { I32, moduleBytes, op } from './encoder.js';

/** Rows walked in lockstep: enough independent chains to hide the node-load latency (6 measured best). */
export const LANES = 6;
export const NODE_BYTES = 12;
export const TREE_HEADER_BYTES = 12;
export const LEAF_FEATURE = -4;

export interface KernelShape {
  /** Address of the tree header table. */
  readonly headers: number;
  /** Bytes per input row (nFeatures × 4, float32). */
  readonly rowBytes: number;
  /** Bytes per output row (nOutputs × 8, float64). */
  readonly outBytes: number;
  readonly memory: { readonly shared: boolean; readonly maxPages: number };
}

// Parameters of run(treeStart, treeEnd, xBase, nRows, outBase).
const T_START = 0;
const T_END = 1;
const X_BASE = 2;
const N_ROWS = 3;
const OUT_BASE = 4;
// Locals.
const T = 5;
const ROOT = 6;
const COL = 7;
const WIDTH = 8;
const R = 9;
const O = 10;
const LEAF = 11;
const J = 12;
const LANE0 = 13;
const laneA = (k: number) => LANE0 + 3 * k;
const laneF = (k: number) => LANE0 + 3 * k + 1;
const laneX = (k: number) => LANE0 + 3 * k + 2;

/** a = x[f] > threshold ? right : a + 12, for a node whose feature offset is in `f`. */
function step(a: number, f: number, x: number): number[] {
  return [
    ...op.get(a),
    ...op.i32Load(8),
    ...op.get(a),
    ...op.i32(NODE_BYTES),
    ...op.i32Add,
    ...op.get(x),
    ...op.get(f),
    ...op.i32Add,
    ...op.f32Load(),
    ...op.get(a),
    ...op.f32Load(),
    ...op.f32Gt,
    ...op.select,
  ];
}

/** out[row][col .. col + width) += leafVector(a), with `row` already as an address in O. */
function accumulate(a: number): number[] {
  return [
    ...op.get(a),
    ...op.i32Load(8),
    ...op.set(LEAF),
    ...op.i32(0),
    ...op.set(J),
    ...op.block,
    ...op.loop,
    ...op.get(J),
    ...op.get(WIDTH),
    ...op.i32GeS,
    ...op.brIf(1),
    ...op.get(O),
    ...op.get(O),
    ...op.f64Load(),
    ...op.get(LEAF),
    ...op.f64Load(),
    ...op.f64Add,
    ...op.f64Store(),
    ...op.get(O),
    ...op.i32(8),
    ...op.i32Add,
    ...op.set(O),
    ...op.get(LEAF),
    ...op.i32(8),
    ...op.i32Add,
    ...op.set(LEAF),
    ...op.get(J),
    ...op.i32(1),
    ...op.i32Add,
    ...op.set(J),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}

/** O = outBase + row * outBytes + col, for the row in local `row` plus `plus`. */
function outAddress(s: KernelShape, row: number, plus: number): number[] {
  return [
    ...op.get(OUT_BASE),
    ...op.get(row),
    ...op.i32(plus),
    ...op.i32Add,
    ...op.i32(s.outBytes),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.get(COL),
    ...op.i32Add,
    ...op.set(O),
  ];
}

/** Rows r, r+1, ... r+LANES-1 through the current tree, in lockstep. */
function lockstep(s: KernelShape): number[] {
  const b: number[] = [];
  for (let k = 0; k < LANES; k++) {
    b.push(...op.get(ROOT), ...op.tee(laneA(k)), ...op.i32Load(4), ...op.set(laneF(k)));
    b.push(...op.get(X_BASE), ...op.get(R), ...op.i32(k), ...op.i32Add, ...op.i32(s.rowBytes));
    b.push(...op.i32Mul, ...op.i32Add, ...op.set(laneX(k)));
  }
  b.push(...op.block, ...op.loop);
  // Stop when every lane is at a leaf (the AND of their feature words is negative).
  b.push(...op.get(laneF(0)));
  for (let k = 1; k < LANES; k++) b.push(...op.get(laneF(k)), ...op.i32And);
  b.push(...op.i32(0), ...op.i32LtS, ...op.brIf(1));
  for (let k = 0; k < LANES; k++) {
    // A lane already at its leaf stays there (its x load reads a harmless neighbour; select drops it).
    b.push(...op.get(laneA(k)), ...step(laneA(k), laneF(k), laneX(k)));
    b.push(...op.get(laneF(k)), ...op.i32(0), ...op.i32LtS, ...op.select);
    b.push(...op.tee(laneA(k)), ...op.i32Load(4), ...op.set(laneF(k)));
  }
  b.push(...op.br(0), ...op.end, ...op.end);
  for (let k = 0; k < LANES; k++) b.push(...outAddress(s, R, k), ...accumulate(laneA(k)));
  return b;
}

/** One row (R) through the current tree, with lane 0's locals. */
function scalar(s: KernelShape): number[] {
  const [a, f, x] = [laneA(0), laneF(0), laneX(0)];
  return [
    ...op.get(ROOT),
    ...op.tee(a),
    ...op.i32Load(4),
    ...op.set(f),
    ...op.get(X_BASE),
    ...op.get(R),
    ...op.i32(s.rowBytes),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.set(x),
    ...op.block,
    ...op.loop,
    ...op.get(f),
    ...op.i32(0),
    ...op.i32LtS,
    ...op.brIf(1),
    ...step(a, f, x),
    ...op.tee(a),
    ...op.i32Load(4),
    ...op.set(f),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...outAddress(s, R, 0),
    ...accumulate(a),
  ];
}

/** `while (cond) { body }` where cond is an i32 expression that breaks when true. */
function loopUntil(breakIf: number[], body: number[]): number[] {
  return [...op.block, ...op.loop, ...breakIf, ...op.brIf(1), ...body, ...op.br(0), ...op.end, ...op.end];
}

/** The kernel module's bytes for one forest layout. */
export function kernelModule(s: KernelShape): Uint8Array {
  const perTree = [
    ...op.get(T),
    ...op.i32(TREE_HEADER_BYTES),
    ...op.i32Mul,
    ...op.i32(s.headers),
    ...op.i32Add,
    ...op.tee(O),
    ...op.i32Load(0),
    ...op.set(ROOT),
    ...op.get(O),
    ...op.i32Load(4),
    ...op.set(COL),
    ...op.get(O),
    ...op.i32Load(8),
    ...op.set(WIDTH),
    ...op.i32(0),
    ...op.set(R),
    ...loopUntil(
      [...op.get(R), ...op.i32(LANES), ...op.i32Add, ...op.get(N_ROWS), ...op.i32GtS],
      [...lockstep(s), ...op.get(R), ...op.i32(LANES), ...op.i32Add, ...op.set(R)],
    ),
    ...loopUntil(
      [...op.get(R), ...op.get(N_ROWS), ...op.i32GeS],
      [...scalar(s), ...op.get(R), ...op.i32(1), ...op.i32Add, ...op.set(R)],
    ),
    ...op.get(T),
    ...op.i32(1),
    ...op.i32Add,
    ...op.set(T),
  ];
  const body = [
    ...op.get(T_START),
    ...op.set(T),
    ...loopUntil([...op.get(T), ...op.get(T_END), ...op.i32GeS], perTree),
  ];
  return moduleBytes(
    { params: [I32, I32, I32, I32, I32], locals: [[LANE0 - 5 + 3 * LANES, I32]], body },
    s.memory,
  );
}
