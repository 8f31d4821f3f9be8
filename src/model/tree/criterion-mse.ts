// scikit-learn 1.2.1's RegressionCriterion + MSE for one output, with sklearn's summation order.
import { type Criterion, FEATURE_THRESHOLD, improvement } from './criterion.js';

/** `RegressionCriterion` + `MSE` for one output. */
export class MSECriterion implements Criterion {
  wN = 0;
  wL = 0;
  wR = 0;
  weightedNSamples = 0;
  readonly nValues = 1;
  scanPos = -1;
  scanProxy = -Infinity;
  private sumTotal = 0;
  private sqSumTotal = 0;
  private sumLeft = 0;
  private sumRight = 0;
  private samples: Int32Array = new Int32Array(0);
  private start = 0;
  private end = 0;
  private pos = 0;

  constructor(
    private readonly y: Float64Array,
    private readonly weight: Float64Array,
  ) {}

  init(samples: Int32Array, start: number, end: number): void {
    this.samples = samples;
    this.start = start;
    this.end = end;
    let sum = 0.0;
    let sq = 0.0;
    let wN = 0.0;
    for (let p = start; p < end; p++) {
      const i = samples[p] as number;
      const w = this.weight[i] as number;
      const yi = this.y[i] as number;
      const wy = w * yi;
      sum += wy;
      sq += wy * yi;
      wN += w;
    }
    this.sumTotal = sum;
    this.sqSumTotal = sq;
    this.wN = wN;
    this.reset();
  }

  reset(): void {
    this.pos = this.start;
    this.wL = 0.0;
    this.wR = this.wN;
    this.sumLeft = 0.0;
    this.sumRight = this.sumTotal;
  }

  update(newPos: number): void {
    const { samples, weight, y } = this;
    let wL: number;
    let sumLeft: number;
    if (newPos - this.pos <= this.end - newPos) {
      wL = this.wL;
      sumLeft = this.sumLeft;
      for (let p = this.pos; p < newPos; p++) {
        const i = samples[p] as number;
        const w = weight[i] as number;
        sumLeft += w * (y[i] as number);
        wL += w;
      }
    } else {
      // reverse_reset, then remove samples from the end
      wL = this.wN;
      sumLeft = this.sumTotal;
      for (let p = this.end - 1; p >= newPos; p--) {
        const i = samples[p] as number;
        const w = weight[i] as number;
        sumLeft -= w * (y[i] as number);
        wL -= w;
      }
    }
    this.wL = wL;
    this.sumLeft = sumLeft;
    this.wR = this.wN - wL;
    this.sumRight = this.sumTotal - sumLeft;
    this.pos = newPos;
  }

  nodeImpurity(): number {
    const m = this.sumTotal / this.wN;
    return this.sqSumTotal / this.wN - m * m;
  }

  childrenImpurity(out: Float64Array): void {
    const { samples, weight, y } = this;
    let sqLeft = 0.0;
    for (let p = this.start; p < this.pos; p++) {
      const i = samples[p] as number;
      const yi = y[i] as number;
      sqLeft += (weight[i] as number) * yi * yi;
    }
    const sqRight = this.sqSumTotal - sqLeft;
    const mL = this.sumLeft / this.wL;
    const mR = this.sumRight / this.wR;
    out[0] = sqLeft / this.wL - mL * mL;
    out[1] = sqRight / this.wR - mR * mR;
  }

  proxyImpurityImprovement(): number {
    const l = 0.0 + this.sumLeft * this.sumLeft;
    const r = 0.0 + this.sumRight * this.sumRight;
    return l / this.wL + r / this.wR;
  }

  impurityImprovement(parent: number, left: number, right: number): number {
    return improvement(this, parent, left, right);
  }

  nodeValue(dest: Float64Array, offset: number): void {
    dest[offset] = this.sumTotal / this.wN;
  }

  /**
   * genericScan with `update` and `proxyImpurityImprovement` written out: the same sums in the same
   * order (forward from the last position, or back from the end when that is shorter).
   */
  scan(Xf: Float32Array, minSamplesLeaf: number, minWeightLeaf: number): void {
    const { samples, weight, y, start, end, wN, sumTotal } = this;
    let pos = this.pos;
    let wL = this.wL;
    let sumLeft = this.sumLeft;
    let bestPos = -1;
    let bestProxy = -Infinity;
    let p = start;
    while (p < end) {
      while (p + 1 < end && (Xf[p + 1] as number) <= Math.fround((Xf[p] as number) + FEATURE_THRESHOLD))
        p += 1;
      p += 1;
      if (p >= end) continue;
      if (p - start < minSamplesLeaf || end - p < minSamplesLeaf) continue;
      if (p - pos <= end - p) {
        for (let q = pos; q < p; q++) {
          const i = samples[q] as number;
          const w = weight[i] as number;
          sumLeft += w * (y[i] as number);
          wL += w;
        }
      } else {
        wL = wN;
        sumLeft = sumTotal;
        for (let q = end - 1; q >= p; q--) {
          const i = samples[q] as number;
          const w = weight[i] as number;
          sumLeft -= w * (y[i] as number);
          wL -= w;
        }
      }
      pos = p;
      const wR = wN - wL;
      if (wL < minWeightLeaf || wR < minWeightLeaf) continue;
      const sumRight = sumTotal - sumLeft;
      const proxy = (0.0 + sumLeft * sumLeft) / wL + (0.0 + sumRight * sumRight) / wR;
      if (proxy > bestProxy) {
        bestProxy = proxy;
        bestPos = p;
      }
    }
    this.pos = pos;
    this.wL = wL;
    this.sumLeft = sumLeft;
    this.wR = wN - wL;
    this.sumRight = sumTotal - sumLeft;
    this.scanPos = bestPos;
    this.scanProxy = bestProxy;
  }
}
