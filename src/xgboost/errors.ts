// Typed errors of the XGBoost reader: each message says what was wrong, where, and what is expected.
import { LambdaMlError } from '../core/errors.js';

/** Root of every error the XGBoost reader throws. */
export class XGBoostError extends LambdaMlError {}

/**
 * The bytes are not a well-formed XGBoost model (truncated or corrupt JSON/UBJSON, a missing or
 * mistyped field); the context names where (byte offset, line and column, or the field's path).
 */
export class XGBoostFormatError extends XGBoostError {}

/** A length, count or nesting depth in the file exceeds the reader's resource budget. */
export class XGBoostLimitError extends XGBoostError {}

/** A well-formed model lambda-ml does not serve (gblinear, an objective it does not know, multi-target trees). */
export class UnsupportedXGBoostModelError extends XGBoostError {}
