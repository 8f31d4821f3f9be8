// What a model expects and returns, as data (the handler's schema answer) and as text (`lambda-ml describe`).
import {
  type ClassLabel,
  type FeatureKind,
  featureAcceptsMissing,
  featureNames,
  type Predictor,
  predictsProbabilities,
  type Task,
} from './types.js';

export interface FeatureDescription {
  readonly name: string | null;
  readonly kind: FeatureKind;
  /** Known values of a category feature, in the model's order. */
  readonly categories?: readonly (string | number)[];
  /** Whether null (a missing value) is accepted for this feature. */
  readonly missing: boolean;
  /** For a category: whether a value outside `categories` is accepted (mapped by the model) or refused. */
  readonly unknown?: 'accepted' | 'refused';
}

export interface ModelDescription {
  readonly kind: string;
  readonly task: Task;
  /** The steps a row goes through, first to last (a single estimator is one step). */
  readonly steps: readonly string[];
  readonly features: readonly FeatureDescription[];
  /** Rows may be objects keyed by these names (every feature has one). */
  readonly named: boolean;
  readonly classes: readonly ClassLabel[] | null;
  /** Whether `"probabilities": true` is answered. */
  readonly probabilities: boolean;
  /** A request this model answers: first known category, 0 for numbers. */
  readonly example: { readonly data: unknown };
}

export function describeModel(p: Predictor): ModelDescription {
  const features = p.schema.features.map((f): FeatureDescription => {
    const base = { name: f.name, kind: f.kind, missing: featureAcceptsMissing(p.schema, f) };
    if (f.kind !== 'category') return base;
    return {
      ...base,
      categories: f.categories ?? [],
      unknown: f.acceptsUnknown === false ? 'refused' : 'accepted',
    };
  });
  const values = features.map((f) => (f.kind === 'category' ? (f.categories?.[0] ?? '') : 0));
  const names = featureNames(p.schema);
  const data = names === null ? values : Object.fromEntries(names.map((n, i) => [n, values[i]]));
  return {
    kind: p.kind,
    task: p.task,
    steps: p.steps ?? [p.kind],
    features,
    named: names !== null,
    classes: p.classes,
    probabilities: predictsProbabilities(p),
    example: { data },
  };
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

function values(f: FeatureDescription, max: number): string {
  const cats = f.categories ?? [];
  const shown = cats.slice(0, max).map((c) => JSON.stringify(c));
  const more = cats.length > max ? ` ... (${cats.length} in all)` : '';
  const unknown = f.unknown === 'refused' ? '; other values refused' : '; other values accepted';
  return `${shown.join(', ')}${more}${unknown}`;
}

/** The human-readable form `lambda-ml describe` prints. */
export function formatDescription(d: ModelDescription, maxCategories = 12): string {
  const lines: string[] = [];
  lines.push(`${d.steps.join(' -> ')} (${d.task})`);
  const by = d.named ? 'by name (JSON objects, CSV header) or by position (arrays)' : 'by position (arrays)';
  lines.push(`input: ${d.features.length} features, ${by}; null = missing where "missing" is yes`);
  const rows = [['#', 'name', 'kind', 'missing', 'values']];
  d.features.forEach((f, i) => {
    rows.push([
      String(i),
      f.name ?? '-',
      f.kind,
      f.missing ? 'yes' : 'no',
      f.kind === 'category'
        ? values(f, maxCategories)
        : f.kind === 'ignored'
          ? 'any value (the model drops this column)'
          : 'any finite number',
    ]);
  });
  for (const line of table(rows)) lines.push(`  ${line}`);
  if (d.classes === null) lines.push('output: a number (regression); no probabilities');
  else {
    const proba = d.probabilities
      ? 'probabilities: yes ("probabilities": true, in classes order)'
      : 'probabilities: no (this model has no predict_proba)';
    lines.push(`output: one of the classes ${d.classes.map((c) => JSON.stringify(c)).join(', ')}; ${proba}`);
  }
  lines.push(`example request: ${JSON.stringify(d.example)}`);
  return `${lines.join('\n')}\n`;
}
