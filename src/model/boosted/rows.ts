// Input rows of boosted-tree models: the schema (names, category columns, missing values) and the
// conversion of one request row into the numbers the trees compare, as each library converts them.
import { PredictInputError } from '../errors.js';
import type { FeatureSpec, FeatureValue, InputSchema } from '../types.js';

/** A category column: its values in the model's order (a value's code is its index). */
export type CategoryList = readonly (string | number)[];

/**
 * Builds the schema of a boosted model: every column takes missing values (NaN / null); a column
 * with a category list is a `category` feature, any other a `number` feature.
 */
export function boostedSchema(
  nFeatures: number,
  names: readonly string[] | null,
  categories: readonly (CategoryList | null)[] | null,
): InputSchema {
  const features: FeatureSpec[] = [];
  for (let f = 0; f < nFeatures; f++) {
    const name = names?.[f] ?? null;
    const cats = categories?.[f] ?? null;
    features.push(cats === null ? { name, kind: 'number' } : { name, kind: 'category', categories: cats });
  }
  return { features, acceptsMissing: true };
}

function where(schema: InputSchema, f: number): string {
  const name = schema.features[f]?.name;
  return name === null || name === undefined ? `feature ${f}` : `feature ${f} (${JSON.stringify(name)})`;
}

/**
 * Turns validated request rows into float64 inputs: numbers stay (NaN = missing), a category value
 * becomes its code (an unknown one becomes NaN, as pandas' `set_categories` does before LightGBM).
 */
export class RowEncoder {
  private readonly codes: (Map<string | number, number> | null)[];

  constructor(private readonly schema: InputSchema) {
    this.codes = schema.features.map((s) =>
      s.kind === 'category' && s.categories ? new Map(s.categories.map((c, i) => [c, i])) : null,
    );
  }

  get nFeatures(): number {
    return this.schema.features.length;
  }

  /** Writes nRows rows laid back to back in `rows` into out (row-major); checks each value. */
  encodeFlat(rows: ArrayLike<FeatureValue>, nRows: number, out: Float64Array): void {
    const n = this.codes.length;
    if (rows.length !== nRows * n) {
      throw new PredictInputError(`row has ${rows.length} features; the model expects ${n}`, {
        context: { expected: n, got: rows.length },
      });
    }
    for (let j = 0; j < nRows * n; j++) out[j] = this.value(rows[j], j % n);
  }

  /** Writes row's values into out[offset ..]; throws PredictInputError naming the feature. */
  encode(row: ArrayLike<FeatureValue>, out: Float64Array, offset = 0): void {
    const n = this.codes.length;
    if (row === null || typeof row !== 'object' || typeof row.length !== 'number') {
      throw new PredictInputError(`a row must be an array of ${n} values`);
    }
    if (row.length !== n) {
      throw new PredictInputError(`row has ${row.length} features; the model expects ${n}`, {
        context: { expected: n, got: row.length },
      });
    }
    for (let f = 0; f < n; f++) out[offset + f] = this.value(row[f], f);
  }

  /** One value of feature f as the trees compare it. */
  private value(v: FeatureValue | undefined, f: number): number {
    const codes = this.codes[f];
    if (codes) {
      if (typeof v === 'number' && Number.isNaN(v)) return Number.NaN;
      if (typeof v === 'string' || typeof v === 'number') return codes.get(v) ?? Number.NaN;
      throw new PredictInputError(`${where(this.schema, f)} is ${String(v)}; expected a category`);
    }
    if (typeof v !== 'number') {
      throw new PredictInputError(
        `${where(this.schema, f)} is ${JSON.stringify(v)}; expected a number (or null for missing)`,
      );
    }
    if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) {
      throw new PredictInputError(`${where(this.schema, f)} is ${v}; expected a finite number`);
    }
    return v;
  }
}
