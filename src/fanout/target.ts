// What a fan-out run calls: one invocation of the model function, and how its outcome is classified.

/** The result of one invocation, as the fan-out needs it. Never thrown: every way of failing is a value. */
export type InvokeOutcome =
  /** 200 without a function error; `body` is the function's answer, `logTail` the decoded log tail if any. */
  | { readonly kind: 'ok'; readonly body: string; readonly logTail?: string }
  /** 200 with X-Amz-Function-Error: the handler threw, the instance crashed or timed out. */
  | {
      readonly kind: 'function-error';
      readonly errorType: string;
      readonly message: string;
      readonly logTail?: string;
    }
  /** The service refused the call (429 throttle, 5xx, 4xx such as 404 or 413). */
  | {
      readonly kind: 'service-error';
      readonly status: number;
      readonly errorType: string;
      readonly message: string;
    }
  /** The call never got an answer (connection refused or reset, socket hang-up). */
  | { readonly kind: 'network-error'; readonly code: string; readonly message: string };

/** One way of invoking the function: the local emulator or a container (--endpoint), or real Lambda. */
export interface InvokeTarget {
  /** `--endpoint http://...` or `function NAME:QUALIFIER`, for messages. */
  readonly description: string;
  invoke(payload: string): Promise<InvokeOutcome>;
  close(): void;
}

/**
 * Function errors a retry can fix: a timed-out invocation and an instance that died (the next attempt
 * gets a fresh one). Anything else the handler threw happens again on the same rows.
 */
const RETRIED_FUNCTION_ERRORS = new Set(['Sandbox.Timedout', 'Runtime.ExitError']);

/** Network failures worth another attempt; a refused connection is too (an endpoint restarting). */
const RETRIED_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'socket hang up',
]);

/** Throttles (429), server-side errors (5xx), timeouts, crashed instances and dropped connections. */
export function isRetryable(outcome: InvokeOutcome): boolean {
  switch (outcome.kind) {
    case 'ok':
      return false;
    case 'function-error':
      return RETRIED_FUNCTION_ERRORS.has(outcome.errorType);
    case 'service-error':
      return outcome.status === 429 || outcome.status >= 500;
    case 'network-error':
      return RETRIED_NETWORK_CODES.has(outcome.code);
  }
}

/** One line saying what went wrong, for the failure message and the retry log. */
export function describeOutcome(outcome: InvokeOutcome): string {
  switch (outcome.kind) {
    case 'ok':
      return 'ok';
    case 'function-error':
      return `function error ${outcome.errorType}: ${outcome.message}`;
    case 'service-error':
      return `${outcome.status} ${outcome.errorType}: ${outcome.message}`;
    case 'network-error':
      return `${outcome.code}: ${outcome.message}`;
  }
}
