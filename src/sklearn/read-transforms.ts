// Reads fitted preprocessing steps (scalers, encoders, SimpleImputer, identity FunctionTransformers) into
// transform nodes, tracking whether their input is sparse (scikit-learn then scales by multiplying).
import type { TransformNode } from '../model/transform/types.js';
import { UnsupportedModelError } from './errors.js';
import { EstimatorState, numbers, values } from './state.js';
import { NdArray, PyGlobal, PyObject, PyTuple, type PyValue, typeName } from './values.js';

/** A transform as read: its node (null = identity), widths, and whether its output is a sparse matrix. */
export interface TransformRead {
  readonly node: TransformNode | null;
  readonly nIn: number;
  readonly nOut: number;
  readonly sparse: boolean;
}

function floats(s: EstimatorState, key: string, n: number): number[] {
  const v = numbers(s.array(key), `${s.path}.${key}`);
  if (v.length !== n) s.fail(key, `${n} values`);
  return v;
}

function optionalFloats(s: EstimatorState, key: string, n: number): number[] | null {
  return s.opt(key) instanceof NdArray ? floats(s, key, n) : null;
}

function noSparse(s: EstimatorState, sparse: boolean): void {
  if (sparse) {
    throw new UnsupportedModelError(
      `${s.path} (${s.name}) receives a sparse matrix, which scikit-learn itself refuses at predict time`,
    );
  }
}

function scaler(s: EstimatorState, sparse: boolean): TransformRead {
  const n = s.int('n_features_in_');
  const same = (node: TransformNode): TransformRead => ({ node, nIn: n, nOut: n, sparse });
  switch (s.name) {
    case 'StandardScaler': {
      if (sparse && s.bool('with_mean')) noSparse(s, sparse);
      const mean = s.bool('with_mean') ? floats(s, 'mean_', n) : null;
      const scale = s.bool('with_std') ? optionalFloats(s, 'scale_', n) : null;
      return same({ kind: 'StandardScaler', nFeatures: n, mean, scale, sparse });
    }
    case 'MinMaxScaler': {
      noSparse(s, sparse);
      const range = s.raw('feature_range');
      const clip = s.opt('clip') === true;
      if (clip && !(range instanceof PyTuple && range.items.every((v) => typeof v === 'number')))
        s.fail('feature_range', 'a (min, max) tuple');
      const bounds = clip ? (range as PyTuple).items.slice(0, 2) : null;
      return same({
        kind: 'MinMaxScaler',
        nFeatures: n,
        scale: floats(s, 'scale_', n),
        min: floats(s, 'min_', n),
        clip: bounds,
      });
    }
    case 'MaxAbsScaler':
      return same({
        kind: 'MaxAbsScaler',
        nFeatures: n,
        scale: floats(s, 'scale_', n),
        sparse,
        clip: s.opt('clip') === true,
      });
    default: {
      const center = !sparse && s.bool('with_centering') ? floats(s, 'center_', n) : null;
      const scale = s.bool('with_scaling') ? floats(s, 'scale_', n) : null;
      return same({ kind: 'RobustScaler', nFeatures: n, center, scale, sparse });
    }
  }
}

/** An encoder's output dtype must be float64: other dtypes would change the arithmetic after it. */
function float64Output(s: EstimatorState): void {
  const d = s.opt('dtype');
  if (d === undefined || (d instanceof PyGlobal && d.qualified === 'numpy.float64')) return;
  const what = d instanceof PyGlobal ? d.qualified : typeName(d);
  throw new UnsupportedModelError(
    `${s.path} (${s.name}) has dtype=${what}; lambda-ml reads encoders with dtype=numpy.float64`,
  );
}

function intList(v: PyValue, what: string): number[] | null {
  if (v === null || v === undefined) return null;
  const out = values(v, what);
  if (!out.every((x): x is number => typeof x === 'number' && Number.isInteger(x)))
    throw new UnsupportedModelError(`${what} holds non-integer indices`);
  return out;
}

/** categories_ plus the infrequent grouping, per input column. */
function encodedColumns(s: EstimatorState): { features: object[]; n: number } {
  const cats = s.list('categories_');
  const infrequent = s.opt('_infrequent_enabled') === true;
  const idx = infrequent ? s.list('_infrequent_indices') : [];
  const maps = infrequent ? s.list('_default_to_infrequent_mappings') : [];
  const features = cats.map((c, i) => ({
    categories: values(c, `${s.path}.categories_[${i}]`),
    infrequent: infrequent ? intList(idx[i], `${s.path}._infrequent_indices[${i}]`) : null,
    mapping: infrequent ? intList(maps[i], `${s.path}._default_to_infrequent_mappings[${i}]`) : null,
  }));
  return { features, n: cats.length };
}

