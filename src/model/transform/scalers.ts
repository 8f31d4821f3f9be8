// StandardScaler, MinMaxScaler, MaxAbsScaler, RobustScaler: per-column float64 arithmetic in scikit-learn's
// order (subtract, then divide; or multiply, then add, then clip). After a sparse step scikit-learn scales
// by multiplying with 1 / scale (inplace_column_scale), so a node says `sparse` and that is done here too.
import { PredictInputError } from '../errors.js';
import type { FeatureValue } from '../types.js';
import { NodeFields } from './fields.js';
import type { ColumnNeed, Transform, TransformNode } from './types.js';

/** One column's steps; absent arrays are skipped. NaN passes through every step (NaN in, NaN out). */
interface ScaleOps {
  readonly n: number;
  readonly subtract: Float64Array | null;
  readonly divide: Float64Array | null;
  readonly multiply: Float64Array | null;
  readonly add: Float64Array | null;
  readonly clip: readonly [number, number] | null;
}

/** numpy.clip: NaN stays NaN, and -0 stays -0 (Math.max(-0, 0) would give 0). */
function clip(v: number, lo: number, hi: number): number {
  // biome-ignore lint/complexity/useMathMinMax: Math.min/max differ from numpy on -0
  return v < lo ? lo : v > hi ? hi : v;
}

function scaleTransform(kind: string, ops: ScaleOps): Transform {
  const { n, subtract, divide, multiply, add } = ops;
  const bounds = ops.clip;
  return {
    nIn: n,
    nOut: n,
    apply(row) {
      const out = new Array<FeatureValue>(n);
      for (let j = 0; j < n; j++) {
        let v = row[j];
        if (typeof v !== 'number') {
          throw new PredictInputError(`${kind} input column ${j} is ${JSON.stringify(v)}; expected a number`);
        }
        if (subtract) v -= subtract[j] as number;
        if (divide) v /= divide[j] as number;
        if (multiply) v *= multiply[j] as number;
        if (add) v += add[j] as number;
        if (bounds) v = clip(v, bounds[0], bounds[1]);
        out[j] = v;
      }
      return out;
    },
    // A scaler keeps NaN as NaN, so a column takes a missing value when the next step does.
    inputNeeds: (out: readonly ColumnNeed[]) =>
      out.map((o) => ({ kind: 'number' as const, acceptsMissing: o.acceptsMissing })),
  };
}

/** 1 / s for every s, as numpy computes `1 / scale_` before a sparse column scale. */
function reciprocal(s: Float64Array): Float64Array {
  return s.map((v) => 1 / v);
}

function scaleOrReciprocal(
  scale: Float64Array | null,
  sparse: boolean,
): Pick<ScaleOps, 'divide' | 'multiply'> {
  if (scale === null) return { divide: null, multiply: null };
  return sparse ? { divide: null, multiply: reciprocal(scale) } : { divide: scale, multiply: null };
}

/** `(x - mean) / scale` (dense), `x * (1 / scale)` (sparse: no centring). */
export function standardScaler(node: TransformNode, where: string): Transform {
  const f = new NodeFields(node, where);
  const n = f.int('nFeatures', 1);
  const sparse = f.bool('sparse');
  const mean = f.nums('mean', n, true);
  if (sparse && mean !== null) f.fail('mean', 'null: a sparse input is never centred');
  const scale = f.nums('scale', n, true);
  return scaleTransform('StandardScaler', {
    n,
    subtract: mean,
    ...scaleOrReciprocal(scale, sparse),
    add: null,
    clip: null,
  });
}

/** `x * scale + min`, then clipped to the feature range when `clip` was set. */
export function minMaxScaler(node: TransformNode, where: string): Transform {
  const f = new NodeFields(node, where);
  const n = f.int('nFeatures', 1);
  const range = node.clip === null ? null : f.nums('clip', 2);
  return scaleTransform('MinMaxScaler', {
    n,
    subtract: null,
    divide: null,
    multiply: f.nums('scale', n),
    add: f.nums('min', n),
    clip: range === null ? null : [range[0] as number, range[1] as number],
  });
}

/** `x / scale` (dense) or `x * (1 / scale)` (sparse); scikit-learn 1.8+ can clip to [-1, 1]. */
export function maxAbsScaler(node: TransformNode, where: string): Transform {
  const f = new NodeFields(node, where);
  const n = f.int('nFeatures', 1);
  return scaleTransform('MaxAbsScaler', {
    n,
    subtract: null,
    ...scaleOrReciprocal(f.nums('scale', n), f.bool('sparse')),
    add: null,
    clip: f.bool('clip') ? [-1, 1] : null,
  });
}

/** `(x - center) / scale` (dense), `x * (1 / scale)` (sparse: no centring). */
export function robustScaler(node: TransformNode, where: string): Transform {
  const f = new NodeFields(node, where);
  const n = f.int('nFeatures', 1);
  const sparse = f.bool('sparse');
  const center = f.nums('center', n, true);
  if (sparse && center !== null) f.fail('center', 'null: a sparse input is never centred');
  return scaleTransform('RobustScaler', {
    n,
    subtract: center,
    ...scaleOrReciprocal(f.nums('scale', n, true), sparse),
    add: null,
    clip: null,
  });
}
