// Fits one scikit-learn decision tree on prepared data (float32 feature-major X, encoded y, weights).
import { RandomState } from '../random-state.js';
import type { FlatTree } from '../types.js';
import { type BuilderParams, buildTree } from './builder.js';
import type { Criterion } from './criterion.js';
import { ClassificationCriterion } from './criterion-classification.js';
import { MSECriterion } from './criterion-mse.js';
import { BestSplitter, type Presorted, type SplitterWorkspace } from './splitter.js';

/** Training data in the layout the splitter reads. */
export interface PreparedData {
  /** float32 values, feature-major: X[f * nRows + i]. */
  readonly X: Float32Array;
  readonly nRows: number;
  readonly nFeatures: number;
  /** Classification: class indices 0..nClasses-1. */
  readonly yClass: Int32Array | null;
  /** Regression: targets. */
  readonly yValue: Float64Array | null;
  readonly nClasses: number;
}

export interface TreeParams extends BuilderParams {
  readonly criterion: 'gini' | 'entropy' | 'squared_error';
  readonly maxFeatures: number;
}

const RAND_R_MAX = 0x7fffffff;

/** True when every weight is a whole number and their total is exact in float64. */
function integerWeights(weight: Float64Array): boolean {
  let total = 0;
  for (let i = 0; i < weight.length; i++) {
    const w = weight[i] as number;
    if (!Number.isInteger(w) || w < 0) return false;
    total += w;
  }
  return total < 2 ** 53;
}

export function fitTree(
  data: PreparedData,
  weight: Float64Array,
  params: TreeParams,
  seed: number,
  log: (x: number) => number,
  shared: { presorted?: Presorted | null; workspace?: SplitterWorkspace } = {},
): FlatTree {
  let criterion: Criterion;
  if (params.criterion === 'squared_error') {
    if (!data.yValue) throw new Error('regression tree needs numeric targets');
    criterion = new MSECriterion(data.yValue, weight);
  } else {
    if (!data.yClass) throw new Error('classification tree needs class indices');
    criterion = new ClassificationCriterion(params.criterion, data.yClass, weight, data.nClasses, log);
  }
  // Splitter.init: rand_r_state = random_state.randint(0, RAND_R_MAX) from a fresh RandomState(seed).
  const splitterSeed = new RandomState(seed).randint(0, RAND_R_MAX);
  const splitter = new BestSplitter(
    data.X,
    data.nRows,
    data.nFeatures,
    weight,
    criterion,
    {
      maxFeatures: params.maxFeatures,
      minSamplesLeaf: params.minSamplesLeaf,
      minWeightLeaf: params.minWeightLeaf,
      exactTieOrder: params.criterion === 'squared_error' || !integerWeights(weight),
      ...shared,
    },
    splitterSeed,
  );
  return buildTree(splitter, params).toFlatTree();
}
