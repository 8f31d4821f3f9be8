// Base error class for every lambda-ml area: a name, an optional cause, context fields, and JSON form.

/** Context carried with an error: what was wrong, where, what was expected. */
export type ErrorContext = Readonly<Record<string, unknown>>;

export interface LambdaMlErrorOptions {
  readonly cause?: unknown;
  readonly context?: ErrorContext;
}

/**
 * The root of lambda-ml's typed errors. Each area (model, runtime, emulator, ...) subclasses it in
 * its own `errors.ts`, so callers can branch on `instanceof` and tests can assert the type.
 */
export class LambdaMlError extends Error {
  readonly context: ErrorContext;

  constructor(message: string, options: LambdaMlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.context = options.context ?? {};
  }

  toJSON(): { errorType: string; errorMessage: string } & ErrorContext {
    return { ...this.context, errorType: this.name, errorMessage: this.message };
  }
}

/** Bad input from a user (a config, a flag, a file): the message says what was wrong and what is expected. */
export class UsageError extends LambdaMlError {}

/** Turns anything thrown into a one-line message for a CLI. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
