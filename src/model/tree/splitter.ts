// scikit-learn 1.2.1's dense BestSplitter: the xorshift feature draws, the persistent feature
// permutation with its constant-feature prefix, the sorted scan and the in-place partition.
import type { Criterion } from './criterion.js';
import { FAST_SORT_MAX_ROWS, fastSortSamples, SortScratch } from './fast-sort.js';
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
  /**
   * Order equal feature values exactly as sklearn's introsort does. Needed whenever a criterion sum
   * is not an exact integer sum (regression targets, fractional weights); otherwise a faster sort
   * gives the same tree.
   */
  readonly exactTieOrder: boolean;
  /** Rows of each feature in ascending order, shared by all trees of a fit (only with !exactTieOrder). */
  readonly presorted?: Presorted | null;
  /** Buffers reused from tree to tree. */
  readonly workspace?: SplitterWorkspace;
}

/** Per feature, all rows ordered by their float32 value (feature-major, nFeatures x nRows). */
export interface Presorted {
  readonly order: Int32Array;
  readonly values: Float32Array;
}

export function presort(X: Float32Array, nRows: number, nFeatures: number): Presorted {
  const order = new Int32Array(nRows * nFeatures);
  const values = new Float32Array(nRows * nFeatures);
  const samples = new Int32Array(nRows);
  const Xf = new Float32Array(nRows);
  const scratch = new SortScratch(nRows);
  for (let f = 0; f < nFeatures; f++) {
    for (let i = 0; i < nRows; i++) {
      samples[i] = i;
      Xf[i] = X[f * nRows + i] as number;
    }
    fastSortSamples(Xf, new Uint32Array(Xf.buffer), samples, 0, nRows, scratch);
    order.set(samples, f * nRows);
    values.set(Xf, f * nRows);
  }
  return { order, values };
}

/** Scratch arrays of one row count, reused by the splitters of successive trees. */
export class SplitterWorkspace {
  readonly Xf: Float32Array;
  readonly Xbits: Uint32Array;
  readonly scratch: SortScratch;
  readonly mark: Int32Array;
  stamp = 0;
  constructor(readonly nRows: number) {
    this.Xf = new Float32Array(nRows);
    this.Xbits = new Uint32Array(this.Xf.buffer);
    this.scratch = new SortScratch(nRows);
    this.mark = new Int32Array(nRows);
  }
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
  private readonly exactSort: boolean;
  private readonly ws: SplitterWorkspace;
  private readonly presorted: Presorted | null;
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
    this.ws = opts.workspace?.nRows === nRows ? opts.workspace : new SplitterWorkspace(nRows);
    this.Xf = this.ws.Xf;
    this.exactSort = opts.exactTieOrder || nRows > FAST_SORT_MAX_ROWS;
    this.presorted = this.exactSort ? null : (opts.presorted ?? null);
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
    const { features, constantFeatures: constants, Xf, criterion } = this;
    const { maxFeatures, minSamplesLeaf, minWeightLeaf } = this.opts;
    this.markedStamp = -1; // this node's samples are marked on first use of the presorted order
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
      this.sortFeature(feat, start, end);
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
      criterion.scan(Xf, minSamplesLeaf, minWeightLeaf);
      if (criterion.scanPos >= 0 && criterion.scanProxy > bestProxy) {
        bestProxy = criterion.scanProxy;
        const p = criterion.scanPos;
        const a = Xf[p - 1] as number;
        const b = Xf[p] as number;
        let thr = a / 2.0 + b / 2.0;
        if (thr === b || thr === Infinity || thr === -Infinity) thr = a;
        best.pos = p;
        best.feature = feat;
        best.threshold = thr;
      }
    }

    if (best.pos < end) this.partition(start, end, best, impurity);
    // Restore the constant-feature invariant for the children (sklearn's two memcpy calls).
    for (let i = 0; i < nKnown; i++) features[i] = constants[i] as number;
    for (let i = nKnown; i < nKnown + nFound; i++) constants[i] = features[i] as number;
    return nTotal;
  }

  /**
   * Fills Xf[start:end] with feature `feat` of the node's samples, sorted ascending (samples moved
   * along). Large nodes on the fast path read the presorted order instead of sorting.
   */
  private sortFeature(feat: number, start: number, end: number): void {
    const { Xf, samples, X, nRows, ws } = this;
    const n = end - start;
    const pre = this.presorted;
    if (pre && n * 12 > nRows) {
      if (this.markedStamp !== ws.stamp) {
        ws.stamp = (ws.stamp + 1) | 0;
        for (let p = start; p < end; p++) ws.mark[samples[p] as number] = ws.stamp;
        this.markedStamp = ws.stamp;
      }
      const { mark, stamp } = ws;
      const { order, values } = pre;
      let k = start;
      for (let j = feat * nRows; k < end; j++) {
        const r = order[j] as number;
        if (mark[r] === stamp) {
          samples[k] = r;
          Xf[k++] = values[j] as number;
        }
      }
      return;
    }
    const base = feat * nRows;
    for (let p = start; p < end; p++) Xf[p] = X[base + (samples[p] as number)] as number;
    if (this.exactSort) sortSamples(Xf, samples, start, n);
    else fastSortSamples(Xf, ws.Xbits, samples, start, n, ws.scratch);
  }

  private markedStamp = -1;

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
