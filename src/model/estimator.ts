// Fits the four trainable estimators the way scikit-learn 1.2.1 does: input conversion, class
// encoding and weights, parameter resolution, per-tree seeds, bootstrap weights, then the trees.
import { ModelConfigError } from './errors.js';
import { glibcLog } from './glibc-log.js';
import { pairwiseSum, roundHalfEven } from './numeric.js';
import type { EstimatorParams } from './params.js';
import { RandomState } from './random-state.js';
import { FAST_SORT_MAX_ROWS } from './tree/fast-sort.js';
import type { PreparedData, TreeParams } from './tree/fit-tree.js';
import { fitTree } from './tree/fit-tree.js';
import { type Presorted, presort, SplitterWorkspace } from './tree/splitter.js';
import type { ClassLabel, FlatTree } from './types.js';

/** A table of numeric features and one target per row. */
export interface Dataset {
  /** Row-major float64 values: X[i * nFeatures + f]. */
  readonly X: Float64Array;
  readonly nRows: number;
  readonly nFeatures: number;
  readonly y: readonly ClassLabel[];
}

export interface FittedModel {
  readonly classes: ClassLabel[] | null;
  readonly trees: FlatTree[];
}

export interface FitOptions {
  /** Called after each tree with (done, total). */
  readonly onTree?: (done: number, total: number) => void;
  /** Natural log used by the entropy criterion (numpy/sklearn call glibc's log). */
  readonly log?: (x: number) => number;
}

const INT32_MAX = 2147483647;

function compareLabels(a: ClassLabel, b: ClassLabel): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** `np.unique(y, return_inverse=True)`. */
export function encodeClasses(y: readonly ClassLabel[]): { classes: ClassLabel[]; encoded: Int32Array } {
  const classes = [...new Set(y)].sort(compareLabels);
  const index = new Map<ClassLabel, number>(classes.map((c, i) => [c, i]));
  const encoded = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) encoded[i] = index.get(y[i] as ClassLabel) as number;
  return { classes, encoded };
}

/** `compute_sample_weight(class_weight, y)` for one output. */
function expandClassWeight(
  params: EstimatorParams,
  classes: ClassLabel[],
  enc: Int32Array,
): Float64Array | null {
  const cw = params.classWeight;
  if (cw === null) return null;
  const K = classes.length;
  const perClass = new Float64Array(K).fill(1.0);
  if (cw === 'balanced') {
    const counts = new Float64Array(K);
    for (const c of enc) counts[c] = (counts[c] as number) + 1;
    for (let c = 0; c < K; c++) perClass[c] = enc.length / (K * (counts[c] as number));
  } else {
    const keys = Object.keys(cw);
    const unweighted: ClassLabel[] = [];
    classes.forEach((c, i) => {
      const w = cw[String(c)];
      if (w === undefined) unweighted.push(c);
      else perClass[i] = w;
    });
    if (unweighted.length > 0 && K - unweighted.length !== keys.length) {
      throw new ModelConfigError(
        `class_weight names classes not in the data; classes without a weight: ${JSON.stringify(unweighted)}; classes in the data: ${JSON.stringify(classes)}`,
      );
    }
  }
  const out = new Float64Array(enc.length);
  for (let i = 0; i < enc.length; i++) out[i] = perClass[enc[i] as number] as number;
  return out;
}

function resolveMaxFeatures(p: EstimatorParams, n: number): number {
  const mf = p.maxFeatures;
  let v: number;
  if (mf === 'sqrt') v = Math.max(1, Math.floor(Math.sqrt(n)));
  else if (mf === 'log2') v = Math.max(1, Math.floor(Math.log2(n)));
  else if (mf === null) v = n;
  else if (Number.isInteger(mf)) v = mf;
  else v = Math.max(1, Math.trunc(mf * n));
  if (!(v > 0 && v <= n)) {
    throw new ModelConfigError(
      `max_features=${JSON.stringify(mf)} gives ${v}; it must be in (0, n_features=${n}]`,
    );
  }
  return v;
}

/** What `BaseDecisionTree.fit` derives from its parameters and the data. */
function resolveTreeParams(
  p: EstimatorParams,
  nRows: number,
  nFeatures: number,
  weight: Float64Array,
): TreeParams {
  const msl = Number.isInteger(p.minSamplesLeaf) ? p.minSamplesLeaf : Math.ceil(p.minSamplesLeaf * nRows);
  let mss = Number.isInteger(p.minSamplesSplit)
    ? p.minSamplesSplit
    : Math.max(2, Math.ceil(p.minSamplesSplit * nRows));
  mss = Math.max(mss, 2 * msl);
  return {
    criterion: p.criterion === 'log_loss' ? 'entropy' : p.criterion,
    maxDepth: p.maxDepth ?? INT32_MAX,
    minSamplesSplit: mss,
    minSamplesLeaf: msl,
    minWeightLeaf: p.minWeightFractionLeaf * pairwiseSum(weight),
    minImpurityDecrease: p.minImpurityDecrease,
    maxLeafNodes: p.maxLeafNodes ?? -1,
    maxFeatures: resolveMaxFeatures(p, nFeatures),
  };
}

/** `_get_n_samples_bootstrap`. */
function bootstrapSize(p: EstimatorParams, n: number): number {
  const m = p.maxSamples;
  if (m === null) return n;
  if (Number.isInteger(m)) {
    if (m > n) throw new ModelConfigError(`max_samples must be <= n_samples=${n} but got value ${m}`);
    return m;
  }
  return roundHalfEven(n * m);
}

