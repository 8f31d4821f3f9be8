// Turns request rows (arrays by position, or objects by feature name) into validated FeatureValue rows,
// driven only by the model's InputSchema, so every model kind (scikit-learn, XGBoost, LightGBM) shares it.
import {
  type FeatureSpec,
  type FeatureValue,
  featureAcceptsMissing,
  featureNames,
  type InputSchema,
} from '../model/types.js';
import { BadRequestError } from './errors.js';

/** How a JSON value reads in an error message: `null`, `3`, `a string ("abc")`, `an object`. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)})`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

const SHOWN_CATEGORIES = 20;

/** The largest finite float32, 3.4028234663852886e38 (numbers up to half an ulp above round to it). */
const FLOAT32_MAX = 3.4028234663852886e38;

/** `"a", "b", ... (31 more)`: the known values of a category, shortened for a message. */
export function listCategories(categories: readonly (string | number)[]): string {
  const shown = categories.slice(0, SHOWN_CATEGORIES).map((c) => JSON.stringify(c));
  const more = categories.length - shown.length;
  return more > 0 ? `${shown.join(', ')} ... (${more} more)` : shown.join(', ');
}

function quoteNames(names: readonly string[]): string {
  return names.map((n) => JSON.stringify(n)).join(', ');
}

/** Compiled once per model: the per-column checks and the name -> position map. */
export class RowReader {
  readonly nFeatures: number;
  /** Feature names in model order, or null when the model knows none (rows must be arrays). */
  readonly names: readonly string[] | null;
  private readonly index: ReadonlyMap<string, number> | null;
  private readonly missing: readonly boolean[];
  private readonly known: readonly (ReadonlySet<string | number> | null)[];
  /** The model casts numbers to float32 (InputSchema.float32). */
  private readonly float32: boolean;

  constructor(readonly schema: InputSchema) {
    this.nFeatures = schema.features.length;
    this.names = featureNames(schema);
    this.index = this.names === null ? null : new Map(this.names.map((n, i) => [n, i]));
    this.missing = schema.features.map((f) => featureAcceptsMissing(schema, f));
    this.float32 = schema.float32 === true;
    this.known = schema.features.map((f) =>
      f.kind === 'category' && f.acceptsUnknown === false ? new Set(f.categories ?? []) : null,
    );
  }

  /** True when any column takes null (so the docs and errors can say so). */
  get anyMissing(): boolean {
    return this.missing.some(Boolean);
  }

  /** What one row looks like, for error messages. */
  example(): string {
    const n = this.nFeatures;
    const positional = `[x1, ..., x${n}] (${n} values in model order)`;
    if (this.names === null) return positional;
    const shown = this.names.slice(0, 3).map((name) => `${JSON.stringify(name)}: ...`);
    return `{${shown.join(', ')}${n > 3 ? ', ...' : ''}} (by name) or ${positional}`;
  }

  /** The expected fields, for a message about an object row. */
  expectedFields(): string {
    return this.names === null ? '' : `expected the fields ${quoteNames(this.names)}`;
  }

  /** Checks one row (array or object) and returns its values in model order, NaN for null. */
  read(value: unknown, where: string): FeatureValue[] {
    if (Array.isArray(value)) return this.readArray(value, where);
    if (value !== null && typeof value === 'object') return this.readObject(value as object, where);
    throw new BadRequestError(`${where} is ${kindOf(value)}; expected a row: ${this.example()}`);
  }

  private readArray(value: readonly unknown[], where: string): FeatureValue[] {
    if (value.length !== this.nFeatures) {
      throw new BadRequestError(
        `${where} has ${value.length} values; the model expects ${this.nFeatures} features`,
      );
    }
    const out = new Array<FeatureValue>(this.nFeatures);
    for (let j = 0; j < this.nFeatures; j++) out[j] = this.cell(value[j], j, `${where}[${j}]`);
    return out;
  }

