// The prediction handler over any Predictor: direct invocations and HTTP events, bad input answered with 400.
import type { Predictor } from '../model/types.js';
import { BadRequestError } from './errors.js';
import { type HttpResponse, httpResponse, isHttpEvent, readHttpPayload } from './http-event.js';
import { parseRequest } from './request.js';
import { type Prediction, predictBody } from './respond.js';

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
