// scikit-learn 1.2.1's ClassificationCriterion with Gini and Entropy, every sum in the same order and
// every operation separately rounded, so impurities and proxies are bit-identical to the Cython code.
import { type Criterion, FEATURE_THRESHOLD, genericScan, improvement } from './criterion.js';

/** `ClassificationCriterion` for one output; `kind` picks Gini or Entropy impurity. */
export class ClassificationCriterion implements Criterion {
  wN = 0;
  wL = 0;
  wR = 0;
  weightedNSamples = 0;
  readonly nValues: number;
  private readonly sumTotal: Float64Array;
  private readonly sumLeft: Float64Array;
  private readonly sumRight: Float64Array;
  private samples: Int32Array = new Int32Array(0);
  private start = 0;
  private end = 0;
  private pos = 0;
  private readonly impurityOf: (sums: Float64Array, w: number) => number;
  private readonly tmp = new Float64Array(2);
  private readonly isGini: boolean;
  scanPos = -1;
  scanProxy = -Infinity;

  constructor(
    kind: 'gini' | 'entropy',
    private readonly y: Int32Array,
    private readonly weight: Float64Array,
    nClasses: number,
    log: (x: number) => number,
  ) {
    this.nValues = nClasses;
    this.sumTotal = new Float64Array(nClasses);
    this.sumLeft = new Float64Array(nClasses);
    this.sumRight = new Float64Array(nClasses);
    this.impurityOf = kind === 'gini' ? gini : (s, w) => entropy(s, w, log);
    this.isGini = kind === 'gini';
  }

  scan(Xf: Float32Array, minSamplesLeaf: number, minWeightLeaf: number): void {
    if (this.isGini && this.nValues === 2) this.giniScan2(Xf, minSamplesLeaf, minWeightLeaf);
    else genericScan(this, Xf, this.start, this.end, minSamplesLeaf, minWeightLeaf);
  }

  /** giniScan for two classes, with the class sums in locals (same operations, same order). */
  private giniScan2(Xf: Float32Array, minSamplesLeaf: number, minWeightLeaf: number): void {
    const { samples, weight, y, sumTotal, start, end, wN } = this;
    const t0 = sumTotal[0] as number;
    const t1 = sumTotal[1] as number;
    let l0 = 0.0;
    let l1 = 0.0;
    let pos = start;
    let wL = 0.0;
    let bestPos = -1;
    let bestProxy = -Infinity;
    let p = start;
    while (p < end) {
      let x = Xf[p] as number;
      while (p + 1 < end) {
        const nx = Xf[p + 1] as number;
        if (nx > Math.fround(x + FEATURE_THRESHOLD)) break;
        p += 1;
        x = nx;
      }
      p += 1;
      if (p >= end) continue;
      if (p - start < minSamplesLeaf || end - p < minSamplesLeaf) continue;
      if (p - pos <= end - p) {
        for (let q = pos; q < p; q++) {
          const i = samples[q] as number;
          const w = weight[i] as number;
          if (y[i] === 0) l0 += w;
          else l1 += w;
          wL += w;
        }
      } else {
        l0 = t0;
        l1 = t1;
        wL = wN;
        for (let q = end - 1; q >= p; q--) {
          const i = samples[q] as number;
          const w = weight[i] as number;
          if (y[i] === 0) l0 -= w;
          else l1 -= w;
          wL -= w;
        }
      }
      pos = p;
      const wR = wN - wL;
      if (wL < minWeightLeaf || wR < minWeightLeaf) continue;
      const r0 = t0 - l0;
      const r1 = t1 - l1;
      const giniL = 0.0 + (1.0 - (l0 * l0 + l1 * l1) / (wL * wL));
      const giniR = 0.0 + (1.0 - (r0 * r0 + r1 * r1) / (wR * wR));
      const proxy = -wR * giniR - wL * giniL;
      if (proxy > bestProxy) {
        bestProxy = proxy;
        bestPos = p;
      }
    }
    this.sumLeft[0] = l0;
    this.sumLeft[1] = l1;
    this.sumRight[0] = t0 - l0;
    this.sumRight[1] = t1 - l1;
    this.pos = pos;
    this.wL = wL;
    this.wR = wN - wL;
    this.scanPos = bestPos;
    this.scanProxy = bestProxy;
  }

  init(samples: Int32Array, start: number, end: number): void {
    this.samples = samples;
    this.start = start;
    this.end = end;
    const sum = this.sumTotal;
    sum.fill(0);
    let wN = 0.0;
    for (let p = start; p < end; p++) {
      const i = samples[p] as number;
      const w = this.weight[i] as number;
      const c = this.y[i] as number;
      sum[c] = (sum[c] as number) + w;
      wN += w;
    }
    this.wN = wN;
    this.reset();
  }

  reset(): void {
    this.pos = this.start;
    this.wL = 0.0;
    this.wR = this.wN;
    this.sumLeft.fill(0);
    this.sumRight.set(this.sumTotal);
  }

  private reverseReset(): void {
    this.pos = this.end;
    this.wL = this.wN;
    this.wR = 0.0;
    this.sumRight.fill(0);
    this.sumLeft.set(this.sumTotal);
  }

  update(newPos: number): void {
    const { samples, weight, y, sumLeft } = this;
    let wL = this.wL;
    if (newPos - this.pos <= this.end - newPos) {
      for (let p = this.pos; p < newPos; p++) {
        const i = samples[p] as number;
        const w = weight[i] as number;
        const c = y[i] as number;
        sumLeft[c] = (sumLeft[c] as number) + w;
        wL += w;
      }
    } else {
      this.reverseReset();
      wL = this.wL;
      for (let p = this.end - 1; p >= newPos; p--) {
        const i = samples[p] as number;
        const w = weight[i] as number;
        const c = y[i] as number;
        sumLeft[c] = (sumLeft[c] as number) - w;
        wL -= w;
      }
    }
    this.wL = wL;
    this.wR = this.wN - wL;
    const n = this.nValues;
    for (let c = 0; c < n; c++) this.sumRight[c] = (this.sumTotal[c] as number) - (sumLeft[c] as number);
    this.pos = newPos;
  }

  nodeImpurity(): number {
    return this.impurityOf(this.sumTotal, this.wN);
  }

  childrenImpurity(out: Float64Array): void {
    out[0] = this.impurityOf(this.sumLeft, this.wL);
    out[1] = this.impurityOf(this.sumRight, this.wR);
  }

  proxyImpurityImprovement(): number {
    this.childrenImpurity(this.tmp);
    return -this.wR * (this.tmp[1] as number) - this.wL * (this.tmp[0] as number);
  }

  impurityImprovement(parent: number, left: number, right: number): number {
    return improvement(this, parent, left, right);
  }

  nodeValue(dest: Float64Array, offset: number): void {
    dest.set(this.sumTotal, offset);
  }
}

function gini(sums: Float64Array, w: number): number {
  let sq = 0.0;
  for (let c = 0; c < sums.length; c++) {
    const v = sums[c] as number;
    sq += v * v;
  }
  return 0.0 + (1.0 - sq / (w * w));
}

/** sklearn's `_utils.log`: a base-2 log computed as ln(x) / ln(2.0) with the C library's ln. */
function entropy(sums: Float64Array, w: number, ln: (x: number) => number): number {
  const ln2 = ln(2.0);
  let e = 0.0;
  for (let c = 0; c < sums.length; c++) {
    let v = sums[c] as number;
    if (v > 0.0) {
      v /= w;
      e -= v * (ln(v) / ln2);
    }
  }
  return e;
}