  private readObject(value: object, where: string): FeatureValue[] {
    const index = this.index;
    if (index === null || this.names === null) {
      throw new BadRequestError(
        `${where} is an object, but this model knows no feature names (it was fitted on an array); send ${this.example()}`,
      );
    }
    const out = new Array<FeatureValue>(this.nFeatures);
    const seen = new Uint8Array(this.nFeatures);
    for (const key of Object.keys(value)) {
      const j = index.get(key);
      if (j === undefined) {
        throw new BadRequestError(
          `${where} has an unknown field ${JSON.stringify(key)}; ${this.expectedFields()}`,
        );
      }
      seen[j] = 1;
      out[j] = this.cell((value as Record<string, unknown>)[key], j, `${where}.${key}`);
    }
    const absent = this.names.filter((_, j) => seen[j] === 0);
    if (absent.length > 0) {
      const what = absent.length === 1 ? 'field' : 'fields';
      const hint = this.anyMissing ? ' (send null for a missing value)' : '';
      throw new BadRequestError(
        `${where} lacks the ${what} ${quoteNames(absent)}${hint}; ${this.expectedFields()}`,
      );
    }
    return out;
  }

  /** One value against its feature: a finite number, a known category, or null where missing is accepted. */
  private cell(x: unknown, j: number, where: string): FeatureValue {
    const f = this.schema.features[j] as FeatureSpec;
    if (x === null || (typeof x === 'number' && Number.isNaN(x))) {
      if (this.missing[j]) return Number.NaN;
      throw new BadRequestError(
        `${where} is ${x === null ? 'null' : 'NaN'} (a missing value), but ${describeFeature(f, j)} does not accept missing values; expected ${expectedValue(f)}`,
      );
    }
    if (f.kind === 'ignored') {
      if (typeof x === 'number' || typeof x === 'string') return x;
      throw new BadRequestError(
        `${where} is ${kindOf(x)}; expected a number or a string (the model ignores it)`,
      );
    }
    if (f.kind === 'number') {
      if (typeof x !== 'number' || !Number.isFinite(x)) {
        throw new BadRequestError(`${where} is ${kindOf(x)}; expected ${expectedValue(f)}`);
      }
      if (this.float32 && !Number.isFinite(Math.fround(x))) {
        throw new BadRequestError(
          `${where} is ${x}, beyond float32's range: ${describeFeature(f, j)} is cast to float32 by this model (as scikit-learn's trees and XGBoost do), so expected a number within ±${FLOAT32_MAX}`,
        );
      }
      return x;
    }
    const wanted = categoryType(f);
    if (typeof x !== wanted || (typeof x === 'number' && !Number.isFinite(x))) {
      throw new BadRequestError(
        `${where} is ${kindOf(x)}; ${describeFeature(f, j)} is a category of ${wanted}s: expected ${expectedValue(f)}`,
      );
    }
    const known = this.known[j];
    if (known && !known.has(x as string | number)) {
      throw new BadRequestError(
        `${where} is ${kindOf(x)}, a value the model did not see in training and does not accept; expected one of ${listCategories(f.categories ?? [])}`,
      );
    }
    return x as FeatureValue;
  }
}

/** `strings` unless every known category is a number (numeric codes, as in HistGradientBoosting). */
function categoryType(f: FeatureSpec): 'string' | 'number' {
  const cats = f.categories ?? [];
  return cats.length > 0 && cats.every((c) => typeof c === 'number') ? 'number' : 'string';
}

function describeFeature(f: FeatureSpec, j: number): string {
  return f.name === null ? `feature ${j}` : `feature ${JSON.stringify(f.name)}`;
}

function expectedValue(f: FeatureSpec): string {
  if (f.kind === 'number') return 'a finite number';
  if (f.kind === 'ignored') return 'any number or string (the model ignores this column)';
  const cats = f.categories ?? [];
  if (cats.length === 0) return `a ${categoryType(f)}`;
  return `a ${categoryType(f)} such as ${listCategories(cats)}`;
}

/** Rows of a request's `data`: one row (array or object) or a batch (an array of rows). */
export interface ParsedRows {
  readonly rows: FeatureValue[][];
  /** `data` was an array of rows (answer with an array) rather than one row. */
  readonly batch: boolean;
}

/** True when `data` is a batch: an array whose first element is itself a row (array or object). */
export function isBatch(data: readonly unknown[]): boolean {
  const first = data[0];
  return first !== null && typeof first === 'object';
}
