// The prediction handler over any Predictor: direct invocations and HTTP events, bad input answered with 400.
import type { ClassLabel, Predictor } from '../model/types.js';
import { BadRequestError } from './errors.js';
import { type HttpResponse, httpResponse, isHttpEvent, readHttpPayload } from './http-event.js';
import { type PredictionRequest, parseRequest } from './request.js';

export interface WithProbabilities {
  readonly prediction: ClassLabel;
  readonly probabilities: number[];
}

export type Prediction = ClassLabel | WithProbabilities;

function predictRow(predictor: Predictor, row: readonly number[], probabilities: boolean): Prediction {
  const prediction = predictor.predict(row);
  if (!probabilities) return prediction;
  return { prediction, probabilities: Array.from(predictor.predictProba(row)) };
}

export function predictBody(predictor: Predictor, request: PredictionRequest): Prediction | Prediction[] {
  const answers = request.rows.map((row) => predictRow(predictor, row, request.probabilities));
  return request.batch ? answers : (answers[0] as Prediction);
}

/** The tutorial's direct-invocation answer shape. */
export interface DirectResponse {
  readonly statusCode: number;
  readonly body: Prediction | Prediction[] | { readonly error: string };
}

export type PredictionHandler = (event: unknown, context?: unknown) => Promise<DirectResponse | HttpResponse>;

function answer(predictor: Predictor, payload: unknown): DirectResponse {
  try {
    return { statusCode: 200, body: predictBody(predictor, parseRequest(payload, predictor)) };
  } catch (error) {
    if (error instanceof BadRequestError)
      return { statusCode: error.statusCode, body: { error: error.message } };
    throw error;
  }
}

/** Anything that is not a bad request (a bug in a model) propagates: the runtime reports it as a function error. */
export function createPredictionHandler(predictor: Predictor): PredictionHandler {
  return async (event) => {
    if (!isHttpEvent(event)) return answer(predictor, event);
    let payload: unknown;
    try {
      payload = readHttpPayload(event);
    } catch (error) {
      if (error instanceof BadRequestError) return httpResponse(error.statusCode, { error: error.message });
      throw error;
    }
    const result = answer(predictor, payload);
    return httpResponse(result.statusCode, result.body);
  };
}
