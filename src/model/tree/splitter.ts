// scikit-learn 1.2.1's dense BestSplitter: the xorshift feature draws, the persistent feature
// permutation with its constant-feature prefix, the sorted scan and the in-place partition.
import type { Criterion } from './criterion.js';
import { FAST_SORT_MAX_ROWS, fastSortSamples, SortScratch } from './fast-sort.js';
import { sortSamples, sortSamplesMarked } from './sort.js';

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
  /** The node's samples before a tie-checked fast sort, restored when the sort found ties. */
  readonly saved: Int32Array;
  /** tieMark[sample] === tieStamp: the sample's value ties with another one of the node (or is 0). */
  readonly tieMark: Int32Array;
  tieStamp = 0;
  stamp = 0;
  /** Per-feature sorted lists (see BestSplitter.lists), allocated on first use. */
  lists: SortedLists | null = null;
  constructor(readonly nRows: number) {
    this.Xf = new Float32Array(nRows);
    this.Xbits = new Uint32Array(this.Xf.buffer);
    this.scratch = new SortScratch(nRows);
    this.mark = new Int32Array(nRows);
    this.saved = new Int32Array(nRows);
    this.tieMark = new Int32Array(nRows);
  }
}

/** Largest nFeatures x nRows for which a splitter keeps per-feature sorted lists (8 bytes a cell). */
const MAX_LIST_CELLS = 2 ** 25;

/**
 * For each feature, the node's samples in ascending order of that feature (ties in any order) with
 * their values, at [f * nRows + start, f * nRows + end) for the node's range; split with the node.
 */
class SortedLists {
  readonly order: Int32Array;
  readonly values: Float32Array;
  readonly tmpOrder: Int32Array;
  readonly tmpValues: Float32Array;
  constructor(nRows: number, nFeatures: number) {
    this.order = new Int32Array(nRows * nFeatures);
    this.values = new Float32Array(nRows * nFeatures);
    this.tmpOrder = new Int32Array(nRows);
    this.tmpValues = new Float32Array(nRows);
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
  private readonly fastSort: boolean;
  private readonly ws: SplitterWorkspace;
  private readonly presorted: Presorted | null;
  /**
   * Exact-order mode with a presorted order: each feature's sorted list is carried from node to node
   * (split along with the node, in linear time) instead of sorting every feature at every node. A
   * list without equal values (or zeros) is the unique ascending order, hence exactly what the
   * introsort would produce; with ties, the introsort runs from the node's current order.
   */
  private readonly lists: SortedLists | null;
  /** 1 for the features carried in `lists`; a feature with ties in over a quarter of the root is not. */
  private readonly listed: Uint8Array;
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
    this.exactSort = opts.exactTieOrder;
    this.fastSort = nRows <= FAST_SORT_MAX_ROWS;
    this.presorted = this.fastSort ? (opts.presorted ?? null) : null;
    this.lists = null;
    this.listed = new Uint8Array(nFeatures);
    if (this.exactSort && this.presorted && nRows * nFeatures <= MAX_LIST_CELLS) {
      if (this.ws.lists?.order.length !== nRows * nFeatures)
        this.ws.lists = new SortedLists(nRows, nFeatures);
      this.lists = this.ws.lists;
      const { order, values } = this.presorted;
      const lo = this.lists.order;
      const lv = this.lists.values;
      for (let f = 0; f < nFeatures; f++) {
        const base = f * nRows;
        let k = base;
        for (let j = base; j < base + nRows; j++) {
          const r = order[j] as number;
          if ((weight[r] as number) !== 0.0) {
            lo[k] = r;
            lv[k++] = values[j] as number;
          }
        }
        let ties = 0;
        let prev = Number.NaN;
        for (let j = base; j < k; j++) {
          const v = lv[j] as number;
          if (v === prev || v === 0) ties += 1;
          prev = v;
        }
        this.listed[f] = ties * 4 > k - base ? 0 : 1;
      }
    }
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

    if (best.pos < end) {
      this.partition(start, end, best, impurity);
      if (this.lists) this.splitLists(start, best.pos, end);
    }
    // Restore the constant-feature invariant for the children (sklearn's two memcpy calls).
    for (let i = 0; i < nKnown; i++) features[i] = constants[i] as number;
    for (let i = nKnown; i < nKnown + nFound; i++) constants[i] = features[i] as number;
    return nTotal;
  }

  /**
   * Fills Xf[start:end] with feature `feat` of the node's samples, sorted ascending (samples moved
   * along). Large nodes read the presorted order instead of sorting. When the order of equal values
   * matters (exactTieOrder), a fast sort is kept only if it found no two equal values (and no zero,
   * whose sign the fast sorts drop): then the ascending order is unique, so it is exactly the
   * order sklearn's introsort produces. Otherwise the node's samples are put back and introsorted.
   */
  private sortFeature(feat: number, start: number, end: number): void {
    const { Xf, samples, X, nRows } = this;
    const n = end - start;
    const base = feat * nRows;
    if (this.fastSort && !this.exactSort) {
      this.fastSortFeature(feat, start, end);
      return;
    }
    if (this.lists && this.listed[feat] === 1) {
      this.sortFromList(feat, start, end);
      return;
    }
    if (this.fastSort && !this.lists && this.sortTieChecked(feat, start, end)) return;
    for (let p = start; p < end; p++) Xf[p] = X[base + (samples[p] as number)] as number;
    sortSamples(Xf, samples, start, n);
  }

