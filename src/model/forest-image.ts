// The predictor image of a big tree ensemble: the bytes the forest kernel's memory starts with (tree headers,
// 12-byte nodes, leaf vectors; wasm/forest-layout.ts), stored in the binary file next to the trees so a
// load reads them straight into the kernel's memory instead of repacking every node. A load that uses the
// image checks its CRC-32 and validates it in one pass (validateForestImage: every walk ends at a leaf
// inside the tree, features in range, leaf vectors inside the image and finite); a full parse (convert,
// describe) also checks that it is exactly what the trees pack to. An image written for another kernel
// layout (FOREST_IMAGE_LAYOUT) is ignored: the trees are packed as before.
import { endianness } from 'node:os';
import { kindHandler, type TreeEstimator } from './kinds.js';
import { ensembleEngineSpec, type TreeEnsembleSpec, treeLeafOutput } from './tree-ensemble.js';
import { packedSums, SMALL_NODES } from './tree-sums.js';
import type { ModelArtifact } from './types.js';
import { F64, I32, moduleBytes, op } from './wasm/encoder.js';
import { wasmAvailable } from './wasm/forest-engine.js';
import { LEAF_FEATURE, NODE_BYTES, TREE_HEADER_BYTES } from './wasm/forest-kernel.js';
import { engineFromImage, IMAGE_HEADERS, type PackedEngine, packEngine } from './wasm/forest-layout.js';
import { instantiate, type WasmMemory } from './wasm/runtime.js';

/** Names the memory layout an image is for; a kernel with another layout must change it. */
export const FOREST_IMAGE_LAYOUT = `wasm-forest-1 header@${IMAGE_HEADERS} ${TREE_HEADER_BYTES}B node ${NODE_BYTES}B leaf ${LEAF_FEATURE}`;

/** Whether this process can build and run images (WebAssembly, and a little-endian host for the checks). */
export const imagesUsable = wasmAvailable && endianness() === 'LE';

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** The tree-ensemble spec of an artifact of a scikit-learn tree kind, or null for other kinds. */
export function ensembleSpecOf(artifact: ModelArtifact): TreeEnsembleSpec | null {
  const tree = kindHandler(artifact.kind).treeEnsemble;
  if (tree === undefined) return null;
  const est = artifact.estimator as TreeEstimator;
  return {
    kind: artifact.kind,
    task: tree.task,
    nFeatures: artifact.nFeatures,
    classes: artifact.classes,
    trees: est.trees,
    aggregation: tree.aggregation,
    missingValues: est.missingValues === true,
    probabilitiesAsStored: est.probabilitiesAsStored === true,
  };
}

/** Outputs per row of a tree ensemble: its classes, or 1 for a regressor. */
export const ensembleOutputs = (spec: Pick<TreeEnsembleSpec, 'task' | 'classes'>): number =>
  spec.task === 'classification' ? (spec.classes?.length ?? 0) : 1;

/**
 * The image a binary file stores for a (validated) artifact: tree kinds of more than SMALL_NODES nodes
 * that take no missing values (their predictor builds the kernel at load); null for any other model.
 */
export function forestImageOf(artifact: ModelArtifact): Uint8Array | null {
  const spec = ensembleSpecOf(artifact);
  if (spec === null || spec.missingValues === true || !imagesUsable) return null;
  let nodes = 0;
  for (const t of spec.trees) nodes += t.nodeCount;
  if (nodes <= SMALL_NODES) return null;
  const K = ensembleOutputs(spec);
  const packed = packEngine(
    ensembleEngineSpec(spec.trees, spec.nFeatures, K, treeLeafOutput(spec, K)),
    0,
    false,
  );
  return new Uint8Array(packed.memory.buffer, 0, packed.layout.imageBytes).slice();
}

/**
 * Why the image in `memory`'s first imageBytes bytes is not the image of trees of these node counts over
 * nFeatures features with K outputs each, or null when the kernel can run it: the regions where
 * packEngine puts them, zero gaps, each tree's header (its nodes, column 0, width K); in each tree every
 * split has a feature in range, a threshold that is not NaN and a right child after it inside the tree
 * (the left one is the next node), so every walk ends at a leaf of the tree; every leaf points at K
 * finite float64 values inside the leaf region. The per-node and per-value loops run in WebAssembly
 * (compiled at once, fast from the first node of a cold process).
 */
