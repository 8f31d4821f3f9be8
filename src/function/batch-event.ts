// Step Functions Distributed Map batches ({"Items": [...], "BatchInput": {...}}): rows in, answers in item order.
import { LambdaMlError } from '../core/errors.js';
import { PredictInputError } from '../model/errors.js';
import { featureNames, type InputSchema, type Predictor } from '../model/types.js';
import { BadRequestError } from './errors.js';
import type { Prediction, WithProbabilities } from './predict.js';
import type { FunctionRequest, PredictionRequest } from './request.js';

/** Scores a validated request (predict.ts's predictBody; passed in so this module does not import it). */
export type Score = (predictor: Predictor, request: PredictionRequest) => Prediction | Prediction[];

/** The handler's request parser for this model (request.ts's requestParser). */
export type Parse = (payload: unknown) => FunctionRequest;

/**
 * A batch the function cannot score. Thrown (not answered) so the child execution fails with this
 * error type: the map counts its rows as failed, and its retry policy, which lists only errors a
 * retry can fix, leaves it alone.
 */
export class InvalidItemsError extends LambdaMlError {
  constructor(message: string) {
    super(message);
    this.name = 'Prediction.InvalidItems';
  }
}

/** What the BatchScoring construct's ItemBatcher sends along with every batch. */
export interface BatchOptions {
  /** Items are `{"index": n, "row": ...}` (the construct's ItemSelector); answers carry the index. */
  readonly indexed: boolean;
  readonly probabilities: boolean;
}

/** One answer per item. Indexed: `{"index", "prediction", "probabilities"?}`; else as a batch request's body. */
export type BatchAnswer = Prediction | { readonly index: number; readonly prediction: unknown };

const EVENT_FIELDS = new Set(['Items', 'BatchInput']);
const OPTION_FIELDS = new Set(['indexed', 'probabilities']);

/** A Distributed Map batch: an object whose only fields are an `Items` array and, optionally, `BatchInput`. */
export function isBatchEvent(event: unknown): event is { Items: unknown[]; BatchInput?: unknown } {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return false;
  const record = event as Record<string, unknown>;
  return Array.isArray(record.Items) && Object.keys(record).every((key) => EVENT_FIELDS.has(key));
}

function readOptions(input: unknown): BatchOptions {
  if (input === undefined) return { indexed: false, probabilities: false };
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidItemsError(
      '"BatchInput" must be an object like {"indexed": true, "probabilities": false}',
    );
  }
  const record = input as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !OPTION_FIELDS.has(key));
  if (unknown.length > 0) {
    throw new InvalidItemsError(
      `unknown BatchInput field ${unknown.map((k) => JSON.stringify(k)).join(', ')}; expected "indexed" and "probabilities"`,
    );
  }
  for (const key of OPTION_FIELDS) {
    if (record[key] !== undefined && typeof record[key] !== 'boolean') {
      throw new InvalidItemsError(`BatchInput "${key}" must be true or false`);
    }
  }
  return { indexed: record.indexed === true, probabilities: record.probabilities === true };
}

/**
 * A named row (a CSV line read by the ItemReader, or a JSON-lines object), made ready for the row layer.
 * A model that knows its feature names takes its columns by name and ignores the others (a target, an
 * id); one that knows none takes the object's columns in order. CSV values arrive as strings: a numeric
 * feature's text becomes a number ('' and NaN become null, a missing value). The row layer then checks
 * every value against the schema.
 */
export function rowFromObject(
  record: Record<string, unknown>,
  schema: InputSchema,
  where: string,
): Record<string, unknown> | unknown[] {
  const names = featureNames(schema);
  const keys = Object.keys(record);
  if (names === null && keys.length !== schema.features.length) {
    throw new InvalidItemsError(
      `${where} has ${keys.length} columns (${keys.join(', ')}); the model has ${schema.features.length} unnamed features, taken in column order`,
    );
  }
  const columns = names ?? keys;
  const values = columns.map((key, j) => {
    const value = record[key];
    if (typeof value !== 'string' || schema.features[j]?.kind !== 'number') return value;
    const text = value.trim();
    if (text === '' || /^nan$/i.test(text)) return null;
    const number = Number(text);
    if (!Number.isFinite(number)) {
      throw new InvalidItemsError(`${where} column "${key}" is ${JSON.stringify(value)}; expected a number`);
    }
    return number;
  });
  if (names === null) return values;
  // Absent columns stay absent, so the row layer names them.
  return Object.fromEntries(
    names.flatMap((name, j) => (Object.hasOwn(record, name) ? [[name, values[j]]] : [])),
  );
}

function itemRow(item: unknown, schema: InputSchema, where: string): unknown {
  if (Array.isArray(item)) return item;
  if (item !== null && typeof item === 'object') {
    return rowFromObject(item as Record<string, unknown>, schema, where);
  }
  // A scalar item would make `data` read as one row instead of a batch.
  throw new InvalidItemsError(
    `${where} is ${JSON.stringify(item) ?? String(item)}; expected a row: an array of values or an object of named columns`,
  );
}

interface Unwrapped {
  readonly indices: number[] | null;
  readonly rows: unknown[];
}

function unwrap(items: readonly unknown[], options: BatchOptions, schema: InputSchema): Unwrapped {
  if (!options.indexed) {
    return { indices: null, rows: items.map((item, i) => itemRow(item, schema, `Items[${i}]`)) };
  }
  const indices: number[] = [];
  const rows = items.map((item, i) => {
    const wrapped = item as { index?: unknown; row?: unknown } | null;
    const index = wrapped?.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || wrapped?.row === undefined) {
      throw new InvalidItemsError(
        `Items[${i}] must be {"index": <row number>, "row": <row>} (BatchInput.indexed)`,
      );
    }
    indices.push(index);
    return itemRow(wrapped.row, schema, `row ${index}`);
  });
  return { indices, rows };
}

/** Scores a batch; answers in item order. Throws InvalidItemsError naming the row for any bad input. */
export function answerBatch(
  predictor: Predictor,
  parse: Parse,
  event: { Items: unknown[]; BatchInput?: unknown },
  score: Score,
): BatchAnswer[] {
  const options = readOptions(event.BatchInput);
  if (event.Items.length === 0) throw new InvalidItemsError('"Items" is empty; expected at least one row');
  const { indices, rows } = unwrap(event.Items, options, predictor.schema);
  let answers: Prediction[];
  try {
    const request = parse({ data: rows, probabilities: options.probabilities }) as PredictionRequest;
    answers = score(predictor, request) as Prediction[];
  } catch (error) {
    if (!(error instanceof BadRequestError || error instanceof PredictInputError)) throw error;
    // The request layer names rows `data[i]`; say which item (and which input row) that is.
    const message = error.message.replace(/\bdata\[(\d+)\]/g, (_, i: string) =>
      indices === null ? `Items[${i}]` : `row ${indices[Number(i)]}`,
    );
    throw new InvalidItemsError(message.replace(/^"data"/, '"Items"'));
  }
  if (indices === null) return answers;
  return answers.map((answer, i) => {
    const index = indices[i] as number;
    if (options.probabilities) return { index, ...(answer as WithProbabilities) };
    return { index, prediction: answer };
  });
}
