// scikit-learn 1.2.1's make_classification, draw for draw on numpy's legacy RandomState: y is
// identical to scikit-learn's; X matches within 1 ulp (exact when `log` is glibc's, see glibc-log.ts).
import { DatasetError } from './errors.js';
import { fma } from './fma.js';
import { glibcLog } from './glibc-log.js';
import { RandomState } from './random-state.js';

export interface MakeClassificationParams {
  readonly n_samples: number;
  readonly n_features: number;
  readonly n_informative: number;
  readonly n_redundant: number;
  readonly n_repeated: number;
  readonly n_classes: number;
  readonly n_clusters_per_class: number;
  readonly weights: readonly number[] | null;
  readonly flip_y: number;
  readonly class_sep: number;
  readonly hypercube: boolean;
  readonly shift: number | readonly number[] | null;
  readonly scale: number | readonly number[] | null;
  readonly shuffle: boolean;
  readonly random_state: number;
}

export const MAKE_CLASSIFICATION_DEFAULTS: Omit<MakeClassificationParams, 'random_state'> = {
  n_samples: 100,
  n_features: 20,
  n_informative: 2,
  n_redundant: 2,
  n_repeated: 0,
  n_classes: 2,
  n_clusters_per_class: 2,
  weights: null,
  flip_y: 0.01,
  class_sep: 1.0,
  hypercube: true,
  shift: 0.0,
  scale: 1.0,
  shuffle: true,
};

export interface GeneratedData {
  /** Row-major float64 X (n_samples x n_features). */
  readonly X: Float64Array;
  readonly y: Int32Array;
  readonly nRows: number;
  readonly nFeatures: number;
}

/** `sample_without_replacement(n_population, n_samples, method="auto")`. */
function sampleWithoutReplacement(nPop: number, nSamples: number, rng: RandomState): number[] {
  const ratio = nPop !== 0 ? nSamples / nPop : 1.0;
  if (ratio > 0.01 && ratio < 0.99) return Array.from(rng.permutation(nPop).subarray(0, nSamples));
  const out: number[] = [];
  if (ratio < 0.2) {
    const selected = new Set<number>();
    for (let i = 0; i < nSamples; i++) {
      let j = rng.randint(0, nPop);
      while (selected.has(j)) j = rng.randint(0, nPop);
      selected.add(j);
      out.push(j);
    }
    return out;
  }
  for (let i = 0; i < nSamples; i++) out.push(i);
  for (let i = nSamples; i < nPop; i++) {
    const j = rng.randint(0, i + 1);
    if (j < nSamples) out[j] = i;
  }
  return out;
}

/** `_generate_hypercube(samples, dimensions, rng)` as rows of 0/1. */
function hypercube(samples: number, dims: number, rng: RandomState): number[][] {
  if (dims > 30) {
    const extra: number[][] = [];
    for (let s = 0; s < samples; s++) {
      const row: number[] = [];
      for (let d = 0; d < dims - 30; d++) row.push(rng.randint(0, 2));
      extra.push(row);
    }
    const rest = hypercube(samples, 30, rng);
    return extra.map((row, s) => [...row, ...(rest[s] as number[])]);
  }
  return sampleWithoutReplacement(2 ** dims, samples, rng).map((v) => {
    const bits: number[] = [];
    for (let d = dims - 1; d >= 0; d--) bits.push(Math.floor(v / 2 ** d) % 2);
    return bits;
  });
}

/**
 * How the installed BLAS rounds `np.dot`: reference BLAS ('plain', the default of a fresh Debian
 * python3-sklearn) sums rounded products in order; OpenBLAS on an FMA CPU ('fma') chains fused
 * multiply-adds. X differs between them in the last bits only; y and the trees do not.
 */
export type BlasRounding = 'plain' | 'fma';

/** `np.dot(rows, M)` for one output element: products summed in order, from 0. */
function dotRow(
  x: Float64Array,
  xOff: number,
  k: number,
  M: Float64Array,
  cols: number,
  c: number,
  dotFma: boolean,
): number {
  let acc = 0.0;
  if (dotFma) for (let l = 0; l < k; l++) acc = fma(x[xOff + l] as number, M[l * cols + c] as number, acc);
  else for (let l = 0; l < k; l++) acc += (x[xOff + l] as number) * (M[l * cols + c] as number);
  return acc;
}

function validate(p: MakeClassificationParams): void {
  if (p.n_informative + p.n_redundant + p.n_repeated > p.n_features) {
    throw new DatasetError(
      'make_classification: n_informative + n_redundant + n_repeated must be <= n_features ' +
        `(got ${p.n_informative} + ${p.n_redundant} + ${p.n_repeated} > ${p.n_features})`,
    );
  }
  if (p.n_informative < Math.log2(p.n_classes * p.n_clusters_per_class)) {
    throw new DatasetError(
      `make_classification: n_classes(${p.n_classes}) * n_clusters_per_class(${p.n_clusters_per_class}) must be smaller or equal 2**n_informative(${p.n_informative})=${2 ** p.n_informative}`,
    );
  }
  if (p.weights !== null && p.weights.length !== p.n_classes && p.weights.length !== p.n_classes - 1) {
    throw new DatasetError(
      `make_classification: weights has ${p.weights.length} entries; expected n_classes (${p.n_classes}) or n_classes - 1`,
    );
  }
}

