// Typed reads of a transform node's fields, each failure an ArtifactError naming the node and field.
// JSON has no NaN: a stored null in a number list is NaN (scikit-learn's missing value or "no value").
import { ArtifactError } from '../errors.js';
import { isNumberArray } from '../number-array.js';

export class NodeFields {
  constructor(
    readonly node: Readonly<Record<string, unknown>>,
    readonly where: string,
  ) {}

  fail(field: string, expected: string): never {
    const got = JSON.stringify(this.node[field]) ?? 'nothing';
    throw new ArtifactError(
      `invalid model artifact: ${this.where}.${field} is ${got.slice(0, 60)}; expected ${expected}`,
    );
  }

  int(field: string, min = 0): number {
    const v = this.node[field];
    if (!Number.isSafeInteger(v) || (v as number) < min) this.fail(field, `an integer >= ${min}`);
    return v as number;
  }

  bool(field: string): boolean {
    const v = this.node[field];
    if (typeof v !== 'boolean') this.fail(field, 'true or false');
    return v;
  }

  str<T extends string>(field: string, allowed: readonly T[]): T {
    const v = this.node[field];
    if (typeof v !== 'string' || !allowed.includes(v as T))
      this.fail(field, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    return v as T;
  }

  /** A number, or null for NaN. */
  num(field: string): number {
    const v = this.node[field];
    if (v === null) return Number.NaN;
    if (typeof v !== 'number') this.fail(field, 'a number or null (NaN)');
    return v;
  }

  /** A list of `n` numbers (null = NaN), or null when `optional` and absent/null. */
  nums(field: string, n: number): Float64Array;
  nums(field: string, n: number, optional: true): Float64Array | null;
  nums(field: string, n: number, optional = false): Float64Array | null {
    const v = this.node[field];
    if (optional && (v === null || v === undefined)) return null;
    if (!isNumberArray(v) && !Array.isArray(v)) this.fail(field, `a list of ${n} numbers (null = NaN)`);
    const items = Array.from(v as ArrayLike<unknown>);
    if (items.length !== n || !items.every((x) => x === null || typeof x === 'number'))
      this.fail(field, `a list of ${n} numbers (null = NaN)`);
    return Float64Array.from(items as (number | null)[], (x) => (x === null ? Number.NaN : x));
  }

  /** A list of integers in [min, max). */
  ints(field: string, min: number, max: number): number[] {
    const v = this.node[field];
    const items = isNumberArray(v) ? Array.from(v) : null;
    if (items === null || !items.every((x) => Number.isSafeInteger(x) && x >= min && x < max))
      this.fail(field, `a list of integers in [${min}, ${max})`);
    return items;
  }

  /** A list (a binary artifact's typed arrays included, as plain arrays). */
  list(field: string): unknown[] {
    const v = this.node[field];
    if (!Array.isArray(v) && !isNumberArray(v)) this.fail(field, 'a list');
    return Array.from(v as ArrayLike<unknown>);
  }

  /** A value list of strings/numbers/null (null = the missing category). */
  values(field: string): (string | number | null)[] {
    const v = this.node[field];
    const items = Array.isArray(v) || isNumberArray(v) ? Array.from(v as ArrayLike<unknown>) : null;
    if (items === null || !items.every((x) => x === null || typeof x === 'string' || typeof x === 'number'))
      this.fail(field, 'a list of strings, numbers or null');
    return items as (string | number | null)[];
  }
}

export function asNode(v: unknown, where: string): Readonly<Record<string, unknown>> {
  if (
    v === null ||
    typeof v !== 'object' ||
    Array.isArray(v) ||
    typeof (v as { kind?: unknown }).kind !== 'string'
  )
    throw new ArtifactError(`invalid model artifact: ${where} is not a node (an object with a "kind")`);
  return v as Record<string, unknown>;
}
