// Generates the WebAssembly kernel that walks a packed forest (forest-layout.ts) over a block of rows:
// tree by tree, each tree over every row of the block, several rows at once with branch-free child
// selection (their dependent load chains overlap). Native forests: REFILL_LANES lanes, each taking the
// next row as soon as its row reaches a leaf; the other rules: LANES rows in lockstep, then a scalar
// tail. Each row adds its trees' leaf vectors to its outputs in tree order, so every sum is the one
// scikit-learn computes.
//
// Node record (12 bytes): f32 threshold (already rounded down to float32), i32 feature byte offset in
// the row (-4 marks a leaf), i32 address of the right child (leaf: address of its f64 output vector).
// The left child of a node is the next record. Tree header (12 bytes): root address, byte offset of
// its first output column, number of outputs it adds.
//
// Other split rules (SplitRule) serve the boosting readers: float64 values and thresholds (16-byte
// records: f64 threshold, feature word, right child), `x >= split` to the right (XGBoost's `x < split`
// to the left), flags in the low bits of the feature word sending a missing value (NaN) or a zero to a
// node's default side, and a leaf's own value (in its threshold slot) added to one output column.
import { F32, F64, I32, moduleBytes, op } from './encoder.js';

/** Rows walked in lockstep by the rules with flags or float64 values (6 measured best for them). */
export const LANES = 6;
/**
 * Rows walked at once under the plain float32 rule (the native forests), each lane taking the next row
 * as soon as its own reaches a leaf: 12 measured best (19% less CPU than 6 in lockstep on the 100-tree
 * 100k x 20 forest).
 */
export const REFILL_LANES = 12;
export const NODE_BYTES = 12;
export const TREE_HEADER_BYTES = 12;
export const LEAF_FEATURE = -4;
/** Feature-word flags (SplitRule.nanFlag / zeroFlag): a NaN goes right; a zero takes the other side. */
export const NAN_RIGHT = 1;
export const ZERO_FLIP = 2;

/** How nodes split and what leaves add. */
export interface SplitRule {
  /** Inputs, thresholds and scalar leaf values (and the sums they add to): float32 or float64. */
  readonly value: 'f32' | 'f64';
  /** A row goes right when x > threshold ('gt') or x >= threshold ('ge'); a NaN compares false (left). */
  readonly right: 'gt' | 'ge';
  /** Nodes may carry NAN_RIGHT: a NaN goes right. */
  readonly nanFlag: boolean;
  /** Nodes may carry ZERO_FLIP: a zero (+0 or -0) goes to the side its comparison does not choose. */
  readonly zeroFlag: boolean;
  /**
   * 'vector': a leaf's right word addresses `width` f64 values added to its tree's columns;
   * 'scalar': the leaf's threshold slot holds the value added to its tree's one column.
   */
  readonly leaf: 'vector' | 'scalar';
}

/** The native forests' rule: float32 `x > threshold` to the right, f64 leaf vectors. */
export const FOREST_RULE: SplitRule = {
  value: 'f32',
  right: 'gt',
  nanFlag: false,
  zeroFlag: false,
  leaf: 'vector',
};

/** Bytes of one node record under a rule (its threshold, then the feature word and the right child). */
export function nodeBytesOf(rule: SplitRule): number {
  return rule.value === 'f32' ? NODE_BYTES : 16;
}

