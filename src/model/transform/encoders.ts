// OneHotEncoder and OrdinalEncoder: scikit-learn's `_transform` (category lookup, unknown values, the missing
// category), its infrequent-category grouping, then one-hot columns (with `drop`) or ordinal codes.
import { PredictInputError } from '../errors.js';
import type { FeatureValue } from '../types.js';
import { NodeFields } from './fields.js';
import type { ColumnNeed, Transform, TransformNode } from './types.js';

type Category = string | number | null;

/** One encoded column: its categories (null = the missing category) and its infrequent grouping. */
interface EncodedColumn {
  readonly categories: readonly Category[];
  readonly index: ReadonlyMap<string | number, number>;
  /** Index of the missing category (None/NaN seen in training), or -1. */
  readonly missing: number;
  /** `_infrequent_indices[i]`: where unknown values go under infrequent_if_exist (first entry). */
  readonly infrequent: readonly number[] | null;
  /** `_default_to_infrequent_mappings[i]`: category index -> grouped index. */
  readonly mapping: readonly number[] | null;
}

type Unknown = 'error' | 'ignore' | 'infrequent_if_exist' | 'use_encoded_value';

function readColumns(f: NodeFields): EncodedColumn[] {
  return f.list('features').map((raw, i) => {
    const c = new NodeFields((raw ?? {}) as Record<string, unknown>, `${f.where}.features[${i}]`);
    const categories = c.values('categories');
    if (categories.length === 0) c.fail('categories', 'at least one category');
    const index = new Map<string | number, number>();
    categories.forEach((v, k) => {
      if (v !== null) index.set(v, k);
    });
    const n = categories.length;
    const infrequent = c.node.infrequent == null ? null : c.ints('infrequent', 0, n);
    const mapping = c.node.mapping == null ? null : c.ints('mapping', 0, n);
    if (mapping !== null && mapping.length !== n) c.fail('mapping', `${n} grouped indices`);
    return { categories, index, missing: categories.indexOf(null), infrequent, mapping };
  });
}

/** A value's category code and whether it is known (X_int, X_mask), after infrequent grouping. */
function encode(
  col: EncodedColumn,
  v: FeatureValue,
  unknown: Unknown,
  kind: string,
  j: number,
  keepMissing: boolean,
): { code: number; known: boolean } {
  let code = typeof v === 'number' && Number.isNaN(v) ? col.missing : (col.index.get(v) ?? -1);
  let known = code >= 0;
  if (!known) {
    if (unknown === 'error') {
      const shown = typeof v === 'number' && Number.isNaN(v) ? 'a missing value' : JSON.stringify(v);
      throw new PredictInputError(
        `${kind} input column ${j} is ${shown}, a category it did not see in training (handle_unknown='error')`,
      );
    }
    code = 0;
  }
  if (col.infrequent !== null) {
    if (!known) code = col.infrequent[0] as number;
    if (unknown === 'infrequent_if_exist') known = true;
  }
  // OrdinalEncoder leaves the missing category out of the grouping (ignore_category_indices).
  if (col.mapping !== null && !(keepMissing && code === col.missing)) code = col.mapping[code] as number;
  return { code, known };
}

function categoryNeeds(cols: readonly EncodedColumn[], unknown: Unknown): ColumnNeed[] {
  return cols.map((c) => ({
    kind: 'category',
    categories: c.categories.filter((v): v is string | number => v !== null),
    acceptsMissing: c.missing >= 0 || unknown !== 'error',
    acceptsUnknown: unknown !== 'error',
  }));
}

/** One 0/1 column per (grouped) category, minus the dropped one; unknown values give all zeros. */
export function oneHotEncoder(node: TransformNode, where: string): Transform {
  const f = new NodeFields(node, where);
  const cols = readColumns(f);
  const unknown = f.str('handleUnknown', ['error', 'ignore', 'infrequent_if_exist']);
  const nOuts = f.ints('nOuts', 0, 1 << 20);
  if (nOuts.length !== cols.length) f.fail('nOuts', `${cols.length} column counts`);
  const drop = node.drop === null ? null : (f.list('drop') as (number | null)[]);
  if (
    drop !== null &&
    (drop.length !== cols.length || !drop.every((d) => d === null || Number.isSafeInteger(d)))
  )
    f.fail('drop', `null or ${cols.length} indices (null = none)`);
  const offsets: number[] = [];
  let nOut = 0;
  for (const k of nOuts) {
    offsets.push(nOut);
    nOut += k;
  }
  return {
    nIn: cols.length,
    nOut,
    apply(row) {
      const out = new Array<FeatureValue>(nOut).fill(0);
      for (let j = 0; j < cols.length; j++) {
        const col = cols[j] as EncodedColumn;
        let { code, known } = encode(col, row[j] as FeatureValue, unknown, 'OneHotEncoder', j, false);
        const toDrop = drop?.[j];
        if (toDrop !== undefined && toDrop !== null) {
          if (code === toDrop) known = false;
          else if (code > toDrop) code -= 1;
        }
        if (known) {
          if (code < 0 || code >= (nOuts[j] as number))
            throw new PredictInputError(`OneHotEncoder column ${j}: code ${code} outside its output`);
          out[(offsets[j] as number) + code] = 1;
        }
      }
      return out;
    },
    inputNeeds: () => categoryNeeds(cols, unknown),
  };
}

/** The category's (grouped) index as a float; the missing category and unknown values as configured. */
export function ordinalEncoder(node: TransformNode, where: string): Transform {
  const f = new NodeFields(node, where);
  const cols = readColumns(f);
  const unknown = f.str('handleUnknown', ['error', 'use_encoded_value']);
  const unknownValue = f.num('unknownValue');
  const missingValue = f.num('encodedMissingValue');
  return {
    nIn: cols.length,
    nOut: cols.length,
    apply(row) {
      const out = new Array<FeatureValue>(cols.length);
      for (let j = 0; j < cols.length; j++) {
        const col = cols[j] as EncodedColumn;
        const { code, known } = encode(col, row[j] as FeatureValue, unknown, 'OrdinalEncoder', j, true);
        let v = code;
        if (col.missing >= 0 && code === col.missing) v = missingValue;
        if (!known) v = unknownValue;
        out[j] = v;
      }
      return out;
    },
    inputNeeds: () => categoryNeeds(cols, unknown),
  };
}
