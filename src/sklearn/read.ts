// Reads a joblib/pickle file's bytes into a SklearnModel: container, safe unpickling, interpretation.
import { type Container, unwrapContainer } from './container.js';
import { type InterpretOptions, interpretEstimator, type SklearnModel } from './interpret.js';
import { DEFAULT_LIMITS, type PickleLimits, unpickle } from './pickle-vm.js';

export interface ReadOptions extends InterpretOptions {
  /** Largest pickle (after decompression) accepted, in bytes. Default 256 MiB. */
  readonly maxBytes?: number;
  readonly limits?: PickleLimits;
}

export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

export interface ReadResult {
  readonly container: Container;
  readonly model: SklearnModel;
}

/** Parses the bytes of a `.joblib`/`.pkl` file without executing anything from it. */
export function readSklearnBytes(bytes: Uint8Array, options: ReadOptions = {}): ReadResult {
  const { container, pickle } = unwrapContainer(bytes, options.maxBytes ?? DEFAULT_MAX_BYTES);
  const root = unpickle(pickle, options.limits ?? DEFAULT_LIMITS);
  return { container, model: interpretEstimator(root, options) };
}
