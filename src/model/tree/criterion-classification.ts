// scikit-learn 1.2.1's ClassificationCriterion with Gini and Entropy, every sum in the same order and
// every operation separately rounded, so impurities and proxies are bit-identical to the Cython code.

import type { Candidates } from './class-scans.js';
import { entropyScan, entropyScan2, giniScan2 } from './class-scans.js';
import { type Criterion, genericScan, improvement } from './criterion.js';
import { entropy, gini } from './impurity.js';

/** `ClassificationCriterion` for one output; `kind` picks Gini or Entropy impurity. */
export class ClassificationCriterion implements Criterion {
  wN = 0;
  wL = 0;
  wR = 0;
  weightedNSamples = 0;
  readonly nValues: number;
  readonly sumTotal: Float64Array;
  readonly sumLeft: Float64Array;
  readonly sumRight: Float64Array;
  samples: Int32Array = new Int32Array(0);
  start = 0;
  end = 0;
  pos = 0;
  private readonly impurityOf: (sums: Float64Array, w: number) => number;
  private readonly tmp = new Float64Array(2);
  private readonly isGini: boolean;
  /** Scratch for entropyScan2's candidate positions. */
  candidateScratch: Candidates | null = null;
  scanPos = -1;
  scanProxy = -Infinity;

  constructor(
    kind: 'gini' | 'entropy',
    readonly y: Int32Array,
    readonly weight: Float64Array,
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
    if (this.isGini && this.nValues === 2) giniScan2(this, Xf, minSamplesLeaf, minWeightLeaf);
    else if (this.isGini) genericScan(this, Xf, this.start, this.end, minSamplesLeaf, minWeightLeaf);
    else if (this.nValues === 2) entropyScan2(this, Xf, minSamplesLeaf, minWeightLeaf);
    else entropyScan(this, Xf, minSamplesLeaf, minWeightLeaf);
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
