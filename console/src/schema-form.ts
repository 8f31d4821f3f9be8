// The try-it form's model: fields from the model's input schema, and the event they make (no DOM).
import type { InputSchema } from '../../src/model/types.js';

export interface Field {
  /** Label shown to the user. */
  readonly label: string;
  /** The model's own column name, or null for positional features. */
  readonly name: string | null;
  readonly kind: 'number' | 'category';
  readonly choices: readonly (string | number)[];
  /** The field may be left empty (sent as null = missing value). */
  readonly optional: boolean;
}

export function fieldsOf(schema: InputSchema): Field[] {
  return schema.features.map((feature, i) => ({
    label: feature.name ?? `feature ${i}`,
    name: feature.name,
    kind: feature.kind,
    choices: feature.categories ?? [],
    optional: schema.acceptsMissing,
  }));
}

/** The tutorial's starting point: zeros, the first category of each categorical feature. */
export function defaultValues(fields: readonly Field[]): string[] {
  return fields.map((f) => (f.kind === 'category' ? String(f.choices[0] ?? '') : '0'));
}

export type BuildResult = { readonly payload: string } | { readonly error: string };

/**
 * The prediction handler's request, `{"data": [row]}`, values in schema order. A number field must
 * parse as a finite number; a category keeps the type its choice has in the model (string or number).
 */
export function buildPayload(
  fields: readonly Field[],
  values: readonly string[],
  probabilities: boolean,
): BuildResult {
  const row: (number | string | null)[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as Field;
    const text = (values[i] ?? '').trim();
    if (text === '') {
      if (!field.optional) return { error: `${field.label} is empty; the model needs a value` };
      row.push(null);
    } else if (field.kind === 'category') {
      const choice = field.choices.find((c) => String(c) === text);
      if (choice === undefined) return { error: `${field.label} must be one of ${field.choices.join(', ')}` };
      row.push(choice);
    } else {
      const value = Number(text);
      if (!Number.isFinite(value)) return { error: `${field.label} is '${text}'; expected a number` };
      row.push(value);
    }
  }
  return { payload: JSON.stringify(probabilities ? { data: row, probabilities: true } : { data: row }) };
}

/** Reads values back from an edited event (when it is one row of the right length), else null. */
export function valuesFromPayload(
  fields: readonly Field[],
  payload: string,
): { values: string[]; probabilities: boolean } | null {
  try {
    const event = JSON.parse(payload) as { data?: unknown; probabilities?: unknown };
    if (!Array.isArray(event.data) || event.data.length !== fields.length) return null;
    if (event.data.some((v) => Array.isArray(v) || (v !== null && typeof v === 'object'))) return null;
    return {
      values: event.data.map((v) => (v === null ? '' : String(v))),
      probabilities: event.probabilities === true,
    };
  } catch {
    return null;
  }
}
