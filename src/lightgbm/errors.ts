// Typed errors of the LightGBM reader: each message says what was wrong, where (the line), and what is expected.
import { LambdaMlError } from '../core/errors.js';

/** Root of every error the LightGBM reader throws. */
export class LightGBMError extends LambdaMlError {}

/** The text is not a well-formed LightGBM model (truncated, a missing or malformed field); names the line. */
export class LightGBMFormatError extends LightGBMError {}

/** A size in the file exceeds the reader's resource budget. */
export class LightGBMLimitError extends LightGBMError {}

/** A well-formed model lambda-ml does not serve (linear trees, an objective it does not know). */
export class UnsupportedLightGBMModelError extends LightGBMError {}