function encoder(s: EstimatorState): TransformRead {
  float64Output(s);
  const { features, n } = encodedColumns(s);
  if (s.name === 'OrdinalEncoder') {
    const unknown = s.str('handle_unknown');
    const unknownValue = s.opt('unknown_value');
    const missingValue = s.opt('encoded_missing_value') ?? Number.NaN;
    const num = (v: PyValue) => (typeof v === 'number' && !Number.isNaN(v) ? v : null);
    return {
      node: {
        kind: 'OrdinalEncoder',
        features,
        handleUnknown: unknown,
        unknownValue: num(unknownValue ?? null),
        encodedMissingValue: num(missingValue),
      },
      nIn: n,
      nOut: n,
      sparse: false,
    };
  }
  const declared = s.str('handle_unknown');
  const handleUnknown = declared === 'warn' ? 'infrequent_if_exist' : declared;
  // 1.3+ keeps the drop index in the grouped (infrequent) space apart; 1.2 transform uses drop_idx_ itself.
  const dropKey = s.has('_drop_idx_after_grouping') ? '_drop_idx_after_grouping' : 'drop_idx_';
  const dropRaw = s.opt(dropKey) ?? null;
  const drop = dropRaw === null ? null : values(dropRaw, `${s.path}.${dropKey}`);
  const nOuts = values(s.raw('_n_features_outs'), `${s.path}._n_features_outs`) as number[];
  const sparseOut = typeof s.opt('sparse_output') === 'boolean' ? s.opt('sparse_output') : s.opt('sparse');
  return {
    node: { kind: 'OneHotEncoder', features, handleUnknown, drop, nOuts },
    nIn: n,
    nOut: nOuts.reduce((a, b) => a + b, 0),
    sparse: sparseOut !== false,
  };
}

function imputer(s: EstimatorState, sparse: boolean): TransformRead {
  const n = s.int('n_features_in_');
  const marker = s.raw('missing_values');
  if (!(marker === null || typeof marker === 'number' || typeof marker === 'string'))
    s.fail('missing_values', 'NaN, None, a number or a string');
  const statistics = values(s.array('statistics_'), `${s.path}.statistics_`);
  if (statistics.length !== n) s.fail('statistics_', `${n} values`);
  const keepAll = s.opt('keep_empty_features') === true || s.raw('strategy') === 'constant';
  const keep = statistics.flatMap((v, j) => (keepAll || v !== null ? [j] : []));
  let indicator: number[] | null = null;
  if (s.bool('add_indicator')) {
    const ind = s.object('indicator_');
    const m = new EstimatorState(ind, `${s.path}.indicator_`);
    indicator =
      m.raw('features') === 'all'
        ? Array.from({ length: n }, (_, j) => j)
        : intList(m.raw('features_'), `${m.path}.features_`);
  }
  return {
    node: {
      kind: 'SimpleImputer',
      nFeatures: n,
      missingValues: typeof marker === 'number' && Number.isNaN(marker) ? null : marker,
      statistics,
      keep,
      indicator,
    },
    nIn: n,
    nOut: keep.length + (indicator?.length ?? 0),
    sparse,
  };
}

/**
 * A FunctionTransformer is read only when it runs no function of the user's: without `func` (the
 * identity scikit-learn puts in for passthrough columns) or with HistGradientBoosting's
 * `partial(check_array)` (a float64 conversion). Any other function is refused by name.
 */
function functionTransformer(s: EstimatorState, sparse: boolean): TransformRead {
  const func = s.raw('func');
  const identity =
    func === null ||
    (func instanceof PyObject &&
      func.cls.qualified === 'functools.partial' &&
      func.args[0] instanceof PyGlobal &&
      func.args[0].qualified === 'sklearn.utils.validation.check_array');
  if (!identity) {
    const what =
      func instanceof PyGlobal
        ? func.qualified
        : func instanceof PyObject
          ? func.cls.qualified
          : typeName(func);
    throw new UnsupportedModelError(
      `${s.path} is a FunctionTransformer(func=${what}): it runs a function, and lambda-ml runs no code from a model file`,
    );
  }
  const n = s.has('n_features_in_') ? s.int('n_features_in_') : -1;
  return { node: null, nIn: n, nOut: n, sparse };
}

/** One leaf transform (not a Pipeline or ColumnTransformer), from its record. */
export function readLeafTransform(obj: PyObject, path: string, sparse: boolean): TransformRead {
  const s = new EstimatorState(obj, path);
  switch (s.name) {
    case 'StandardScaler':
    case 'MinMaxScaler':
    case 'MaxAbsScaler':
    case 'RobustScaler':
      return scaler(s, sparse);
    case 'OneHotEncoder':
    case 'OrdinalEncoder':
      return encoder(s);
    case 'SimpleImputer':
      return imputer(s, sparse);
    case 'FunctionTransformer':
      return functionTransformer(s, sparse);
    default:
      throw new UnsupportedModelError(
        `${path} is a ${obj.cls.qualified}, which is not a preprocessing step lambda-ml reads`,
      );
  }
}
