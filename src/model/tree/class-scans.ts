// The split-position scans of ClassificationCriterion (BestSplitter.node_split's inner loop) that are
// specialised for speed: Gini for two classes with the sums in locals, and Entropy screened with
// Math.log so that glibc's slower log runs only where the result could change. Same results as
// genericScan, bit for bit.

import { FEATURE_THRESHOLD } from './criterion.js';
import type { ClassificationCriterion } from './criterion-classification.js';
import { entropy } from './impurity.js';

/** Candidate positions kept by entropyScan2: position, left sums and weight, estimated proxy. */
export interface Candidates {
  readonly p: Int32Array;
  readonly l0: Float64Array;
  readonly l1: Float64Array;
  readonly wL: Float64Array;
  readonly est: Float64Array;
}

function candidates(c: ClassificationCriterion, n: number): Candidates {
  const have = c.candidateScratch;
  if (have && have.p.length >= n) return have;
  const m = Math.max(n, 1024);
  const fresh = {
    p: new Int32Array(m),
    l0: new Float64Array(m),
    l1: new Float64Array(m),
    wL: new Float64Array(m),
    est: new Float64Array(m),
  };
  c.candidateScratch = fresh;
  return fresh;
}

/** giniScan for two classes, with the class sums in locals (same operations, same order). */
export function giniScan2(
  c: ClassificationCriterion,
  Xf: Float32Array,
  minSamplesLeaf: number,
  minWeightLeaf: number,
): void {
  const { samples, weight, y, sumTotal, start, end, wN } = c;
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
  c.sumLeft[0] = l0;
  c.sumLeft[1] = l1;
  c.sumRight[0] = t0 - l0;
  c.sumRight[1] = t1 - l1;
  c.pos = pos;
  c.wL = wL;
  c.wR = wN - wL;
  c.scanPos = bestPos;
  c.scanProxy = bestProxy;
}

/**
 * genericScan for Entropy, with a cheap screen: glibc's log costs ~20 times Math.log here, so each
 * position's proxy is first estimated with Math.log. A position whose estimate is below the best
 * exact proxy by more than a bound on the estimate's error cannot win and is skipped; every other
 * position gets the exact (glibc log) proxy and the exact comparison, so the result is unchanged.
 */
export function entropyScan(
  c: ClassificationCriterion,
  Xf: Float32Array,
  minSamplesLeaf: number,
  minWeightLeaf: number,
): void {
  const { start, end } = c;
  // |estimate - exact| is a few ulps of wN * log2(K); this margin is ~1000 times that.
  const margin = 1e-12 * c.wN * (1 + Math.log2(Math.max(2, c.nValues)));
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
    const estimate = -c.wR * entropy(c.sumRight, c.wR, Math.log) - c.wL * entropy(c.sumLeft, c.wL, Math.log);
    if (estimate < bestProxy - margin) continue;
    const proxy = c.proxyImpurityImprovement();
    if (proxy > bestProxy) {
      bestProxy = proxy;
      bestPos = p;
    }
  }
  c.scanPos = bestPos;
  c.scanProxy = bestProxy;
}

/** entropyScan for two classes: the sums in locals, the exact proxy only when the estimate is close. */
export function entropyScan2(
  c: ClassificationCriterion,
  Xf: Float32Array,
  minSamplesLeaf: number,
  minWeightLeaf: number,
): void {
  const { samples, weight, y, sumTotal, sumLeft, sumRight, start, end, wN } = c;
  const t0 = sumTotal[0] as number;
  const t1 = sumTotal[1] as number;
  const margin = 2e-12 * wN;
  const h = (c: number, w: number): number => {
    if (!(c > 0.0)) return 0.0;
    const v = c / w;
    return v * (Math.log(v) / Math.LN2);
  };
  let l0 = 0.0;
  let l1 = 0.0;
  let pos = start;
  let wL = 0.0;
  let bestPos = -1;
  let bestProxy = -Infinity;
  let maxEstimate = -Infinity;
  const cand = candidates(c, end - start);
  let nCand = 0;
  let p = start;
  while (p < end) {
    while (p + 1 < end && (Xf[p + 1] as number) <= Math.fround((Xf[p] as number) + FEATURE_THRESHOLD)) p += 1;
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
    const estimate = wR * (h(r0, wR) + h(r1, wR)) + wL * (h(l0, wL) + h(l1, wL));
    if (estimate < maxEstimate - 2 * margin) continue;
    if (estimate > maxEstimate) maxEstimate = estimate;
    cand.p[nCand] = p;
    cand.l0[nCand] = l0;
    cand.l1[nCand] = l1;
    cand.wL[nCand] = wL;
    cand.est[nCand] = estimate;
    nCand++;
  }
  // Only positions whose estimate is within the error bound of the best estimate can hold the
  // exact maximum; take the first exact maximum among them, in scan order (sklearn's strict >).
  for (let k = 0; k < nCand; k++) {
    if ((cand.est[k] as number) < maxEstimate - 2 * margin) continue;
    const cl0 = cand.l0[k] as number;
    const cl1 = cand.l1[k] as number;
    const cwL = cand.wL[k] as number;
    sumLeft[0] = cl0;
    sumLeft[1] = cl1;
    sumRight[0] = t0 - cl0;
    sumRight[1] = t1 - cl1;
    c.wL = cwL;
    c.wR = wN - cwL;
    const proxy = c.proxyImpurityImprovement();
    if (proxy > bestProxy) {
      bestProxy = proxy;
      bestPos = cand.p[k] as number;
    }
  }
  sumLeft[0] = l0;
  sumLeft[1] = l1;
  sumRight[0] = t0 - l0;
  sumRight[1] = t1 - l1;
  c.pos = pos;
  c.wL = wL;
  c.wR = wN - wL;
  c.scanPos = bestPos;
  c.scanProxy = bestProxy;
}
