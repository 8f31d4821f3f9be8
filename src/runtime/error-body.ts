// Turns anything a handler throws (or passes to its callback) into Lambda's error body.
import { RuntimeError, UnhandledPromiseRejectionError } from './errors.js';

/** The JSON Lambda expects on `/error` and `/init/error`. */
export interface ErrorBody {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stackTrace: string[];
}

function stackLines(value: unknown): string[] {
  if (!(value instanceof Error) || typeof value.stack !== 'string') return [];
  return value.stack.split('\n');
}

function errorTypeOf(error: Error): string {
  if (error instanceof RuntimeError) return error.errorType;
  // `name`, as AWS's Node runtime reports it (Step Functions' ErrorEquals matches on it).
  return typeof error.name === 'string' && error.name !== '' ? error.name : 'Error';
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Error bodies for Error instances keep type, message and stack; other thrown values keep their type name. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof UnhandledPromiseRejectionError) {
    return { errorType: error.errorType, errorMessage: error.message, stackTrace: stackLines(error.reason) };
  }
  if (error instanceof Error) {
    return { errorType: errorTypeOf(error), errorMessage: error.message, stackTrace: stackLines(error) };
  }
  const errorType = error === null ? 'null' : typeof error;
  return { errorType, errorMessage: describeValue(error), stackTrace: [] };
}

/** Lambda caps the error type header; a long or odd name must not break the HTTP request. */
export function errorTypeHeader(body: ErrorBody): string {
  const clean = body.errorType.replace(/[^\x20-\x7e]/g, '').slice(0, 256);
  return clean === '' ? 'Runtime.Unknown' : clean;
}