export function forestImageProblem(
  memory: WasmMemory,
  imageBytes: number,
  nodeCounts: readonly number[],
  nFeatures: number,
  K: number,
): string | null {
  const nTrees = nodeCounts.length;
  const nodesAt = align8(IMAGE_HEADERS + TREE_HEADER_BYTES * nTrees);
  let nodes = 0;
  for (const n of nodeCounts) nodes += n;
  const leavesAt = align8(nodesAt + NODE_BYTES * nodes);
  const end = imageBytes;
  if (end < leavesAt + 8 * K || end % 8 !== 0 || end > memory.buffer.byteLength) {
    return `${end} bytes cannot hold ${nTrees} trees of ${nodes} nodes and their leaf values`;
  }
  const image = new Uint8Array(memory.buffer, 0, end);
  const i32 = new Int32Array(memory.buffer, 0, end / 4);
  const f32 = new Float32Array(memory.buffer, 0, end / 4);
  for (const [from, to] of [
    [0, IMAGE_HEADERS],
    [IMAGE_HEADERS + TREE_HEADER_BYTES * nTrees, nodesAt],
    [nodesAt + NODE_BYTES * nodes, leavesAt],
  ] as const) {
    for (let b = from; b < to; b++) if (image[b] !== 0) return `byte ${b} (padding) is not zero`;
  }
  const { nodesRun, valuesRun } = checkers(memory);
  // The checkers write their answer (the first bad index, or -1) at address RESULT, in the first
  // IMAGE_HEADERS bytes, which the kernel never reads; they are zeroed again below.
  valuesRun(leavesAt, end, RESULT);
  const badValue = i32[RESULT / 4] as number;
  if (badValue >= 0) {
    const v = new Float64Array(memory.buffer, leavesAt + 8 * badValue, 1)[0];
    return `leaf value ${badValue} is ${v}; expected a finite number`;
  }
  let base = nodesAt;
  for (let t = 0; t < nTrees; t++) {
    const n = nodeCounts[t] as number;
    const h = (IMAGE_HEADERS + TREE_HEADER_BYTES * t) / 4;
    if (i32[h] !== base || i32[h + 1] !== 0 || i32[h + 2] !== K) {
      return `tree ${t}: header (${i32[h]}, ${i32[h + 1]}, ${i32[h + 2]}); expected (${base}, 0, ${K})`;
    }
    nodesRun(base, n, 4 * nFeatures, leavesAt, end - 8 * K, RESULT);
    const bad = i32[RESULT / 4] as number;
    if (bad >= 0) {
      const w = (base + NODE_BYTES * bad) / 4;
      return `tree ${t}, node ${bad}: (threshold ${f32[w]}, feature offset ${i32[w + 1]}, link ${i32[w + 2]}) is neither a split with a forward link inside the tree nor a leaf pointing into the leaf region`;
    }
    base += NODE_BYTES * n;
  }
  i32[RESULT / 4] = 0;
  return null;
}

// nodesChecker tests "a whole number of records" for 12-byte records (a multiple of 4 whose quarter is a
// multiple of 3); a kernel with other records needs a new FOREST_IMAGE_LAYOUT and this check rewritten.
if (NODE_BYTES !== 12) throw new Error('forest-image.ts: nodesChecker assumes 12-byte node records');

/** Where the checkers write their answer (inside the image's leading zero bytes). */
const RESULT = 8;

