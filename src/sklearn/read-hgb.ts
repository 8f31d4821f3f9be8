// Reads a fitted HistGradientBoostingClassifier/Regressor: each TreePredictor's node records (read by field
// name from the pickled dtype: 52 bytes in 1.2, 56 later), the left-category bitsets, the known categories,
// the baseline, and the internal preprocessor of categorical models (scikit-learn >= 1.4).
import type { HgbEstimator, HgbLoss, HgbTree } from '../model/hist-gradient-boosting.js';
import type { EstimatorNode, ModelKind } from '../model/types.js';
import { UnsupportedModelError } from './errors.js';
import { readScalar } from './numpy-dtype.js';
import { readTransform } from './read-compose.js';
import { atLeast, type ReadContext } from './read-context.js';
import { EstimatorState, labels, numbers } from './state.js';
import { NdArray, PyObject, typeName } from './values.js';

const LOSSES: Readonly<Record<string, HgbLoss>> = {
  HalfBinomialLoss: 'binomial',
  HalfMultinomialLoss: 'multinomial',
  HalfSquaredError: 'squared_error',
  AbsoluteError: 'absolute_error',
  PinballLoss: 'quantile',
  HalfPoissonLoss: 'poisson',
  HalfGammaLoss: 'gamma',
};

const FIELDS = {
  value: 'value',
  feature: 'feature_idx',
  threshold: 'num_threshold',
  missingGoToLeft: 'missing_go_to_left',
  left: 'left',
  right: 'right',
  isLeaf: 'is_leaf',
  isCategorical: 'is_categorical',
  bitsetIdx: 'bitset_idx',
} as const;

/** A finite stand-in for an infinite threshold (JSON has no Infinity; the comparison decides the same). */
function finite(v: number): number {
  return v === Number.POSITIVE_INFINITY
    ? Number.MAX_VALUE
    : v === Number.NEGATIVE_INFINITY
      ? -Number.MAX_VALUE
      : v;
}

function readPredictor(obj: PyObject, path: string): HgbTree {
  const s: EstimatorState = new EstimatorState(obj, path);
  const nodes = s.array('nodes');
  const fields = nodes.dtype.fields;
  if (!fields || nodes.shape.length !== 1) s.fail('nodes', 'a 1-D structured array of node records');
  const view = new DataView(nodes.bytes.buffer, nodes.bytes.byteOffset, nodes.bytes.byteLength);
  const size = nodes.dtype.itemsize;
  const out: Record<string, number[]> = {};
  for (const [key, name] of Object.entries(FIELDS)) {
    const f = fields.get(name);
    if (!f || !'iufb'.includes(f.dtype.kind))
      s.fail('nodes', `a node dtype with the numeric field '${name}'`);
    out[key] = Array.from({ length: nodes.size }, (_, i) => readScalar(f.dtype, view, i * size + f.offset));
  }
  const bits = s.array('raw_left_cat_bitsets');
  if (bits.shape.length !== 2 || (bits.shape[1] !== 8 && bits.size > 0))
    s.fail('raw_left_cat_bitsets', 'a (n, 8) uint32 array');
  return {
    value: out.value as number[],
    feature: out.feature as number[],
    threshold: (out.threshold as number[]).map(finite),
    missingGoToLeft: out.missingGoToLeft as number[],
    left: out.left as number[],
    right: out.right as number[],
    isLeaf: out.isLeaf as number[],
    isCategorical: out.isCategorical as number[],
    bitsetIdx: out.bitsetIdx as number[],
    leftCategories: numbers(bits, `${path}.raw_left_cat_bitsets`),
  };
}

/** The known raw values of each categorical (internal) feature: `_bin_mapper.bin_thresholds_` there. */
function knownCategories(s: EstimatorState): (number[] | null)[] {
  const mapper: EstimatorState = new EstimatorState(s.object('_bin_mapper'), `${s.path}._bin_mapper`);
  const thresholds = mapper.list('bin_thresholds_');
  const flags = mapper.opt('is_categorical_');
  const isCat =
    flags instanceof NdArray ? numbers(flags, `${mapper.path}.is_categorical_`) : thresholds.map(() => 0);
  return thresholds.map((t, f) => {
    if (isCat[f] !== 1) return null;
    if (!(t instanceof NdArray)) mapper.fail('bin_thresholds_', 'arrays of known categories');
    return numbers(t, `${mapper.path}.bin_thresholds_[${f}]`);
  });
}

export function readHgb(s: EstimatorState, classifier: boolean, ctx: ReadContext): EstimatorNode {
  const lossObj = s.object('_loss');
  const loss = LOSSES[lossObj.cls.name];
  if (loss === undefined) s.fail('_loss', `one of ${Object.keys(LOSSES).join(', ')}`);
  if ((loss === 'binomial' || loss === 'multinomial') !== classifier)
    s.fail('_loss', `a ${classifier ? 'classification' : 'regression'} loss`);
  const nFeatures = s.int('n_features_in_');
  const classes = classifier ? labels(s.array('classes_'), `${s.path}.classes_`) : null;
  const baseline = numbers(s.array('_baseline_prediction'), `${s.path}._baseline_prediction`);
  const k = loss === 'multinomial' ? (classes?.length ?? 0) : 1;
  if (baseline.length !== k) s.fail('_baseline_prediction', `${k} values`);
  const iterations = s.list('_predictors').map((it, i) => {
    if (!Array.isArray(it) || it.length !== k)
      throw new UnsupportedModelError(
        `${s.path}._predictors[${i}] is ${typeName(it)}, expected ${k} TreePredictors`,
      );
    return it.map((p, j) => {
      if (!(p instanceof PyObject))
        throw new UnsupportedModelError(`${s.path}._predictors[${i}][${j}] is ${typeName(p)}`);
      return readPredictor(p, `${s.path}._predictors[${i}][${j}]`);
    });
  });
  const pre = s.opt('_preprocessor');
  const preprocessor =
    pre === undefined || pre === null ? null : readTransform(pre, `${s.path}._preprocessor`, false, ctx).node;
  const estimator: HgbEstimator = {
    loss,
    baseline,
    iterations,
    knownCategories: knownCategories(s),
    decision: atLeast(ctx, 1, 3) ? 'raw' : 'proba',
    preprocessor,
  };
  const kind: ModelKind = classifier ? 'HistGradientBoostingClassifier' : 'HistGradientBoostingRegressor';
  return { kind, nFeatures, classes, estimator };
}
