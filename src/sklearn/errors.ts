// Typed errors of the scikit-learn reader: each message says what was wrong and what is expected.
import { LambdaMlError } from '../core/errors.js';

/** Root of every error the sklearn reader throws, so callers can catch them all with one `instanceof`. */
export class SklearnError extends LambdaMlError {}

/** A pickle asked for a global or an opcode that could run code; nothing was executed. */
export class UnsafePickleError extends SklearnError {}

/** The bytes are not a well-formed pickle / joblib stream (truncated, bad opcode, wrong types). */
export class PickleFormatError extends SklearnError {}

/** A length, shape, size or nesting depth in the file exceeds the reader's bounds. */
export class PickleLimitError extends SklearnError {}

/** A joblib container compressed with a codec lambda-ml does not read (bz2, lzma, xz, lz4). */
export class UnsupportedCompressionError extends SklearnError {}

/** The pickle holds an estimator (or an estimator layout) lambda-ml cannot turn into a model. */
export class UnsupportedModelError extends SklearnError {}

/** A model file could not be read: wraps the cause with the file path. */
export class ModelFileError extends SklearnError {}