export function makeClassification(
  p: MakeClassificationParams,
  log: (x: number) => number = glibcLog,
  blas: BlasRounding = 'plain',
): GeneratedData {
  validate(p);
  const useFma = blas === 'fma';
  const gen = new RandomState(p.random_state, log);
  const {
    n_samples: n,
    n_features: nf,
    n_informative: ni,
    n_redundant: nr,
    n_repeated: nrep,
    n_classes: K,
  } = p;
  let weights: number[];
  if (p.weights === null) weights = new Array<number>(K).fill(1.0 / K);
  else if (p.weights.length === K - 1) weights = [...p.weights, 1.0 - p.weights.reduce((a, b) => a + b, 0)];
  else weights = [...p.weights];
  const nUseless = nf - ni - nr - nrep;
  const nClusters = K * p.n_clusters_per_class;
  const perCluster: number[] = [];
  for (let k = 0; k < nClusters; k++) {
    perCluster.push(Math.trunc((n * (weights[k % K] as number)) / p.n_clusters_per_class));
  }
  const missing = n - perCluster.reduce((a, b) => a + b, 0);
  for (let i = 0; i < missing; i++) perCluster[i % nClusters] = (perCluster[i % nClusters] as number) + 1;

  const X = new Float64Array(n * nf);
  const y = new Int32Array(n);
  const centroids = hypercube(nClusters, ni, gen).map((row) =>
    row.map((b) => b * (2 * p.class_sep) - p.class_sep),
  );
  if (!p.hypercube) {
    const a = gen.uniform(nClusters);
    const b = gen.uniform(ni);
    for (let k = 0; k < nClusters; k++) {
      const row = centroids[k] as number[];
      for (let d = 0; d < ni; d++) row[d] = (row[d] as number) * (a[k] as number);
      for (let d = 0; d < ni; d++) row[d] = (row[d] as number) * (b[d] as number);
    }
  }
  for (let i = 0; i < n; i++) for (let d = 0; d < ni; d++) X[i * nf + d] = gen.standardNormal();
  clusters(X, y, { n, nf, ni, K, useFma }, perCluster, centroids, gen);
  if (nr > 0) {
    const B = gen.uniform(ni * nr).map((u) => 2 * u - 1);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < nr; c++) X[i * nf + ni + c] = dotRow(X, i * nf, ni, B, nr, c, useFma);
  }
  if (nrep > 0) {
    const m = ni + nr;
    const idx = Array.from(gen.uniform(nrep), (u) => Math.trunc((m - 1) * u + 0.5));
    for (let i = 0; i < n; i++)
      for (let r = 0; r < nrep; r++) X[i * nf + m + r] = X[i * nf + (idx[r] as number)] as number;
  }
  if (nUseless > 0) {
    for (let i = 0; i < n; i++) for (let d = nf - nUseless; d < nf; d++) X[i * nf + d] = gen.standardNormal();
  }
  if (p.flip_y >= 0.0) {
    const flip = gen.uniform(n);
    for (let i = 0; i < n; i++) if ((flip[i] as number) < p.flip_y) y[i] = gen.randint(0, K);
  }
  shiftScale(X, n, nf, p, gen);
  if (p.shuffle) return shuffleRowsCols(X, y, n, nf, gen);
  return { X, y, nRows: n, nFeatures: nf };
}

function clusters(
  X: Float64Array,
  y: Int32Array,
  dims: { n: number; nf: number; ni: number; K: number; useFma: boolean },
  perCluster: number[],
  centroids: number[][],
  gen: RandomState,
): void {
  const { n, nf, ni, K, useFma } = dims;
  let stop = 0;
  const tmp = new Float64Array(ni);
  centroids.forEach((centroid, k) => {
    const start = stop;
    stop = start + (perCluster[k] as number);
    const A = gen.uniform(ni * ni).map((u) => 2 * u - 1);
    for (let i = start; i < stop && i < n; i++) {
      y[i] = k % K;
      for (let c = 0; c < ni; c++) tmp[c] = dotRow(X, i * nf, ni, A, ni, c, useFma);
      for (let c = 0; c < ni; c++) X[i * nf + c] = (tmp[c] as number) + (centroid[c] as number);
    }
  });
}

function shiftScale(
  X: Float64Array,
  n: number,
  nf: number,
  p: MakeClassificationParams,
  gen: RandomState,
): void {
  const vec = (v: number | readonly number[], what: string): number[] => {
    if (typeof v === 'number') return new Array<number>(nf).fill(v);
    if (v.length !== nf)
      throw new DatasetError(`make_classification: ${what} has ${v.length} entries; expected ${nf}`);
    return [...v];
  };
  const shift =
    p.shift === null ? Array.from(gen.uniform(nf), (u) => (2 * u - 1) * p.class_sep) : vec(p.shift, 'shift');
  for (let i = 0; i < n; i++)
    for (let f = 0; f < nf; f++) X[i * nf + f] = (X[i * nf + f] as number) + (shift[f] as number);
  const scale = p.scale === null ? Array.from(gen.uniform(nf), (u) => 1 + 100 * u) : vec(p.scale, 'scale');
  for (let i = 0; i < n; i++)
    for (let f = 0; f < nf; f++) X[i * nf + f] = (X[i * nf + f] as number) * (scale[f] as number);
}

/** `util_shuffle(X, y, random_state=generator)`, then the feature columns with `generator.shuffle`. */
function shuffleRowsCols(
  X: Float64Array,
  y: Int32Array,
  n: number,
  nf: number,
  gen: RandomState,
): GeneratedData {
  const rows = gen.permutation(n);
  const cols = gen.permutation(nf);
  const X2 = new Float64Array(n * nf);
  const y2 = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i] as number;
    y2[i] = y[r] as number;
    for (let f = 0; f < nf; f++) X2[i * nf + f] = X[r * nf + (cols[f] as number)] as number;
  }
  return { X: X2, y: y2, nRows: n, nFeatures: nf };
}
