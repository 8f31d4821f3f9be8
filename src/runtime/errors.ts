// Typed errors of the runtime client (each carries the Lambda error type, `Category.Reason`, it is reported as)
// and the error body Lambda expects for anything a handler throws.
import { LambdaMlError, type LambdaMlErrorOptions } from '../core/errors.js';

/** An error the runtime itself raises; `errorType` is what goes in the error body and header. */
export class RuntimeError extends LambdaMlError {
  readonly errorType: string = 'Runtime.Unknown';
}

/** The handler string is not `module.function` (or tries to leave the task root). */
export class MalformedHandlerNameError extends RuntimeError {
  override readonly errorType = 'Runtime.MalformedHandlerName';
}

/** The handler's module (or a module it imports) cannot be found. */
export class ImportModuleError extends RuntimeError {
  override readonly errorType = 'Runtime.ImportModuleError';
}

/** The module loaded but does not export the named function. */
export class HandlerNotFoundError extends RuntimeError {
  override readonly errorType = 'Runtime.HandlerNotFound';
}

/** The handler's code does not parse. */
export class UserCodeSyntaxError extends RuntimeError {
  override readonly errorType = 'Runtime.UserCodeSyntaxError';
}

/** The event body from the Runtime API is not JSON. */
export class UnmarshalError extends RuntimeError {
  override readonly errorType = 'Runtime.UnmarshalError';
}

/** The handler's result cannot be turned into JSON (a cycle, a BigInt, a throwing toJSON). */
export class MarshalError extends RuntimeError {
  override readonly errorType = 'Runtime.MarshalError';
}

/** A promise rejected with nobody listening while an invocation ran. */
export class UnhandledPromiseRejectionError extends RuntimeError {
  override readonly errorType = 'Runtime.UnhandledPromiseRejection';
  constructor(
    readonly reason: unknown,
    options: LambdaMlErrorOptions = {},
  ) {
    super(reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason), options);
  }
}

/** The runtime cannot start: no Runtime API address, no handler string. */
export class RuntimeConfigError extends RuntimeError {
  override readonly errorType = 'Runtime.InvalidConfiguration';
}

/** The Runtime API answered a call with an unexpected status, or the connection failed. */
export class RuntimeApiError extends RuntimeError {
  override readonly errorType = 'Runtime.ApiError';
}

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
