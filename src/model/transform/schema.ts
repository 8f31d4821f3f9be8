// Turns per-column needs (folded back from a model's estimator through its transforms) into the InputSchema the
// request layer checks rows against, and the other way round for an estimator's own schema.
import { type FeatureSpec, featureAcceptsMissing, type InputSchema } from '../types.js';
import type { ColumnNeed } from './types.js';

export function schemaFromNeeds(needs: readonly ColumnNeed[]): InputSchema {
  const features = needs.map((n): FeatureSpec => {
    const base = { name: null, kind: n.kind, acceptsMissing: n.acceptsMissing };
    if (n.kind !== 'category') return base;
    return { ...base, categories: n.categories ?? [], acceptsUnknown: n.acceptsUnknown ?? true };
  });
  return { features, acceptsMissing: features.length > 0 && features.every((f) => f.acceptsMissing) };
}

export function needsFromSchema(schema: InputSchema): ColumnNeed[] {
  return schema.features.map((f) => {
    const acceptsMissing = featureAcceptsMissing(schema, f);
    if (f.kind !== 'category') return { kind: f.kind, acceptsMissing };
    return {
      kind: 'category',
      categories: f.categories ?? [],
      acceptsMissing,
      acceptsUnknown: f.acceptsUnknown ?? true,
    };
  });
}
