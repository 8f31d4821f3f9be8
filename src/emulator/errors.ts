// Typed errors of the emulator: usage errors, port conflicts, state-machine violations and service errors.
import { LambdaMlError, type LambdaMlErrorOptions, UsageError } from '../core/errors.js';

/** Base class for every emulator failure. */
export class EmulatorError extends LambdaMlError {}

/** A bad option (flag or env var): the message names it and says what is expected. */
export class EmulatorUsageError extends UsageError {}

/** The chosen port is taken; the message says how to pick another. */
export class PortInUseError extends EmulatorError {
  constructor(
    readonly host: string,
    readonly port: number,
    options: LambdaMlErrorOptions = {},
  ) {
    super(
      `port ${port} on ${host} is already in use; choose another with --port <n> or PORT=<n> (0 picks a free one)`,
      { ...options, context: { host, port } },
    );
  }
}

/**
 * What a runtime process did wrong, as the Runtime API names it. The HTTP status of each kind lives
 * in one table (`RUNTIME_API_STATUS` in contract.ts).
 */
export type RuntimeApiErrorKind =
  | 'InvalidRequestID'
  | 'InvalidStateTransition'
  | 'RequestEntityTooLarge'
  | 'ContainerError';

/** An illegal transition of an execution environment's state machine (second reply, stale id, ...). */
export class StateTransitionError extends EmulatorError {
  constructor(
    readonly kind: RuntimeApiErrorKind,
    message: string,
  ) {
    super(message, { context: { kind } });
  }
}

/**
 * A failure of the Lambda service itself (not of the function): the Invoke API maps each subclass to
 * Lambda's status code and `x-amzn-ErrorType` in its own table.
 */
export class ServiceError extends EmulatorError {}

/** Every execution environment is busy and `--concurrency` are running. */
export class ConcurrencyLimitError extends ServiceError {
  constructor(readonly limit: number) {
    super(`Rate Exceeded. All ${limit} execution environments are busy (--concurrency ${limit}).`);
  }
}

/** The emulator is shutting down and takes no new invocations. */
export class ShuttingDownError extends ServiceError {
  constructor() {
    super('The emulator is shutting down and accepts no new invocations.');
  }
}

/** The asynchronous invocation queue is full (by count or by bytes): 429, retry later. */
export class QueueFullError extends ServiceError {
  constructor(
    readonly limits: { readonly events: number; readonly bytes: number },
    readonly bound: 'events' | 'bytes',
    readonly current: number,
  ) {
    super(
      bound === 'bytes'
        ? `Rate Exceeded. The asynchronous invocation queue holds ${current} bytes of events already; this event would take it over its limit of ${limits.bytes} bytes (--queue-bytes). Retry later.`
        : `Rate Exceeded. The asynchronous invocation queue holds ${current} events already (its limit). Retry later.`,
    );
  }
}

/** A runtime process could not be started (missing executable, ...). */
export class SpawnError extends ServiceError {}
