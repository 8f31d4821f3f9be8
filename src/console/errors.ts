// Typed errors of the console: it cannot start (page not built, port taken), and answers its API refuses.
import { LambdaMlError, type LambdaMlErrorOptions } from '../core/errors.js';

/** The console cannot start; the message says what to do. */
export class ConsoleError extends LambdaMlError {}

/** An API request the console refuses on purpose: the status and a message the page shows. */
export class ApiError extends LambdaMlError {
  constructor(
    readonly status: number,
    message: string,
    options: LambdaMlErrorOptions = {},
  ) {
    super(message, { ...options, context: { ...options.context, status } });
  }
}
