// Typed errors of the cost estimator: bad flags and unreadable bench results.
import { UsageError } from '../core/errors.js';

/** A pricing input was missing or out of range; the message names the flag and what it expects. */
export class CostInputError extends UsageError {}

/** A `--from-bench` file could not be read or holds no usable duration. */
export class BenchResultError extends UsageError {}
