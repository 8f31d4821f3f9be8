// Validates a prediction request ({"data": row | rows, "probabilities"?: boolean}) against the model's shape.
import type { Predictor } from '../model/types.js';
import { BadRequestError } from './errors.js';

/** Most rows one request may carry: bounds the work (and the reply size) of a single invocation. */
export const MAX_ROWS = 10_000;

export interface PredictionRequest {
  readonly rows: ReadonlyArray<readonly number[]>;
  /** `data` was an array of rows (answer with an array) rather than one row. */
  readonly batch: boolean;
  readonly probabilities: boolean;
}

const FIELDS = new Set(['data', 'probabilities']);

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)})`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function example(nFeatures: number): string {
  return `{"data": [x1, ..., x${nFeatures}]} (one row of ${nFeatures} numbers) or {"data": [[...], ...]} (a batch of rows)`;
}

function checkRow(value: unknown, where: string, nFeatures: number): readonly number[] {
  if (!Array.isArray(value)) {
    throw new BadRequestError(`${where} is ${kindOf(value)}; expected a row of ${nFeatures} numbers`);
  }
  if (value.length !== nFeatures) {
    throw new BadRequestError(`${where} has ${value.length} values; the model expects ${nFeatures} features`);
  }
  for (let j = 0; j < value.length; j++) {
    const x: unknown = value[j];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      const suffix = x === null ? ' (NaN and Infinity are not valid JSON numbers)' : '';
      throw new BadRequestError(`${where}[${j}] is ${kindOf(x)}${suffix}; expected a finite number`);
    }
  }
  return value as number[];
}

function checkProbabilities(value: unknown, predictor: Predictor): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') {
    throw new BadRequestError(`"probabilities" is ${kindOf(value)}; expected true or false`);
  }
  if (value && predictor.task !== 'classification') {
    throw new BadRequestError(
      `"probabilities" is only available for classifiers; this model is a ${predictor.kind}`,
    );
  }
  return value;
}

/** Throws BadRequestError naming what was wrong and what was expected. */
export function parseRequest(payload: unknown, predictor: Predictor): PredictionRequest {
  const n = predictor.nFeatures;
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new BadRequestError(`the request is ${kindOf(payload)}; expected a JSON object like ${example(n)}`);
  }
  const record = payload as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) {
    throw new BadRequestError(
      `unknown field ${unknown.map((k) => JSON.stringify(k)).join(', ')}; expected "data" and optionally "probabilities"`,
    );
  }
  const probabilities = checkProbabilities(record.probabilities, predictor);
  const data = record.data;
  if (data === undefined) throw new BadRequestError(`missing "data"; expected ${example(n)}`);
  if (!Array.isArray(data)) throw new BadRequestError(`"data" is ${kindOf(data)}; expected ${example(n)}`);
  if (data.length === 0)
    throw new BadRequestError(`"data" is empty; expected ${n} numbers or at least one row`);
  if (!Array.isArray(data[0])) return { rows: [checkRow(data, 'data', n)], batch: false, probabilities };
  if (data.length > MAX_ROWS) {
    throw new BadRequestError(
      `"data" has ${data.length} rows; at most ${MAX_ROWS} rows are accepted per request`,
    );
  }
  const rows = data.map((row, i) => checkRow(row, `data[${i}]`, n));
  return { rows, batch: true, probabilities };
}
