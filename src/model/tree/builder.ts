// scikit-learn 1.2.1's tree builders: depth-first (LIFO stack, left child popped first) and
// best-first (max_leaf_nodes; a libstdc++ binary heap ordered by improvement).
import { FrontierHeap, type FrontierRecord } from './frontier.js';
import type { BestSplitter, SplitRecord } from './splitter.js';
import { TREE_UNDEFINED, TreeStore } from './tree-store.js';

const EPSILON = 2.220446049250313e-16;

/** Stopping rules in the resolved form sklearn hands to its builders. */
export interface BuilderParams {
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly minWeightLeaf: number;
  readonly minImpurityDecrease: number;
  /** -1 for the depth-first builder, else >= 2. */
  readonly maxLeafNodes: number;
}

function newSplit(): SplitRecord {
  return { feature: 0, pos: 0, threshold: 0, improvement: 0, impurityLeft: 0, impurityRight: 0 };
}

export function buildTree(splitter: BestSplitter, p: BuilderParams): TreeStore {
  const store = new TreeStore(splitter.criterion.nValues);
  if (p.maxLeafNodes < 0) buildDepthFirst(splitter, store, p);
  else buildBestFirst(splitter, store, p);
  return store;
}

const REC = 7; // start, end, depth, parent, isLeft, impurity, nConstant

function buildDepthFirst(splitter: BestSplitter, store: TreeStore, p: BuilderParams): void {
  const criterion = splitter.criterion;
  const split = newSplit();
  let stack = new Float64Array(REC * 64);
  let top = 0;
  const push = (...r: number[]): void => {
    if (top + REC > stack.length) {
      const s = new Float64Array(stack.length * 2);
      s.set(stack);
      stack = s;
    }
    stack.set(r, top);
    top += REC;
  };
  push(0, splitter.nSamples, 0, TREE_UNDEFINED, 0, Infinity, 0);
  let first = true;
  let maxDepthSeen = -1;
  while (top > 0) {
    top -= REC;
    const start = stack[top] as number;
    const end = stack[top + 1] as number;
    const depth = stack[top + 2] as number;
    const parent = stack[top + 3] as number;
    const isLeft = stack[top + 4] === 1;
    let impurity = stack[top + 5] as number;
    let nConstant = stack[top + 6] as number;
    const nNode = end - start;
    const wNode = splitter.nodeReset(start, end);
    let isLeaf =
      depth >= p.maxDepth ||
      nNode < p.minSamplesSplit ||
      nNode < 2 * p.minSamplesLeaf ||
      wNode < 2 * p.minWeightLeaf;
    if (first) {
      impurity = criterion.nodeImpurity();
      first = false;
    }
    isLeaf = isLeaf || impurity <= EPSILON;
    if (!isLeaf) {
      nConstant = splitter.nodeSplit(impurity, start, end, nConstant, split);
      isLeaf = split.pos >= end || split.improvement + EPSILON < p.minImpurityDecrease;
    }
    const id = store.addNode(parent, isLeft, isLeaf, split.feature, split.threshold, impurity, nNode, wNode);
    criterion.nodeValue(store.value, id * store.nValues);
    if (!isLeaf) {
      push(split.pos, end, depth + 1, id, 0, split.impurityRight, nConstant);
      push(start, split.pos, depth + 1, id, 1, split.impurityLeft, nConstant);
    }
    if (depth > maxDepthSeen) maxDepthSeen = depth;
  }
  store.maxDepth = maxDepthSeen;
}

function addSplitNode(
  splitter: BestSplitter,
  store: TreeStore,
  p: BuilderParams,
  start: number,
  end: number,
  impurityIn: number,
  isFirst: boolean,
  isLeft: boolean,
  parent: number,
  depth: number,
): FrontierRecord {
  const criterion = splitter.criterion;
  const split = newSplit();
  const wNode = splitter.nodeReset(start, end);
  const impurity = isFirst ? criterion.nodeImpurity() : impurityIn;
  const nNode = end - start;
  let isLeaf =
    depth >= p.maxDepth ||
    nNode < p.minSamplesSplit ||
    nNode < 2 * p.minSamplesLeaf ||
    wNode < 2 * p.minWeightLeaf ||
    impurity <= EPSILON;
  if (!isLeaf) {
    splitter.nodeSplit(impurity, start, end, 0, split);
    isLeaf = split.pos >= end || split.improvement + EPSILON < p.minImpurityDecrease;
  }
  const id = store.addNode(parent, isLeft, isLeaf, split.feature, split.threshold, impurity, nNode, wNode);
  criterion.nodeValue(store.value, id * store.nValues);
  if (isLeaf) {
    return {
      nodeId: id,
      start,
      end,
      pos: end,
      depth,
      isLeaf: true,
      impurity,
      impurityLeft: impurity,
      impurityRight: impurity,
      improvement: 0.0,
    };
  }
  return {
    nodeId: id,
    start,
    end,
    pos: split.pos,
    depth,
    isLeaf: false,
    impurity,
    impurityLeft: split.impurityLeft,
    impurityRight: split.impurityRight,
    improvement: split.improvement,
  };
}

function buildBestFirst(splitter: BestSplitter, store: TreeStore, p: BuilderParams): void {
  const frontier = new FrontierHeap();
  let maxSplitNodes = p.maxLeafNodes - 1;
  let maxDepthSeen = -1;
  frontier.push(
    addSplitNode(splitter, store, p, 0, splitter.nSamples, Infinity, true, false, TREE_UNDEFINED, 0),
  );
  while (frontier.size > 0) {
    const rec = frontier.pop();
    if (rec.isLeaf || maxSplitNodes <= 0) {
      store.makeLeaf(rec.nodeId);
    } else {
      maxSplitNodes -= 1;
      const d = rec.depth + 1;
      const l = addSplitNode(
        splitter,
        store,
        p,
        rec.start,
        rec.pos,
        rec.impurityLeft,
        false,
        true,
        rec.nodeId,
        d,
      );
      const r = addSplitNode(
        splitter,
        store,
        p,
        rec.pos,
        rec.end,
        rec.impurityRight,
        false,
        false,
        rec.nodeId,
        d,
      );
      frontier.push(l);
      frontier.push(r);
    }
    if (rec.depth > maxDepthSeen) maxDepthSeen = rec.depth;
  }
  store.maxDepth = maxDepthSeen;
}