// Opcodes the shared encoder (wasm/encoder.ts) does not name.
const I32_STORE = [0x36, 2, 0];
const I32_EQ = [0x46];
const I32_NE = [0x47];
const I32_LE_S = [0x4c];
const I32_DIV_S = [0x6d];
const I32_GT_U = [0x4b];
const I32_SHR_U = [0x76];
const I32_OR = [0x72];
const F32_NE = [0x5c];
const F64_SUB = [0xa1];
const F64_NE = [0x62];
const F64_ZERO = [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
const RETURN = [0x0f];

/**
 * run(base, n, maxFeature, leavesAt, lastLeaf, result): the index of the first of the n node records at
 * `base` that is neither a split (feature offset in [0, maxFeature) and a multiple of 4, threshold not
 * NaN, right child a record after it before the tree's end) nor a leaf (LEAF_FEATURE, zero threshold
 * word, values 8-aligned in [leavesAt, lastLeaf]), or -1, stored at `result`.
 */
function nodesChecker(): Uint8Array {
  const [BASE, N, MAXF, LEAVES, LAST, RES, I, A, END, F, L, BAD] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const g = op.get;
  // biome-ignore format: instructions grouped by statement
  const body = [
    ...g(BASE), ...g(N), ...op.i32(NODE_BYTES), ...op.i32Mul, ...op.i32Add, ...op.set(END),
    ...g(BASE), ...op.set(A),
    ...op.i32(0), ...op.set(I),
    ...op.block, ...op.loop,
    ...g(I), ...g(N), ...op.i32GeS, ...op.brIf(1),
    ...g(A), ...op.i32Load(4), ...op.set(F),
    ...g(A), ...op.i32Load(8), ...op.set(L),
    // A leaf's problems, a split's problems, then the one that applies (no branch to mispredict).
    ...g(A), ...op.i32Load(0), ...op.i32(0), ...I32_NE,
    ...g(L), ...g(LEAVES), ...op.i32LtS, ...I32_OR,
    ...g(L), ...g(LAST), ...op.i32GtS, ...I32_OR,
    ...g(L), ...op.i32(7), ...op.i32And, ...I32_OR,
    ...g(F), ...op.i32(0), ...op.i32LtS,
    ...g(F), ...g(MAXF), ...op.i32GeS, ...I32_OR,
    ...g(F), ...op.i32(3), ...op.i32And, ...I32_OR,
    ...g(A), ...op.f32Load(0), ...g(A), ...op.f32Load(0), ...F32_NE, ...I32_OR,
    ...g(L), ...g(A), ...I32_LE_S, ...I32_OR,
    ...g(L), ...g(END), ...op.i32GeS, ...I32_OR,
    // (L - BASE) a multiple of 12: of 4, and the quarter a multiple of 3 (times 3's inverse mod 2^32 <= (2^32 - 1) / 3).
    ...g(L), ...g(BASE), ...op.i32Sub, ...op.tee(BAD), ...op.i32(3), ...op.i32And, ...I32_OR,
    ...g(BAD), ...op.i32(2), ...I32_SHR_U, ...op.i32(0xaaaaaaab), ...op.i32Mul, ...op.i32(0x55555555), ...I32_GT_U, ...I32_OR,
    ...g(F), ...op.i32(LEAF_FEATURE), ...I32_EQ,
    ...op.select,
    ...op.set(BAD),
    ...g(BAD), ...op.if, ...g(RES), ...g(I), ...I32_STORE, ...RETURN, ...op.end,
    ...g(I), ...op.i32(1), ...op.i32Add, ...op.set(I),
    ...g(A), ...op.i32(NODE_BYTES), ...op.i32Add, ...op.set(A),
    ...op.br(0),
    ...op.end, ...op.end,
    ...g(RES), ...op.i32(-1), ...I32_STORE,
  ];
  return moduleBytes(
    { params: [I32, I32, I32, I32, I32, I32], locals: [[6, I32]], body },
    { shared: false, maxPages: 0 },
  );
}

/** run(from, to, result): the index of the first float64 in [from, to) that is not finite, or -1, at `result`. */
function valuesChecker(): Uint8Array {
  const [FROM, TO, RES, A, X] = [0, 1, 2, 3, 4];
  const g = op.get;
  // biome-ignore format: instructions grouped by statement
  const body = [
    ...g(FROM), ...op.set(A),
    ...op.block, ...op.loop,
    ...g(A), ...g(TO), ...op.i32GeS, ...op.brIf(1),
    ...g(A), ...op.f64Load(0), ...op.tee(X), ...g(X), ...F64_SUB, ...F64_ZERO, ...F64_NE,
    ...op.if,
    ...g(RES), ...g(A), ...g(FROM), ...op.i32Sub, ...op.i32(8), ...I32_DIV_S, ...I32_STORE, ...RETURN,
    ...op.end,
    ...g(A), ...op.i32(8), ...op.i32Add, ...op.set(A),
    ...op.br(0),
    ...op.end, ...op.end,
    ...g(RES), ...op.i32(-1), ...I32_STORE,
  ];
  return moduleBytes(
    {
      params: [I32, I32, I32],
      locals: [
        [1, I32],
        [1, F64],
      ],
      body,
    },
    { shared: false, maxPages: 0 },
  );
}

type NodesRun = (
  base: number,
  n: number,
  maxFeature: number,
  leavesAt: number,
  lastLeaf: number,
  result: number,
) => void;
type ValuesRun = (from: number, to: number, result: number) => void;

function checkers(memory: WasmMemory): { nodesRun: NodesRun; valuesRun: ValuesRun } {
  return {
    nodesRun: instantiate(nodesChecker(), memory).run as NodesRun,
    valuesRun: instantiate(valuesChecker(), memory).run as ValuesRun,
  };
}

/**
 * The engine of a stored image: `read` fills the new kernel memory's first `imageBytes` bytes (from the
 * file), `check` verifies them (checksum), then the structure is validated; throws `invalid(problem)`.
 */
export function engineFromStoredImage(
  spec: { readonly nodeCounts: readonly number[]; readonly nFeatures: number; readonly K: number },
  imageBytes: number,
  read: (into: Uint8Array) => void,
  invalid: (problem: string) => never,
): PackedEngine {
  const packed = engineFromImage(
    { nTrees: spec.nodeCounts.length, nFeatures: spec.nFeatures, nOutputs: spec.K, imageBytes },
    1,
    read,
  );
  const problem = forestImageProblem(packed.memory, imageBytes, spec.nodeCounts, spec.nFeatures, spec.K);
  if (problem !== null) invalid(problem);
  return packed;
}

export { packedSums };
