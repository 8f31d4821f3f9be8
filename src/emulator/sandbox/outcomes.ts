// The function errors the platform itself reports (timeouts, crashes, OOM, ...), worded as Lambda words them.
import { type InvocationOutcome, LIMITS, platformError } from '../contract.js';

const seconds = (ms: number) => (ms / 1000).toFixed(2);

export const outcomes = {
  timedOut: (id: string, timeoutMs: number): InvocationOutcome =>
    platformError(
      'Sandbox.Timedout',
      `RequestId: ${id} Error: Task timed out after ${seconds(timeoutMs)} seconds`,
    ),
  initTimedOut: (id: string, initTimeoutMs: number): InvocationOutcome =>
    platformError(
      'Sandbox.Timedout',
      `RequestId: ${id} Error: Init timed out after ${seconds(initTimeoutMs)} seconds`,
    ),
  /** `how` is `exit status N` or `signal: SIGNAME`. */
  exited: (id: string, how: string): InvocationOutcome =>
    platformError('Runtime.ExitError', `RequestId: ${id} Error: Runtime exited with error: ${how}`),
  outOfMemory: (id: string): InvocationOutcome =>
    platformError('Runtime.OutOfMemory', `RequestId: ${id} Error: Runtime exited with error: signal: killed`),
  responseTooLarge: (): InvocationOutcome =>
    platformError(
      'Function.ResponseSizeTooLarge',
      `Response payload size exceeded maximum allowed payload size (${LIMITS.responseBytes} bytes).`,
    ),
  /** The command could not be started at all. */
  invalidEntrypoint: (id: string, reason: string): InvocationOutcome =>
    platformError('Runtime.InvalidEntrypoint', `RequestId: ${id} Error: ${reason}`),
  /** What the runtime posted to /error or /init/error. */
  functionError: (body: Buffer, header: string | undefined): InvocationOutcome => ({
    kind: 'error',
    errorType: errorTypeOf(body, header),
    body,
  }),
};

/** The error type of a function error: the runtime's header, else the body's `errorType`, else Unhandled. */
export function errorTypeOf(body: Buffer, header: string | undefined): string {
  if (header !== undefined && header !== '') return header;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'errorType' in parsed &&
      typeof parsed.errorType === 'string'
    ) {
      return parsed.errorType;
    }
  } catch {
    // Not JSON: Lambda still reports it as an unhandled function error.
  }
  return 'Unhandled';
}
