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
import { wasmAvailable } from './wasm/forest-engine.js';
import { LEAF_FEATURE, NODE_BYTES, TREE_HEADER_BYTES } from './wasm/forest-kernel.js';
import { engineFromImage, IMAGE_HEADERS, type PackedEngine, packEngine } from './wasm/forest-layout.js';

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
 * Why `image` (at offset 0 of its buffer) is not the image of trees of these node counts over nFeatures
 * features with K outputs each, or null when the kernel can run it: the regions where packEngine puts
 * them, zero gaps, each tree's header (its nodes, column 0, width K); in each tree every split has a
 * feature in range, a threshold that is not NaN and a right child after it inside the tree (the left one
 * is the next node), so every walk ends at a leaf of the tree; every leaf points at K finite float64
 * values inside the leaf region.
 */
export function forestImageProblem(
  image: Uint8Array,
  nodeCounts: readonly number[],
  nFeatures: number,
  K: number,
): string | null {
  const nTrees = nodeCounts.length;
  const nodesAt = align8(IMAGE_HEADERS + TREE_HEADER_BYTES * nTrees);
  let nodes = 0;
  for (const n of nodeCounts) nodes += n;
  const leavesAt = align8(nodesAt + NODE_BYTES * nodes);
  const end = image.length;
  if (end < leavesAt + 8 * K || end % 8 !== 0) {
    return `${end} bytes cannot hold ${nTrees} trees of ${nodes} nodes and their leaf values`;
  }
  const { buffer, byteOffset } = image;
  if (byteOffset !== 0) throw new RangeError('a forest image is checked at offset 0 of its memory');
  const i32 = new Int32Array(buffer, 0, end / 4);
  const f32 = new Float32Array(buffer, 0, end / 4);
  for (const [from, to] of [
    [0, IMAGE_HEADERS],
    [IMAGE_HEADERS + TREE_HEADER_BYTES * nTrees, nodesAt],
    [nodesAt + NODE_BYTES * nodes, leavesAt],
  ] as const) {
    for (let b = from; b < to; b++) if (image[b] !== 0) return `byte ${b} (padding) is not zero`;
  }
  const values = new Float64Array(buffer, leavesAt, (end - leavesAt) / 8);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v - v !== 0) return `leaf value ${i} is ${v}; expected a finite number`;
  }
  let base = nodesAt;
  for (let t = 0; t < nTrees; t++) {
    const n = nodeCounts[t] as number;
    const h = (IMAGE_HEADERS + TREE_HEADER_BYTES * t) / 4;
    if (i32[h] !== base || i32[h + 1] !== 0 || i32[h + 2] !== K) {
      return `tree ${t}: header (${i32[h]}, ${i32[h + 1]}, ${i32[h + 2]}); expected (${base}, 0, ${K})`;
    }
    const bad = firstBadNode(i32, f32, base, n, 4 * nFeatures, leavesAt, end - 8 * K);
    if (bad >= 0) {
      const w = (base + NODE_BYTES * bad) / 4;
      return `tree ${t}, node ${bad}: (threshold ${f32[w]}, feature offset ${i32[w + 1]}, link ${i32[w + 2]}) is neither a split with a forward link inside the tree nor a leaf pointing into the leaf region`;
    }
    base += NODE_BYTES * n;
  }
  return null;
}

/**
 * The first bad node of the tree of n nodes at byte `base`, or -1 (one tight loop over int32 words, so it
 * is optimised within the first trees of a cold process).
 */
function firstBadNode(
  i32: Int32Array,
  f32: Float32Array,
  base: number,
  n: number,
  maxFeature: number,
  leavesAt: number,
  lastLeaf: number,
): number {
  const w0 = base >> 2;
  const treeEnd = base + NODE_BYTES * n;
  const step = NODE_BYTES >> 2;
  for (let i = 0, w = w0, a = base; i < n; i++, w += step, a += NODE_BYTES) {
    const feature = i32[w + 1] as number;
    const link = i32[w + 2] as number;
    if (feature === LEAF_FEATURE) {
      if (i32[w] !== 0 || link < leavesAt || link > lastLeaf || (link & 7) !== 0) return i;
    } else if (
      feature < 0 ||
      feature >= maxFeature ||
      (feature & 3) !== 0 ||
      Number.isNaN(f32[w]) ||
      link <= a ||
      link >= treeEnd ||
      (link - base) % NODE_BYTES !== 0
    ) {
      return i;
    }
  }
  return -1;
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
  const problem = forestImageProblem(
    new Uint8Array(packed.memory.buffer, 0, imageBytes),
    spec.nodeCounts,
    spec.nFeatures,
    spec.K,
  );
  if (problem !== null) invalid(problem);
  return packed;
}

export { packedSums };