  /**
   * Exact order through a fast sort: false (samples put back) when over a quarter of the values tie,
   * else done, with the marked introsort when some values tie.
   */
  private sortTieChecked(feat: number, start: number, end: number): boolean {
    const { Xf, samples, X, nRows, ws } = this;
    const n = end - start;
    const base = feat * nRows;
    const { saved, tieMark } = ws;
    saved.set(samples.subarray(start, end), start);
    this.fastSortFeature(feat, start, end);
    // Mark every sample in a run of equal values, and zeros.
    ws.tieStamp = (ws.tieStamp + 1) | 0;
    const stamp = ws.tieStamp;
    let nMarked = 0;
    let prev = Number.NaN;
    for (let p = start; p < end; p++) {
      const v = Xf[p] as number;
      if (v === prev || v === 0) {
        if (v === prev && tieMark[samples[p - 1] as number] !== stamp) {
          tieMark[samples[p - 1] as number] = stamp;
          nMarked += 1;
        }
        tieMark[samples[p] as number] = stamp;
        nMarked += 1;
      }
      prev = v;
    }
    if (nMarked === 0) return true;
    if (nMarked * 4 > n) {
      samples.set(saved.subarray(start, end), start);
      return false;
    }
    for (let p = start; p < end; p++) {
      const r = saved[p] as number;
      Xf[p] = X[base + r] as number;
      samples[p] = tieMark[r] === stamp ? ~r : r;
    }
    sortSamplesMarked(Xf, ws.Xbits, samples, start, n, nMarked, ws.scratch);
    for (let p = start; p < end; p++) {
      const r = samples[p] as number;
      if (r < 0) samples[p] = ~r;
    }
    return true;
  }

  /** sortFeature in list mode: the list when it has no ties, else the (marked) introsort. */
  private sortFromList(feat: number, start: number, end: number): void {
    const { Xf, samples, X, nRows, ws } = this;
    const lists = this.lists as SortedLists;
    const off = feat * nRows;
    const lv = lists.values;
    const lo = lists.order;
    const n = end - start;
    let ties = 0;
    let prev = Number.NaN;
    for (let j = off + start; j < off + end; j++) {
      const v = lv[j] as number;
      if (v === prev || v === 0) ties += 1;
      prev = v;
    }
    if (ties === 0) {
      samples.set(lo.subarray(off + start, off + end), start);
      Xf.set(lv.subarray(off + start, off + end), start);
      return;
    }
    const base = feat * nRows;
    if (ties * 4 > n) {
      // Mostly ties: the plain introsort from the node's current order.
      for (let p = start; p < end; p++) Xf[p] = X[base + (samples[p] as number)] as number;
      sortSamples(Xf, samples, start, n);
      return;
    }
    const { tieMark } = ws;
    ws.tieStamp = (ws.tieStamp + 1) | 0;
    const stamp = ws.tieStamp;
    let nMarked = 0;
    prev = Number.NaN;
    for (let j = off + start; j < off + end; j++) {
      const v = lv[j] as number;
      if (v === prev || v === 0) {
        if (v === prev && tieMark[lo[j - 1] as number] !== stamp) {
          tieMark[lo[j - 1] as number] = stamp;
          nMarked += 1;
        }
        if (tieMark[lo[j] as number] !== stamp) {
          tieMark[lo[j] as number] = stamp;
          nMarked += 1;
        }
      }
      prev = v;
    }
    for (let p = start; p < end; p++) {
      const r = samples[p] as number;
      Xf[p] = X[base + r] as number;
      if (tieMark[r] === stamp) samples[p] = ~r;
    }
    sortSamplesMarked(Xf, ws.Xbits, samples, start, n, nMarked, ws.scratch);
    for (let p = start; p < end; p++) {
      const r = samples[p] as number;
      if (r < 0) samples[p] = ~r;
    }
  }

  /** Splits every feature's list of the node into the children's (stable), after partition. */
  private splitLists(start: number, pos: number, end: number): void {
    const { samples, nRows, nFeatures, ws } = this;
    const lists = this.lists as SortedLists;
    const { order, values, tmpOrder, tmpValues } = lists;
    const { mark } = ws;
    ws.stamp = (ws.stamp + 1) | 0;
    const stamp = ws.stamp;
    for (let p = start; p < pos; p++) mark[samples[p] as number] = stamp;
    for (let f = 0; f < nFeatures; f++) {
      if (this.listed[f] === 0) continue;
      const off = f * nRows;
      let l = off + start;
      let r = 0;
      for (let j = off + start; j < off + end; j++) {
        const s = order[j] as number;
        const v = values[j] as number;
        if (mark[s] === stamp) {
          order[l] = s;
          values[l++] = v;
        } else {
          tmpOrder[r] = s;
          tmpValues[r++] = v;
        }
      }
      order.set(tmpOrder.subarray(0, r), l);
      values.set(tmpValues.subarray(0, r), l);
    }
  }

  /** Sorts with ties in any order: the presorted order for large nodes, else a fast sort. */
  private fastSortFeature(feat: number, start: number, end: number): void {
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
    fastSortSamples(Xf, ws.Xbits, samples, start, n, ws.scratch);
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
