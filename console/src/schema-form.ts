// The try-it form's model: fields from the model's description (`lambda-ml describe`), and the event they make (no DOM).
import type { ModelDescription } from '../../src/model/describe.js';
import type { FeatureKind } from '../../src/model/types.js';

export interface Field {
  /** Label shown to the user. */
  readonly label: string;
  /** The model's own column name, or null for positional features. */
  readonly name: string | null;
  /** `ignored`: a column the model drops (a ColumnTransformer's dropped remainder): any value goes. */
  readonly kind: FeatureKind;
  readonly choices: readonly (string | number)[];
  /** The field may be left empty (sent as null = missing value). */
  readonly optional: boolean;
  /** A category value outside `choices` is mapped by the model (typed in) rather than refused. */
  readonly open: boolean;
}

export interface Form {
  readonly fields: readonly Field[];
  /** Rows go as objects keyed by feature name (every feature has one), else as arrays. */
  readonly named: boolean;
}

export function formOf(d: ModelDescription): Form {
  return {
    named: d.named,
    fields: d.features.map((f, i) => ({
      label: f.name ?? `feature ${i}`,
      name: f.name,
      kind: f.kind,
      choices: f.categories ?? [],
      optional: f.missing,
      open: f.unknown === 'accepted',
    })),
  };
}

/** The tutorial's starting point: zeros, the first category of each categorical feature. */
export function defaultValues(form: Form): string[] {
  return form.fields.map((f) => (f.kind === 'category' ? String(f.choices[0] ?? '') : '0'));
}

export type BuildResult = { readonly payload: string } | { readonly error: string };

function fieldValue(field: Field, text: string): { value: number | string | null } | { error: string } {
  if (text === '') {
    return field.optional ? { value: null } : { error: `${field.label} is empty; the model needs a value` };
  }
  if (field.kind === 'category') {
    const choice = field.choices.find((c) => String(c) === text);
    if (choice !== undefined) return { value: choice };
    if (!field.open) return { error: `${field.label} must be one of ${field.choices.join(', ')}` };
    // An unknown category keeps the type the model's categories have.
    const numeric = typeof field.choices[0] === 'number' && Number.isFinite(Number(text));
    return { value: numeric ? Number(text) : text };
  }
  const value = Number(text);
  if (field.kind === 'ignored') return { value: Number.isFinite(value) ? value : text };
  if (!Number.isFinite(value)) return { error: `${field.label} is '${text}'; expected a number` };
  return { value };
}

/** The prediction handler's request: `{"data": row}`, by name when the model names its features. */
export function buildPayload(form: Form, values: readonly string[], probabilities: boolean): BuildResult {
  const row: (number | string | null)[] = [];
  for (let i = 0; i < form.fields.length; i++) {
    const result = fieldValue(form.fields[i] as Field, (values[i] ?? '').trim());
    if ('error' in result) return result;
    row.push(result.value);
  }
  const data = form.named ? Object.fromEntries(form.fields.map((f, i) => [f.name, row[i]])) : row;
  return { payload: JSON.stringify(probabilities ? { data, probabilities: true } : { data }) };
}

/** Reads values back from an edited event (one row, by position or by name), else null. */
export function valuesFromPayload(
  form: Form,
  payload: string,
): { values: string[]; probabilities: boolean } | null {
  let event: { data?: unknown; probabilities?: unknown };
  try {
    event = JSON.parse(payload) as typeof event;
  } catch {
    return null;
  }
  const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const { data } = event;
  let values: string[];
  if (Array.isArray(data)) {
    if (data.length !== form.fields.length || data.some((v) => typeof v === 'object' && v !== null))
      return null;
    values = data.map(text);
  } else if (typeof data === 'object' && data !== null && form.named) {
    const record = data as Record<string, unknown>;
    values = form.fields.map((f) => text(record[f.name as string]));
  } else return null;
  return { values, probabilities: event.probabilities === true };
}
