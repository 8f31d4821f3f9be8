// The contract of a preprocessing step (scaler, encoder, imputer, column transformer): one row in, one row out,
// with scikit-learn's arithmetic, plus what it needs from each input column (for the model's input schema).
import type { FeatureKind, FeatureValue } from '../types.js';

/** What a step needs from one of its input columns; folded from the estimator back to the model's input. */
export interface ColumnNeed {
  readonly kind: FeatureKind;
  /** Known values of a category column (null = the missing category, which a request sends as null). */
  readonly categories?: readonly (string | number)[];
  readonly acceptsMissing: boolean;
  /** For a category column: whether a value outside `categories` is mapped (true) or an error (false). */
  readonly acceptsUnknown?: boolean;
}

export const NUMBER_NEED: ColumnNeed = { kind: 'number', acceptsMissing: false };
export const IGNORED_NEED: ColumnNeed = { kind: 'ignored', acceptsMissing: true };

/** A fitted preprocessing step. Rows hold numbers (NaN = missing) and, for categorical columns, strings. */
export interface Transform {
  readonly nIn: number;
  readonly nOut: number;
  /** One row of `nIn` values to `nOut` values; throws PredictInputError for a value the step refuses. */
  apply(row: readonly FeatureValue[]): FeatureValue[];
  /** What each input column must be, given what the next step needs from each output column. */
  inputNeeds(out: readonly ColumnNeed[]): ColumnNeed[];
}

/** A transform node as stored in the artifact: `kind` (scikit-learn's class name) plus its fitted state. */
export interface TransformNode {
  readonly kind: string;
  readonly [field: string]: unknown;
}

/**
 * Combines the needs of several consumers of one input column (a ColumnTransformer may feed a column to
 * two transformers): a category wins over a number, missing/unknown values only when every consumer takes them.
 */
export function mergeNeeds(a: ColumnNeed | undefined, b: ColumnNeed): ColumnNeed {
  if (a === undefined || a.kind === 'ignored') return b;
  if (b.kind === 'ignored') return a;
  const category = a.kind === 'category' ? a : b.kind === 'category' ? b : null;
  const acceptsMissing = a.acceptsMissing && b.acceptsMissing;
  if (category === null) return { kind: 'number', acceptsMissing };
  const unknown = (a.acceptsUnknown ?? true) && (b.acceptsUnknown ?? true);
  return { ...category, acceptsMissing, acceptsUnknown: unknown };
}
