// The explicit allow-list of pickle globals: what each may be used for. Everything else is refused.
import { BOOSTER_GLOBALS, BOOSTER_WRAPPERS, isBoosterModule } from './allowlist-boosters.js';
import { UnsafePickleError, UnsupportedModelError } from './errors.js';
import {
  ESTIMATOR_CLASSES,
  PART_CLASSES,
  RECORD_GLOBALS,
  supportedClasses,
  TRANSFORM_CLASSES,
  TYPE_GLOBALS,
} from './sklearn-classes.js';
import { PyGlobal } from './values.js';

/**
 * What an allowed global may do in the VM. `class`: instantiated as an inert record by NEWOBJ (and
 * filled by BUILD). `record`: a REDUCE callable whose call is recorded, never made (Tree, RandomState).
 * The numpy/codecs roles are decoded by the VM itself. `type`: only usable as an argument.
 */
export type GlobalRole =
  | 'class'
  | 'record'
  | 'dtype'
  | 'scalar'
  | 'reconstruct'
  | 'frombuffer'
  | 'encode'
  | 'bytearray'
  | 'dict'
  | 'type';

const ALLOWED: ReadonlyMap<string, GlobalRole> = new Map<string, GlobalRole>([
  ...[...Object.keys(ESTIMATOR_CLASSES), ...Object.keys(TRANSFORM_CLASSES), ...PART_CLASSES].map(
    (k): [string, GlobalRole] => [k, 'class'],
  ),
  ...RECORD_GLOBALS.map((k): [string, GlobalRole] => [k, 'record']),
  ...TYPE_GLOBALS.map((k): [string, GlobalRole] => [k, 'type']),
  ['joblib.numpy_pickle.NumpyArrayWrapper', 'class'],
  ['sklearn.tree._tree.Tree', 'record'],
  ['numpy.random._pickle.__randomstate_ctor', 'record'],
  ['numpy.random._pickle.__bit_generator_ctor', 'record'],
  ['numpy.ndarray', 'type'],
  ['numpy.memmap', 'type'],
  ['numpy.dtype', 'dtype'],
  ['numpy.core.multiarray.scalar', 'scalar'],
  ['numpy._core.multiarray.scalar', 'scalar'],
  ['numpy.core.multiarray._reconstruct', 'reconstruct'],
  ['numpy._core.multiarray._reconstruct', 'reconstruct'],
  ['numpy.core.numeric._frombuffer', 'frombuffer'],
  ['numpy._core.numeric._frombuffer', 'frombuffer'],
  ['_codecs.encode', 'encode'],
  ...BOOSTER_GLOBALS,
]);

export function supportedEstimators(): string {
  return supportedClasses();
}

const FUNCTION_TRANSFORMER = 'sklearn.preprocessing._function_transformer.FunctionTransformer';

/**
 * Resolves a global against the allow-list, or throws naming it. Nothing is imported or looked up.
 * `within` names the object being built when the global appeared (only asked for on a refusal).
 */
export function resolveGlobal(module: string, name: string, within?: () => string | undefined): PyGlobal {
  const key = `${module}.${name}`;
  const role = ALLOWED.get(key);
  if (role !== undefined) return new PyGlobal(module, name, role);
  const owner = within?.();
  const inside = owner === undefined ? '' : ` inside a ${owner}`;
  if (module === 'sklearn' || module.startsWith('sklearn.')) {
    throw new UnsupportedModelError(
      `unsupported scikit-learn class ${key}${inside}: lambda-ml reads ${supportedEstimators()} ` +
        '(scikit-learn 0.22 to 1.9; verified with 1.2.1, 1.6.1 and 1.9.1)',
      { context: { global: key } },
    );
  }
  if (owner === FUNCTION_TRANSFORMER) {
    throw new UnsafePickleError(
      `refused FunctionTransformer(func=${key}): a FunctionTransformer runs its function, and lambda-ml runs no ` +
        'code from a model file (nothing was executed); apply the function to the rows before sending them, or ' +
        'use a supported preprocessing step',
      { context: { global: key } },
    );
  }
  if (isBoosterModule(module)) {
    throw new UnsupportedModelError(
      `unsupported class ${key}: lambda-ml reads the wrappers ${Object.values(BOOSTER_WRAPPERS).join(', ')}`,
      { context: { global: key } },
    );
  }
  throw new UnsafePickleError(
    `refused pickle global ${key}${inside}: it is not on lambda-ml's allow-list of scikit-learn/numpy/joblib/XGBoost/LightGBM names ` +
      '(nothing was executed)',
    { context: { global: key } },
  );
}
