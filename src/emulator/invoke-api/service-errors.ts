// Lambda service errors on the Invoke API: one table from typed errors to status, x-amzn-ErrorType and body.
import type { ServerResponse } from 'node:http';
import {
  ConcurrencyLimitError,
  QueueFullError,
  ServiceError,
  ShuttingDownError,
  SpawnError,
} from '../errors.js';

/** An error the Invoke API itself raises (bad request, unknown function, ...), with its Lambda name. */
export class InvokeApiError extends ServiceError {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
    readonly extra: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

interface Mapping {
  readonly status: number;
  readonly errorType: string;
  readonly extra?: Readonly<Record<string, string>>;
}

/** The one table: which sandbox error becomes which Lambda service error. */
const TABLE: ReadonlyArray<readonly [abstract new (...args: never[]) => Error, Mapping]> = [
  [
    ConcurrencyLimitError,
    {
      status: 429,
      errorType: 'TooManyRequestsException',
      extra: { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' },
    },
  ],
  [
    QueueFullError,
    { status: 429, errorType: 'TooManyRequestsException', extra: { Reason: 'CallerRateLimitExceeded' } },
  ],
  [ShuttingDownError, { status: 503, errorType: 'ServiceException' }],
  [SpawnError, { status: 502, errorType: 'ServiceException' }],
];

export function toMapping(error: unknown): Mapping & { message: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof InvokeApiError) {
    return { status: error.status, errorType: error.errorType, extra: error.extra, message };
  }
  for (const [type, mapping] of TABLE) if (error instanceof type) return { ...mapping, message };
  return { status: 500, errorType: 'ServiceException', message };
}

/** Writes a service error the way the AWS SDK parses it into a typed exception. */
export function sendServiceError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { status, errorType, extra, message } = toMapping(error);
  const text = JSON.stringify({ Type: status >= 500 ? 'Service' : 'User', Message: message, ...extra });
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-ErrorType': errorType,
  });
  res.end(text);
}
