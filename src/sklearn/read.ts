// Reads a joblib/pickle file's bytes into a SklearnModel: container, safe unpickling, interpretation.
import type { BudgetLimits } from '../core/budget.js';
import { type Container, unwrapContainer } from './container.js';
import { type InterpretOptions, interpretEstimator, type SklearnModel } from './interpret.js';
import { DEFAULT_LIMITS, type PickleLimits, pickleBudget, unpickle } from './pickle-vm.js';
import type { PyValue } from './values.js';

export interface ReadOptions extends InterpretOptions {
  /** Largest file, and largest pickle after decompression, in bytes. Default 256 MiB. */
  readonly maxBytes?: number;
  readonly limits?: PickleLimits;
  /** Overrides of the resource budget (by default scaled to the file's stored size). */
  readonly budget?: Partial<BudgetLimits>;
}

export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

export interface ReadResult {
  readonly container: Container;
  readonly model: SklearnModel;
}

/**
 * Unpickles the bytes of a `.joblib`/`.pkl` file into inert values, executing nothing. Used by the
 * scikit-learn interpreter here and by the XGBoost/LightGBM wrapper readers.
 */
export function unpickleFile(
  bytes: Uint8Array,
  options: ReadOptions = {},
): { container: Container; root: PyValue } {
  // One budget for the whole file, scaled to its stored size: the decompressed size and everything the
  // pickle builds are charged against it.
  const budget = pickleBudget(bytes.length, options.budget);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const { container, pickle } = unwrapContainer(bytes, maxBytes, budget.limits.inflatedBytes);
  return { container, root: unpickle(pickle, options.limits ?? DEFAULT_LIMITS, budget) };
}

/** Parses the bytes of a `.joblib`/`.pkl` file without executing anything from it. */
export function readSklearnBytes(bytes: Uint8Array, options: ReadOptions = {}): ReadResult {
  const { container, root } = unpickleFile(bytes, options);
  return { container, model: interpretEstimator(root, options) };
}
