// A growing flat tree (sklearn's `Tree` arrays) that the builders append nodes to, and its conversion
// to the artifact's FlatTree.
import type { FlatTree } from '../types.js';

export const TREE_LEAF = -1;
export const TREE_UNDEFINED = -2;

export class TreeStore {
  nodeCount = 0;
  maxDepth = 0;
  left = new Int32Array(16);
  right = new Int32Array(16);
  feature = new Int32Array(16);
  threshold = new Float64Array(16);
  impurity = new Float64Array(16);
  nNodeSamples = new Int32Array(16);
  weighted = new Float64Array(16);
  value: Float64Array;

  constructor(readonly nValues: number) {
    this.value = new Float64Array(16 * nValues);
  }

  private grow(): void {
    const cap = this.left.length * 2;
    const g = <T extends Int32Array | Float64Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.left = g(this.left, cap);
    this.right = g(this.right, cap);
    this.feature = g(this.feature, cap);
    this.threshold = g(this.threshold, cap);
    this.impurity = g(this.impurity, cap);
    this.nNodeSamples = g(this.nNodeSamples, cap);
    this.weighted = g(this.weighted, cap);
    this.value = g(this.value, cap * this.nValues);
  }

  /** sklearn's `Tree._add_node`: links the parent, marks leaves, returns the new id. */
  addNode(
    parent: number,
    isLeft: boolean,
    isLeaf: boolean,
    feature: number,
    threshold: number,
    impurity: number,
    nNodeSamples: number,
    weighted: number,
  ): number {
    const id = this.nodeCount;
    if (id >= this.left.length) this.grow();
    this.impurity[id] = impurity;
    this.nNodeSamples[id] = nNodeSamples;
    this.weighted[id] = weighted;
    if (parent !== TREE_UNDEFINED) {
      if (isLeft) this.left[parent] = id;
      else this.right[parent] = id;
    }
    if (isLeaf) this.makeLeaf(id);
    else {
      this.feature[id] = feature;
      this.threshold[id] = threshold;
    }
    this.nodeCount = id + 1;
    return id;
  }

  makeLeaf(id: number): void {
    this.left[id] = TREE_LEAF;
    this.right[id] = TREE_LEAF;
    this.feature[id] = TREE_UNDEFINED;
    this.threshold[id] = TREE_UNDEFINED;
  }

  toFlatTree(): FlatTree {
    const n = this.nodeCount;
    return {
      nodeCount: n,
      maxDepth: this.maxDepth,
      childrenLeft: Array.from(this.left.subarray(0, n)),
      childrenRight: Array.from(this.right.subarray(0, n)),
      feature: Array.from(this.feature.subarray(0, n)),
      threshold: Array.from(this.threshold.subarray(0, n)),
      impurity: Array.from(this.impurity.subarray(0, n)),
      nNodeSamples: Array.from(this.nNodeSamples.subarray(0, n)),
      weightedNNodeSamples: Array.from(this.weighted.subarray(0, n)),
      value: Array.from(this.value.subarray(0, n * this.nValues)),
    };
  }
}
