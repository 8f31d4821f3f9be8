// The checked-in scikit-learn fixture sets (test/fixtures/sklearn-families/<version>/, written by
// scripts/fixtures/make_sklearn_families.py): model files plus scikit-learn's answers, read for the tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FeatureValue } from '../src/model/types.js';

export const FAMILIES_DIR = join(import.meta.dirname, 'fixtures', 'sklearn-families');

type Row = (number | string | null)[] | Record<string, number | string | null>;

export interface FamilyEntry {
  readonly file: string;
  readonly name: string;
  readonly family: 'trees' | 'pipelines' | 'hgb' | 'linear' | 'refused' | 'malicious';
  readonly class?: string;
  readonly final?: string;
  readonly featureNames?: string[] | null;
  readonly acceptsMissing?: boolean[];
  readonly acceptsUnknown?: (boolean | null)[];
  readonly rowSet?: string | null;
  readonly rows?: (number | Row)[];
  readonly refusedRows?: { row: number | Row; sklearnError: string }[];
  readonly predict?: (number | string)[];
  readonly proba?: number[][];
  readonly decision?: number[][];
  readonly raw?: number[][];
  readonly transformed?: (number | null)[][];
  readonly refusal?: string;
  readonly note?: string;
}

export interface FamilySet {
  readonly version: string;
  readonly dir: string;
  readonly models: FamilyEntry[];
  /** Resolves a row reference (an index into a shared row set) to the row. */
  row(entry: FamilyEntry, ref: number | Row): Row;
}

export function familySets(): FamilySet[] {
  return readdirSync(FAMILIES_DIR)
    .sort()
    .map((version) => {
      const dir = join(FAMILIES_DIR, version);
      const meta = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
        models: FamilyEntry[];
        rowSets: Record<string, Row[]>;
      };
      return {
        version,
        dir,
        models: meta.models,
        row: (entry, ref) =>
          typeof ref === 'number' ? ((meta.rowSets[entry.rowSet ?? ''] as Row[])[ref] as Row) : ref,
      };
    });
}

/** A fixture row as a predictor row (model order, null -> NaN). */
export function toFeatureRow(row: Row, names: readonly (string | null)[]): FeatureValue[] {
  const cells = Array.isArray(row)
    ? row
    : names.map((n) => (row as Record<string, unknown>)[n ?? ''] as number | string | null);
  return cells.map((v) => (v === null ? Number.NaN : v));
}

/** Distance in units in the last place between two doubles (0 when equal, Infinity across signs/NaN). */
export function ulps(a: number, b: number): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  if (Number.isNaN(a) || Number.isNaN(b) || Math.sign(a) * Math.sign(b) < 0) return Number.POSITIVE_INFINITY;
  const f = new Float64Array([Math.abs(a), Math.abs(b)]);
  const i = new BigInt64Array(f.buffer);
  const d = (i[0] as bigint) - (i[1] as bigint);
  return Number(d < 0n ? -d : d);
}

/** One unit in the last place of |x| (the spacing of doubles there). */
export function ulpOf(x: number): number {
  const a = Math.abs(x);
  if (a === 0) return Number.MIN_VALUE;
  const f = new Float64Array([a]);
  const i = new BigInt64Array(f.buffer);
  i[0] = (i[0] as bigint) + 1n;
  return (f[0] as number) - a;
}
