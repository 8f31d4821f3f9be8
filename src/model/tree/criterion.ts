// The criterion interface of scikit-learn 1.2.1's tree code, the shared impurity-improvement formula and
// the generic split-position scan (BestSplitter.node_split's inner loop).

/** What the splitter and builders need from a criterion; mirrors sklearn's `Criterion` methods. */
export interface Criterion {
  /** Sum of weights in the node, left of `pos`, right of `pos`. */
  wN: number;
  wL: number;
  wR: number;
  /** Total weight of all training samples (the splitter's `weighted_n_samples`). */
  weightedNSamples: number;
  /** Number of values stored per node (classes, or 1 for regression). */
  readonly nValues: number;
  init(samples: Int32Array, start: number, end: number): void;
  reset(): void;
  update(newPos: number): void;
  nodeImpurity(): number;
  /** Writes [impurity_left, impurity_right] into `out`. */
  childrenImpurity(out: Float64Array): void;
  proxyImpurityImprovement(): number;
  impurityImprovement(parent: number, left: number, right: number): number;
  nodeValue(dest: Float64Array, offset: number): void;
  /**
   * The inner loop of BestSplitter.node_split over one sorted feature (Xf[start:end], after reset):
   * sets `scanPos`/`scanProxy` to the first position with the highest proxy improvement
   * (scanPos = -1 when no position is allowed).
   */
  scan(Xf: Float32Array, minSamplesLeaf: number, minWeightLeaf: number): void;
  scanPos: number;
  scanProxy: number;
}

export const FEATURE_THRESHOLD = Math.fround(1e-7);

/** The scan through the criterion's public methods (used by Entropy and MSE). */
export function genericScan(
  c: Criterion,
  Xf: Float32Array,
  start: number,
  end: number,
  minSamplesLeaf: number,
  minWeightLeaf: number,
): void {
  let bestPos = -1;
  let bestProxy = -Infinity;
  let p = start;
  while (p < end) {
    while (p + 1 < end && (Xf[p + 1] as number) <= Math.fround((Xf[p] as number) + FEATURE_THRESHOLD)) p += 1;
    p += 1;
    if (p >= end) continue;
    if (p - start < minSamplesLeaf || end - p < minSamplesLeaf) continue;
    c.update(p);
    if (c.wL < minWeightLeaf || c.wR < minWeightLeaf) continue;
    const proxy = c.proxyImpurityImprovement();
    if (proxy > bestProxy) {
      bestProxy = proxy;
      bestPos = p;
    }
  }
  c.scanPos = bestPos;
  c.scanProxy = bestProxy;
}

/** `Criterion.impurity_improvement`, shared by all criteria. */
export function improvement(c: Criterion, parent: number, left: number, right: number): number {
  return (c.wN / c.weightedNSamples) * (parent - (c.wR / c.wN) * right - (c.wL / c.wN) * left);
}
