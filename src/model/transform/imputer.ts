// SimpleImputer: a missing value becomes the column's statistic; columns whose statistic is NaN are dropped
// (unless keep_empty_features), and `add_indicator` appends 0/1 columns saying which values were missing.
import { PredictInputError } from '../errors.js';
import type { FeatureValue } from '../types.js';
import { NodeFields } from './fields.js';
import { type ColumnNeed, NUMBER_NEED, type Transform, type TransformNode } from './types.js';

export function simpleImputer(node: TransformNode, where: string): Transform {
  const f = new NodeFields(node, where);
  const n = f.int('nFeatures', 1);
  const marker = node.missingValues;
  if (!(marker === null || typeof marker === 'number' || typeof marker === 'string'))
    f.fail('missingValues', 'null (NaN), a number or a string');
  const statistics = f.values('statistics');
  if (statistics.length !== n) f.fail('statistics', `${n} values`);
  const keep = f.ints('keep', 0, n);
  const indicator = node.indicator === null ? null : f.ints('indicator', 0, n);
  const nanMarker = marker === null;
  const isMissing = (v: FeatureValue): boolean =>
    nanMarker ? typeof v === 'number' && Number.isNaN(v) : v === marker;
  const nOut = keep.length + (indicator?.length ?? 0);
  return {
    nIn: n,
    nOut,
    apply(row) {
      const out = new Array<FeatureValue>(nOut);
      let o = 0;
      for (const j of keep) {
        const v = row[j] as FeatureValue;
        if (isMissing(v)) {
          const s = statistics[j];
          out[o++] = s === null || s === undefined ? Number.NaN : s;
        } else {
          if (!nanMarker && typeof v === 'number' && Number.isNaN(v)) {
            throw new PredictInputError(
              `SimpleImputer input column ${j} is missing, but this imputer only replaces ${JSON.stringify(marker)}`,
            );
          }
          out[o++] = v;
        }
      }
      if (indicator) for (const j of indicator) out[o++] = isMissing(row[j] as FeatureValue) ? 1 : 0;
      return out;
    },
    inputNeeds(out) {
      const needs: ColumnNeed[] = Array.from({ length: n }, () => ({
        ...NUMBER_NEED,
        acceptsMissing: nanMarker,
      }));
      keep.forEach((j, o) => {
        const next = out[o] ?? NUMBER_NEED;
        needs[j] = { ...next, acceptsMissing: nanMarker || next.acceptsMissing };
      });
      return needs;
    },
  };
}
