// Typed errors of the prediction function: bad requests (HTTP 400-style answers) and model init failures.
import { LambdaMlError, type LambdaMlErrorOptions } from '../core/errors.js';

/** A request the function refuses; answered, never thrown to the runtime. */
export class BadRequestError extends LambdaMlError {
  readonly statusCode: number;

  constructor(message: string, statusCode = 400, options: LambdaMlErrorOptions = {}) {
    super(message, options);
    this.statusCode = statusCode;
  }
}

/** The model file could not be loaded at init; the message names the path and where it came from. */
export class ModelInitError extends LambdaMlError {}