export interface KernelShape {
  /** Address of the tree header table. */
  readonly headers: number;
  /** Bytes per input row (nFeatures × 4 or 8). */
  readonly rowBytes: number;
  /** Bytes per output row (nOutputs × 8, float64; or × 4 for a scalar float32 rule). */
  readonly outBytes: number;
  readonly memory: { readonly shared: boolean; readonly maxPages: number };
  /** FOREST_RULE when absent. */
  readonly rule?: SplitRule;
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
const NEXT = 13;
const LANE0 = 14;
const laneA = (k: number) => LANE0 + 4 * k;
const laneF = (k: number) => LANE0 + 4 * k + 1;
const laneX = (k: number) => LANE0 + 4 * k + 2;
const laneR = (k: number) => LANE0 + 4 * k + 3;
/** A lane's float value (only declared for a rule with flags). */
const laneV = (k: number) => LANE0 + 4 * REFILL_LANES + k;

interface Ops {
  readonly rule: SplitRule;
  readonly nb: number;
  readonly load: readonly number[];
  readonly store: readonly number[];
  readonly add: readonly number[];
  readonly cmp: readonly number[];
  readonly ne: readonly number[];
  readonly eq: readonly number[];
  readonly zero: readonly number[];
  readonly type: number;
}

function opsOf(rule: SplitRule): Ops {
  const f32 = rule.value === 'f32';
  return {
    rule,
    nb: nodeBytesOf(rule),
    load: f32 ? op.f32Load() : op.f64Load(),
    store: f32 ? op.f32Store() : op.f64Store(),
    add: f32 ? op.f32Add : op.f64Add,
    cmp: f32 ? (rule.right === 'gt' ? op.f32Gt : op.f32Ge) : rule.right === 'gt' ? op.f64Gt : op.f64Ge,
    ne: f32 ? op.f32Ne : op.f64Ne,
    eq: f32 ? op.f32Eq : op.f64Eq,
    zero: f32 ? op.f32Zero : op.f64Zero,
    type: f32 ? F32 : F64,
  };
}

const flagged = (r: SplitRule): boolean => r.nanFlag || r.zeroFlag;
/** The plain float32 rule walks with refilled lanes; the others in lockstep (measured for each). */
const refills = (r: SplitRule): boolean => r.value === 'f32' && !flagged(r) && r.leaf === 'vector';

/**
 * a = the right child if row x goes right at node a (feature word in `f`), else a + nodeBytes.
 * `v` is a float local for the value when the rule has flags.
 */
function step(o: Ops, a: number, f: number, x: number, v: number): number[] {
  const { rule, nb } = o;
  const b = [...op.get(a), ...op.i32Load(nb - 4), ...op.get(a), ...op.i32(nb), ...op.i32Add];
  b.push(...op.get(x), ...op.get(f));
  if (flagged(rule)) b.push(...op.i32(-4), ...op.i32And);
  b.push(...op.i32Add, ...o.load);
  if (flagged(rule)) b.push(...op.tee(v));
  b.push(...op.get(a), ...o.load, ...o.cmp);
  // NaN: its comparison is false (left); NAN_RIGHT (bit 0 of f) sends it right.
  if (rule.nanFlag) b.push(...op.get(v), ...op.get(v), ...o.ne, ...op.get(f), ...op.i32And, ...op.i32Or);
  // A zero on a ZERO_FLIP node (bit 1 of f) goes to the other side.
  if (rule.zeroFlag) {
    b.push(...op.get(v), ...o.zero, ...o.eq, ...op.get(f), ...op.i32(1), ...op.i32ShrU, ...op.i32And);
    b.push(...op.i32Xor);
  }
  b.push(...op.select);
  return b;
}

/** out[row][col .. col + width) += leafVector(a), with `row` already as an address in O. */
function accumulate(o: Ops, a: number): number[] {
  // A scalar leaf: out[row][col] += its value (in the rule's float type).
  if (o.rule.leaf === 'scalar')
    return [...op.get(O), ...op.get(O), ...o.load, ...op.get(a), ...o.load, ...o.add, ...o.store];
  return [
    ...op.get(a),
    ...op.i32Load(o.nb - 4),
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
function lockstep(s: KernelShape, o: Ops): number[] {
  const fw = o.nb - 8;
  const b: number[] = [];
  for (let k = 0; k < LANES; k++) {
    b.push(...atRoot(o, k));
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
    b.push(...op.get(laneA(k)), ...step(o, laneA(k), laneF(k), laneX(k), laneV(k)));
    b.push(...op.get(laneF(k)), ...op.i32(0), ...op.i32LtS, ...op.select);
    b.push(...op.tee(laneA(k)), ...op.i32Load(fw), ...op.set(laneF(k)));
  }
  b.push(...op.br(0), ...op.end, ...op.end);
  for (let k = 0; k < LANES; k++) b.push(...outAddress(s, R, k), ...accumulate(o, laneA(k)));
  return b;
}

/** x address of the row in local `row` into local `x`. */
function rowAddress(s: KernelShape, row: number, x: number): number[] {
  return [...op.get(X_BASE), ...op.get(row), ...op.i32(s.rowBytes), ...op.i32Mul, ...op.i32Add, ...op.set(x)];
}

/**
 * Every row of the block through the current tree (whose root is not a leaf, nRows >= REFILL_LANES),
 * REFILL_LANES rows at a time: a lane that reaches its leaf adds it to its row's outputs and takes the next row, so no lane
 * idles while another finishes a deeper path; when the rows run out, the lanes still walking finish one by one.
 */
function refill(s: KernelShape, o: Ops): number[] {
  const b: number[] = [];
  for (let k = 0; k < REFILL_LANES; k++) {
    b.push(...op.i32(k), ...op.set(laneR(k)), ...rowAddress(s, laneR(k), laneX(k)), ...atRoot(o, k));
  }
  b.push(...op.i32(REFILL_LANES), ...op.set(NEXT));
  b.push(...op.block, ...op.loop);
  for (let k = 0; k < REFILL_LANES; k++) {
    b.push(...op.get(laneF(k)), ...op.i32(0), ...op.i32LtS, ...op.if);
    b.push(...outAddress(s, laneR(k), 0), ...accumulate(o, laneA(k)));
    // No rows left: this lane is done (row -1); the others finish below.
    b.push(...op.get(NEXT), ...op.get(N_ROWS), ...op.i32GeS, ...op.if);
    b.push(...op.i32(-1), ...op.set(laneR(k)), ...op.br(3), ...op.end);
    b.push(...op.get(NEXT), ...op.tee(laneR(k)), ...op.i32(1), ...op.i32Add, ...op.set(NEXT));
    b.push(...rowAddress(s, laneR(k), laneX(k)), ...atRoot(o, k), ...op.end);
    b.push(...stepLane(o, k));
  }
  b.push(...op.br(0), ...op.end, ...op.end);
  for (let k = 0; k < REFILL_LANES; k++) {
    b.push(...op.get(laneR(k)), ...op.i32(0), ...op.i32GeS, ...op.if);
    b.push(...toLeaf(o, k), ...outAddress(s, laneR(k), 0), ...accumulate(o, laneA(k)), ...op.end);
  }
  return b;
}

/** Lane k at the current tree's root (its node address and feature word). */
function atRoot(o: Ops, k: number): number[] {
  return [...op.get(ROOT), ...op.tee(laneA(k)), ...op.i32Load(o.nb - 8), ...op.set(laneF(k))];
}

/** Lane k one node down (no leaf check: the lane must be at a split). */
function stepLane(o: Ops, k: number): number[] {
  const [a, f] = [laneA(k), laneF(k)];
  return [...step(o, a, f, laneX(k), laneV(k)), ...op.tee(a), ...op.i32Load(o.nb - 8), ...op.set(f)];
}

/** Lane k walked down to its leaf. */
function toLeaf(o: Ops, k: number): number[] {
  return loopUntil([...op.get(laneF(k)), ...op.i32(0), ...op.i32LtS], stepLane(o, k));
}

/** One row (R) through the current tree, with lane 0's locals. */
function scalar(s: KernelShape, o: Ops): number[] {
  return [
    ...atRoot(o, 0),
    ...rowAddress(s, R, laneX(0)),
    ...toLeaf(o, 0),
    ...outAddress(s, R, 0),
    ...accumulate(o, laneA(0)),
  ];
}

/** Rows R .. nRows one at a time. */
function scalarRows(s: KernelShape, o: Ops): number[] {
  return loopUntil(
    [...op.get(R), ...op.get(N_ROWS), ...op.i32GeS],
    [...scalar(s, o), ...op.get(R), ...op.i32(1), ...op.i32Add, ...op.set(R)],
  );
}

/** `while (cond) { body }` where cond is an i32 expression that breaks when true. */
function loopUntil(breakIf: number[], body: number[]): number[] {
  return [...op.block, ...op.loop, ...breakIf, ...op.brIf(1), ...body, ...op.br(0), ...op.end, ...op.end];
}

/** The refill walk when the block has REFILL_LANES rows and the root is a split, else the scalar walk. */
function refillOrScalar(s: KernelShape, o: Ops): number[] {
  return [
    ...op.get(N_ROWS),
    ...op.i32(REFILL_LANES),
    ...op.i32GeS,
    ...op.get(ROOT),
    ...op.i32Load(o.nb - 8),
    ...op.i32(0),
    ...op.i32GeS,
    ...op.i32And,
    ...op.if,
    ...refill(s, o),
    ...op.else,
    ...scalarRows(s, o),
    ...op.end,
  ];
}

/** The kernel module's bytes for one forest layout. */
export function kernelModule(s: KernelShape): Uint8Array {
  const o = opsOf(s.rule ?? FOREST_RULE);
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
    ...(refills(o.rule)
      ? refillOrScalar(s, o)
      : [
          ...loopUntil(
            [...op.get(R), ...op.i32(LANES), ...op.i32Add, ...op.get(N_ROWS), ...op.i32GtS],
            [...lockstep(s, o), ...op.get(R), ...op.i32(LANES), ...op.i32Add, ...op.set(R)],
          ),
          ...scalarRows(s, o),
        ]),
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
  const locals: [number, number][] = [[LANE0 - 5 + 4 * REFILL_LANES, I32]];
  if (flagged(o.rule)) locals.push([LANES, o.type]);
  return moduleBytes({ params: [I32, I32, I32, I32, I32], locals, body }, s.memory);
}