export function prepareData(
  p: EstimatorParams,
  data: Dataset,
): { prepared: PreparedData; classes: ClassLabel[] | null } {
  const { nRows, nFeatures, X, y } = data;
  const X32 = new Float32Array(nRows * nFeatures);
  for (let i = 0; i < nRows; i++) {
    for (let f = 0; f < nFeatures; f++) X32[f * nRows + i] = X[i * nFeatures + f] as number;
  }
  if (p.kind.endsWith('Classifier')) {
    const { classes, encoded } = encodeClasses(y);
    const prepared = { X: X32, nRows, nFeatures, yClass: encoded, yValue: null, nClasses: classes.length };
    return { prepared, classes };
  }
  const yValue = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    const v = y[i];
    if (typeof v !== 'number') {
      throw new ModelConfigError(`${p.kind} needs numeric targets; row ${i + 1} has ${JSON.stringify(v)}`);
    }
    yValue[i] = v;
  }
  return { prepared: { X: X32, nRows, nFeatures, yClass: null, yValue, nClasses: 0 }, classes: null };
}

export function fitEstimator(p: EstimatorParams, data: Dataset, opts: FitOptions = {}): FittedModel {
  const log = opts.log ?? glibcLog;
  if (data.nRows < 1) throw new ModelConfigError('the dataset has no rows');
  const { prepared, classes } = prepareData(p, data);
  const n = data.nRows;
  const baseWeight = baseWeightOf(p, prepared, classes);
  if (!p.kind.startsWith('RandomForest')) {
    const tp = resolveTreeParams(p, n, data.nFeatures, baseWeight);
    const tree = fitTree(prepared, baseWeight, tp, p.randomState, log);
    opts.onTree?.(1, 1);
    return { classes, trees: [tree] };
  }
  const plan = planForest(p, data, prepared, baseWeight);
  const shared = { workspace: new SplitterWorkspace(n), presorted: plan.presorted };
  const trees: FlatTree[] = [];
  for (let t = 0; t < p.nEstimators; t++) {
    trees.push(fitForestTree(plan, t, shared, log));
    opts.onTree?.(t + 1, p.nEstimators);
  }
  return { classes, trees };
}

/** What every tree of a forest fit shares: data, weights, per-tree seeds, each feature's row order. */
export interface ForestPlan {
  readonly params: EstimatorParams;
  readonly prepared: PreparedData;
  readonly baseWeight: Float64Array;
  readonly nBoot: number;
  /** Tree t's seed: sklearn draws them all first, `randint(0, 2**31 - 1)` from random_state. */
  readonly seeds: readonly number[];
  readonly presorted: Presorted | null;
}

type PlanArray = Float32Array | Float64Array | Int32Array;

/** The plan with each of its typed arrays (data, targets, weights, row orders) replaced by f(array). */
export function mapPlanArrays(plan: ForestPlan, f: <T extends PlanArray>(a: T) => T): ForestPlan {
  const { prepared, presorted } = plan;
  return {
    ...plan,
    prepared: {
      ...prepared,
      X: f(prepared.X),
      yClass: prepared.yClass ? f(prepared.yClass) : null,
      yValue: prepared.yValue ? f(prepared.yValue) : null,
    },
    baseWeight: f(plan.baseWeight),
    presorted: presorted ? { order: f(presorted.order), values: f(presorted.values) } : null,
  };
}

export function planForest(
  p: EstimatorParams,
  data: Dataset,
  prepared: PreparedData,
  baseWeight: Float64Array,
): ForestPlan {
  const n = data.nRows;
  const nBoot = p.bootstrap ? bootstrapSize(p, n) : n;
  const rs = new RandomState(p.randomState);
  const seeds: number[] = [];
  for (let t = 0; t < p.nEstimators; t++) seeds.push(rs.randint(0, INT32_MAX));
  const presorted = n <= FAST_SORT_MAX_ROWS ? presort(prepared.X, n, prepared.nFeatures) : null;
  return { params: p, prepared, baseWeight, nBoot, seeds, presorted };
}

/** Fits tree `t` of a planned forest (its bootstrap weights come from its own seed). */
export function fitForestTree(
  plan: ForestPlan,
  t: number,
  shared: { workspace: SplitterWorkspace; presorted: Presorted | null },
  log: (x: number) => number = glibcLog,
): FlatTree {
  const { params: p, prepared, baseWeight, nBoot } = plan;
  const n = prepared.nRows;
  const seed = plan.seeds[t] as number;
  let weight = baseWeight;
  if (p.bootstrap) {
    weight = new Float64Array(baseWeight);
    const counts = new Float64Array(n);
    new RandomState(seed).bincountRandint(n, nBoot, counts);
    for (let i = 0; i < n; i++) weight[i] = (weight[i] as number) * (counts[i] as number);
  }
  const tp = resolveTreeParams(p, n, prepared.nFeatures, weight);
  return fitTree(prepared, weight, tp, seed, log, shared);
}

/** The base sample weights of a fit: class_weight expanded, else all ones. */
export function baseWeightOf(
  p: EstimatorParams,
  prepared: PreparedData,
  classes: ClassLabel[] | null,
): Float64Array {
  const classWeight = classes && prepared.yClass ? expandClassWeight(p, classes, prepared.yClass) : null;
  return classWeight ?? new Float64Array(prepared.nRows).fill(1.0);
}
