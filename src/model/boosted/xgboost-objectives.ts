// XGBoost's objectives as prediction sees them, in float32 as its C++ computes them: the link that
// turns base_score into a margin (ProbToMargin) and the transform of margins into outputs.
import { expf, logf } from '../glibc-float32.js';

export const XGBOOST_OBJECTIVES = [
  'binary:logistic',
  'binary:logitraw',
  'binary:hinge',
  'reg:logistic',
  'multi:softprob',
  'multi:softmax',
  'reg:squarederror',
  'reg:linear',
  'reg:squaredlogerror',
  'reg:pseudohubererror',
  'reg:absoluteerror',
  'count:poisson',
  'reg:gamma',
  'reg:tweedie',
] as const;

export type XGBoostObjective = (typeof XGBOOST_OBJECTIVES)[number];

export function isXGBoostObjective(name: unknown): name is XGBoostObjective {
  return typeof name === 'string' && (XGBOOST_OBJECTIVES as readonly string[]).includes(name);
}

/** Classifier objectives (the rest are regressors). */
export function isClassification(objective: XGBoostObjective): boolean {
  return objective.startsWith('binary:') || objective.startsWith('multi:');
}

const fr = Math.fround;
const EPS = fr(1e-16);

/** common::Sigmoid: 1 / (expf(min(-x, 88.7)) + 1 + 1e-16), all in float32. */
export function xgbSigmoid(x: number): number {
  const t = Math.min(-x, fr(88.7));
  const denom = fr(fr(expf(t) + 1) + EPS);
  return fr(1 / denom);
}

/** ObjFunction::ProbToMargin for one base_score value (float32 in, float32 out). */
export function probToMargin(objective: XGBoostObjective, baseScore: number): number {
  const b = fr(baseScore);
  switch (objective) {
    case 'binary:logistic':
    case 'reg:logistic':
      return fr(-logf(fr(fr(1 / b) - 1)));
    case 'count:poisson':
    case 'reg:gamma':
    case 'reg:tweedie':
      return logf(b);
    default:
      return b;
  }
}

/**
 * PredTransform over one row's margins (in place, float32 values): what Booster.predict returns.
 * multi:softmax leaves the index of the first largest margin in out[0].
 */
export function transformMargins(objective: XGBoostObjective, m: Float64Array, out: Float64Array): void {
  const k = m.length;
  switch (objective) {
    case 'binary:logistic':
    case 'reg:logistic':
      for (let g = 0; g < k; g++) out[g] = xgbSigmoid(m[g] as number);
      return;
    case 'binary:hinge':
      for (let g = 0; g < k; g++) out[g] = (m[g] as number) > 0 ? 1 : 0;
      return;
    case 'count:poisson':
    case 'reg:gamma':
    case 'reg:tweedie':
      for (let g = 0; g < k; g++) out[g] = expf(m[g] as number);
      return;
    case 'multi:softprob':
      softmaxFloat32(m, out);
      return;
    case 'multi:softmax': {
      let best = 0;
      for (let g = 1; g < k; g++) if ((m[g] as number) > (m[best] as number)) best = g;
      out[0] = best;
      return;
    }
    default:
      for (let g = 0; g < k; g++) out[g] = m[g] as number;
  }
}

/** common::Softmax: float max (fmaxf), expf of differences, a double sum, float division. */
function softmaxFloat32(m: Float64Array, out: Float64Array): void {
  let wmax = m[0] as number;
  for (let g = 1; g < m.length; g++) wmax = Math.max(m[g] as number, wmax);
  let wsum = 0;
  for (let g = 0; g < m.length; g++) {
    const e = expf(fr((m[g] as number) - wmax));
    out[g] = e;
    wsum += e;
  }
  const s = fr(wsum);
  for (let g = 0; g < m.length; g++) out[g] = fr((out[g] as number) / s);
}

/**
 * scipy.special.softmax over float32 margins, which XGBClassifier.predict_proba uses for
 * multi:softmax: numpy's float32 exp (its own SIMD code, within an ulp or two of this) and sum.
 */
export function scipySoftmaxFloat32(m: Float64Array): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of m) if (v > max) max = v;
  const out = new Float64Array(m.length);
  let sum = 0;
  for (let g = 0; g < m.length; g++) {
    out[g] = fr(Math.exp(fr((m[g] as number) - max)));
    sum = fr(sum + (out[g] as number));
  }
  for (let g = 0; g < m.length; g++) out[g] = fr((out[g] as number) / sum);
  return out;
}
