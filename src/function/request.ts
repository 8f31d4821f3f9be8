// Validates a request against the model's schema: a prediction ({"data": row | rows, "probabilities"?: boolean},
// rows by position or by name) or a schema request ({"schema": true}).
import type { FeatureValue, Predictor } from '../model/types.js';
import { predictsProbabilities } from '../model/types.js';
import { BadRequestError } from './errors.js';
import { isBatch, kindOf, RowReader } from './rows.js';

/** Most rows one request may carry: bounds the work (and the reply size) of a single invocation. */
export const MAX_ROWS = 10_000;

export interface PredictionRequest {
  readonly type: 'predict';
  readonly rows: ReadonlyArray<readonly FeatureValue[]>;
  /** `data` was an array of rows (answer with an array) rather than one row. */
  readonly batch: boolean;
  readonly probabilities: boolean;
}

/** `{"schema": true}`: answer what the model expects and returns instead of predicting. */
export interface SchemaRequest {
  readonly type: 'schema';
}

export type FunctionRequest = PredictionRequest | SchemaRequest;

const FIELDS = new Set(['data', 'probabilities', 'schema']);

function example(reader: RowReader): string {
  return `{"data": ${reader.example()}} (one row) or {"data": [row, ...]} (a batch of rows)`;
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
  if (value && !predictsProbabilities(predictor)) {
    throw new BadRequestError(
      `"probabilities" is not available: a ${predictor.kind} has no predict_proba (it predicts classes only); leave "probabilities" out`,
    );
  }
  return value;
}

/** A request parser bound to one model (its row checks are compiled once). */
export function requestParser(predictor: Predictor): (payload: unknown) => FunctionRequest {
  const reader = new RowReader(predictor.schema);
  return (payload) => parseWith(reader, payload, predictor);
}

/** Throws BadRequestError naming what was wrong and what was expected. */
export function parseRequest(payload: unknown, predictor: Predictor): FunctionRequest {
  return requestParser(predictor)(payload);
}

function parseWith(reader: RowReader, payload: unknown, predictor: Predictor): FunctionRequest {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new BadRequestError(
      `the request is ${kindOf(payload)}; expected a JSON object like ${example(reader)}`,
    );
  }
  const record = payload as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) {
    throw new BadRequestError(
      `unknown field ${unknown.map((k) => JSON.stringify(k)).join(', ')}; expected "data" and optionally "probabilities" (or {"schema": true})`,
    );
  }
  if (record.schema !== undefined) {
    if (record.schema !== true || Object.keys(record).length !== 1) {
      throw new BadRequestError(
        `a schema request is exactly {"schema": true}; got ${JSON.stringify(record).slice(0, 80)}`,
      );
    }
    return { type: 'schema' };
  }
  const probabilities = checkProbabilities(record.probabilities, predictor);
  const data = record.data;
  if (data === undefined) throw new BadRequestError(`missing "data"; expected ${example(reader)}`);
  if (data === null || typeof data !== 'object') {
    throw new BadRequestError(`"data" is ${kindOf(data)}; expected ${example(reader)}`);
  }
  if (!Array.isArray(data)) {
    return { type: 'predict', rows: [reader.read(data, 'data')], batch: false, probabilities };
  }
  if (data.length === 0) {
    throw new BadRequestError(`"data" is empty; expected ${reader.nFeatures} values or at least one row`);
  }
  if (!isBatch(data))
    return { type: 'predict', rows: [reader.read(data, 'data')], batch: false, probabilities };
  if (data.length > MAX_ROWS) {
    throw new BadRequestError(
      `"data" has ${data.length} rows; at most ${MAX_ROWS} rows are accepted per request`,
    );
  }
  const rows = data.map((row, i) => reader.read(row, `data[${i}]`));
  return { type: 'predict', rows, batch: true, probabilities };
}
