// The prediction handler over any Predictor: direct invocations and HTTP events, bad input answered with 400,
// a schema request ({"schema": true}, or GET over HTTP) answered with what the model expects.
import { flattenRows, predictBatch } from '../model/batch.js';
import { describeModel, type ModelDescription } from '../model/describe.js';
import { PredictInputError } from '../model/errors.js';
import {
  type ClassLabel,
  type FeatureValue,
  type InputSchema,
  type Predictor,
  predictsProbabilities,
} from '../model/types.js';
import { answerBatch, type BatchAnswer, isBatchEvent } from './batch-event.js';
import { BadRequestError } from './errors.js';
import { type HttpResponse, httpResponse, isHttpEvent, methodOf, readHttpPayload } from './http-event.js';
import { type PredictionRequest, requestParser } from './request.js';

export interface WithProbabilities {
  readonly prediction: ClassLabel;
  readonly probabilities: number[];
}

export type Prediction = ClassLabel | WithProbabilities;

/** All rows in one batch call (a forest walks each tree over the whole block of rows). */
export function predictBody(predictor: Predictor, request: PredictionRequest): Prediction | Prediction[] {
  const n = request.rows.length;
  const flat = flattenRows(request.rows, predictor.nFeatures);
  const { predictions, probabilities } = predictBatch(predictor, flat, n, request.probabilities);
  const K = predictor.classes?.length ?? 0;
  checkFinite(predictor, request, predictions, probabilities, K);
  const answers: Prediction[] = probabilities
    ? predictions.map((prediction, r) => ({
        prediction,
        probabilities: Array.from(probabilities.subarray(r * K, (r + 1) * K)),
      }))
    : predictions;
  return request.batch ? answers : (answers[0] as Prediction);
}

/**
 * A prediction or probability that is not a finite number (a float64 model's arithmetic overflowed on
 * huge inputs: scikit-learn answers inf or nan there) cannot be written as JSON, where it would become
 * null: the row is refused as a bad request naming it and its largest value instead.
 */
function checkFinite(
  predictor: Predictor,
  request: PredictionRequest,
  predictions: readonly ClassLabel[],
  probabilities: Float64Array | null,
  K: number,
): void {
  for (let r = 0; r < predictions.length; r++) {
    const p = predictions[r];
    let bad: number | null = typeof p === 'number' && !Number.isFinite(p) ? p : null;
    for (let k = 0; bad === null && probabilities !== null && k < K; k++) {
      const v = probabilities[r * K + k] as number;
      if (!Number.isFinite(v)) bad = v;
    }
    if (bad === null) continue;
    const row = request.rows[r] ?? [];
    let j = -1;
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      if (typeof v === 'number' && Number.isFinite(v) && (j < 0 || Math.abs(v) > Math.abs(row[j] as number)))
        j = i;
    }
    const name = predictor.schema.features[j]?.name;
    const largest =
      j < 0 ? '' : ` (its largest: ${name ? `feature ${JSON.stringify(name)}` : `feature ${j}`} = ${row[j]})`;
    throw new BadRequestError(
      `${request.batch ? `data[${r}]` : 'data'}: the model's answer for this row is ${bad}, not a finite number: its values are too large for the model's float64 arithmetic${largest}; scikit-learn would answer inf or nan, which JSON cannot carry`,
    );
  }
}

/** The tutorial's direct-invocation answer shape. */
export interface DirectResponse {
  readonly statusCode: number;
  readonly body: Prediction | Prediction[] | ModelDescription | { readonly error: string };
}

export type PredictionHandler = (
  event: unknown,
  context?: unknown,
) => Promise<DirectResponse | HttpResponse | BatchAnswer[]>;

/**
 * Anything that is not a bad request (a bug in a model) propagates: the runtime reports it as a function
 * error. A row the model itself refuses (a value beyond float32 range for a tree, an unknown category an
 * encoder refuses) is the caller's mistake: a 400 with the model's message.
 */
export function createPredictionHandler(predictor: Predictor): PredictionHandler {
  const parse = requestParser(predictor);
  const schema = describeModel(predictor);
  const answer = (payload: unknown): DirectResponse => {
    try {
      const request = parse(payload);
      if (request.type === 'schema') return { statusCode: 200, body: schema };
      return { statusCode: 200, body: predictBody(predictor, request) };
    } catch (error) {
      if (error instanceof BadRequestError)
        return { statusCode: error.statusCode, body: { error: error.message } };
      if (error instanceof PredictInputError) return { statusCode: 400, body: { error: error.message } };
      throw error;
    }
  };
  return async (event) => {
    // A Distributed Map batch with a bad row throws (Prediction.InvalidItems), so the map fails that batch.
    if (isBatchEvent(event)) return answerBatch(predictor, parse, event, predictBody);
    if (!isHttpEvent(event)) return answer(event);
    if (methodOf(event) === 'GET') return httpResponse(200, schema);
    let payload: unknown;
    try {
      payload = readHttpPayload(event);
    } catch (error) {
      if (error instanceof BadRequestError) return httpResponse(error.statusCode, { error: error.message });
      throw error;
    }
    const result = answer(payload);
    return httpResponse(result.statusCode, result.body);
  };
}

/** A row every schema check accepts where one exists: 0 for numbers, a category's first known value. */
export function sampleRow(schema: InputSchema): FeatureValue[] {
  return schema.features.map((f) => {
    if (f.kind !== 'category') return 0;
    const first = f.categories?.[0];
    return first ?? '';
  });
}

/**
 * Runs the handler once on a sample row (and once more with probabilities, for a model that has them)
 * and drops the answers. A model's first predict packs its trees and compiles its paths (10-30 ms for
 * the tutorial forest, against ~0.2 ms warm): done at init, Lambda bills it in Init Duration instead of
 * the first call's Duration. Nothing is logged; a row the model refuses only leaves it cold.
 */
export async function warmUp(handler: PredictionHandler, predictor: Predictor): Promise<void> {
  const data = sampleRow(predictor.schema);
  const events: unknown[] = [{ data }];
  if (predictsProbabilities(predictor)) events.push({ data, probabilities: true });
  for (const event of events) {
    try {
      await handler(event);
    } catch {
      // A model that fails on this row fails the same way on a real call, which reports it.
    }
  }
}
