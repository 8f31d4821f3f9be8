// scikit-learn 1.2.1's dense BestSplitter: the xorshift feature draws, the persistent feature
// permutation with its constant-feature prefix, the sorted scan and the in-place partition.
import type { Criterion } from './criterion.js';
import { sortSamples } from './sort.js';

const FEATURE_THRESHOLD = Math.fround(1e-7);
const RAND_R_MAX = 0x7fffffff;

/** The result of `node_split` (sklearn's `SplitRecord`). */
export interface SplitRecord {
  feature: number;
  pos: number;
  threshold: number;
  improvement: number;
  impurityLeft: number;
  impurityRight: number;
}

export interface SplitterOptions {
  readonly maxFeatures: number;
  readonly minSamplesLeaf: number;
  readonly minWeightLeaf: number;
}

/** sklearn's `our_rand_r`: xorshift32 returning a value in [0, RAND_R_MAX]. */
function randR(state: Uint32Array): number {
  let s = state[0] as number;
  if (s === 0) s = 1;
  s = (s ^ (s << 13)) >>> 0;
  s = (s ^ (s >>> 17)) >>> 0;
  s = (s ^ (s << 5)) >>> 0;
  state[0] = s;
  return s & RAND_R_MAX;
}

export class BestSplitter {
  readonly samples: Int32Array;
  readonly nSamples: number;
  weightedNSamples = 0;
  private readonly features: Int32Array;
  private readonly constantFeatures: Int32Array;
  private readonly Xf: Float32Array;
  private readonly rand = new Uint32Array(1);
  private readonly childImp = new Float64Array(2);

  /**
   * @param X feature-major float32 data: X[f * nRows + i]
   * @param seed the first draw `randint(0, RAND_R_MAX)` of the tree's RandomState
   */
  constructor(
    private readonly X: Float32Array,
    private readonly nRows: number,
    private readonly nFeatures: number,
    weight: Float64Array,
    readonly criterion: Criterion,
    private readonly opts: SplitterOptions,
    seed: number,
  ) {
    this.rand[0] = seed;
    const samples = new Int32Array(nRows);
    let j = 0;
    let wSum = 0.0;
    for (let i = 0; i < nRows; i++) {
      const w = weight[i] as number;
      if (w !== 0.0) samples[j++] = i;
      wSum += w;
    }
    this.samples = samples;
    this.nSamples = j;
    this.weightedNSamples = wSum;
    criterion.weightedNSamples = wSum;
    this.features = new Int32Array(nFeatures);
    for (let f = 0; f < nFeatures; f++) this.features[f] = f;
    this.constantFeatures = new Int32Array(nFeatures);
    this.Xf = new Float32Array(nRows);
  }

  nodeReset(start: number, end: number): number {
    this.criterion.init(this.samples, start, end);
    return this.criterion.wN;
  }

  /**
   * Finds the best split of samples[start:end]; `nConstant` is the number of known constant
   * features (sklearn passes it by pointer); the updated count is returned in `best.nConstant`.
   */
  nodeSplit(impurity: number, start: number, end: number, nConstant: number, best: SplitRecord): number {
    const { features, constantFeatures: constants, Xf, samples, X, nRows, criterion } = this;
    const { maxFeatures, minSamplesLeaf, minWeightLeaf } = this.opts;
    best.pos = end;
    best.feature = 0;
    best.threshold = 0.0;
    best.improvement = -Infinity;
    best.impurityLeft = Infinity;
    best.impurityRight = Infinity;
    let bestProxy = -Infinity;
    let fI = this.nFeatures;
    let nVisited = 0;
    let nFound = 0;
    let nDrawn = 0;
    const nKnown = nConstant;
    let nTotal = nKnown;

    while (fI > nTotal && (nVisited < maxFeatures || nVisited <= nFound + nDrawn)) {
      nVisited += 1;
      const low = nDrawn;
      let fJ = low + (randR(this.rand) % (fI - nFound - low));
      if (fJ < nKnown) {
        const t = features[nDrawn] as number;
        features[nDrawn] = features[fJ] as number;
        features[fJ] = t;
        nDrawn += 1;
        continue;
      }
      fJ += nFound;
      const feat = features[fJ] as number;
      const base = feat * nRows;
      for (let p = start; p < end; p++) Xf[p] = X[base + (samples[p] as number)] as number;
      sortSamples(Xf, samples, start, end - start);
      if ((Xf[end - 1] as number) <= Math.fround((Xf[start] as number) + FEATURE_THRESHOLD)) {
        features[fJ] = features[nTotal] as number;
        features[nTotal] = feat;
        nFound += 1;
        nTotal += 1;
        continue;
      }
      fI -= 1;
      features[fJ] = features[fI] as number;
      features[fI] = feat;
      criterion.reset();
      let p = start;
      while (p < end) {
        while (p + 1 < end && (Xf[p + 1] as number) <= Math.fround((Xf[p] as number) + FEATURE_THRESHOLD))
          p += 1;
        p += 1;
        if (p >= end) continue;
        if (p - start < minSamplesLeaf || end - p < minSamplesLeaf) continue;
        criterion.update(p);
        if (criterion.wL < minWeightLeaf || criterion.wR < minWeightLeaf) continue;
        const proxy = criterion.proxyImpurityImprovement();
        if (proxy > bestProxy) {
          bestProxy = proxy;
          const a = Xf[p - 1] as number;
          const b = Xf[p] as number;
          let thr = a / 2.0 + b / 2.0;
          if (thr === b || thr === Infinity || thr === -Infinity) thr = a;
          best.pos = p;
          best.feature = feat;
          best.threshold = thr;
        }
      }
    }

    if (best.pos < end) this.partition(start, end, best, impurity);
    // Restore the constant-feature invariant for the children (sklearn's two memcpy calls).
    for (let i = 0; i < nKnown; i++) features[i] = constants[i] as number;
    for (let i = nKnown; i < nKnown + nFound; i++) constants[i] = features[i] as number;
    return nTotal;
  }

  private partition(start: number, end: number, best: SplitRecord, impurity: number): void {
    const { samples, X, nRows, criterion } = this;
    const base = best.feature * nRows;
    const thr = best.threshold;
    let partEnd = end;
    let p = start;
    while (p < partEnd) {
      if ((X[base + (samples[p] as number)] as number) <= thr) p += 1;
      else {
        partEnd -= 1;
        const t = samples[p] as number;
        samples[p] = samples[partEnd] as number;
        samples[partEnd] = t;
      }
    }
    criterion.reset();
    criterion.update(best.pos);
    criterion.childrenImpurity(this.childImp);
    best.impurityLeft = this.childImp[0] as number;
    best.impurityRight = this.childImp[1] as number;
    best.improvement = criterion.impurityImprovement(impurity, best.impurityLeft, best.impurityRight);
  }
}
