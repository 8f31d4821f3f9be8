// Calls a handler once, with the `context` AWS's Node runtime builds, and settles with its outcome:
// promise, callback, context.done, or an empty event loop.
import type { Invocation } from './api-client.js';
import type { Handler } from './handler-loader.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface Clock {
  now(): number;
}

export interface LambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  /** A string, as in AWS's Node runtime (it comes straight from the environment). */
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  identity: unknown;
  clientContext: unknown;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
  /** Legacy completion methods older handlers still call. */
  done(error?: unknown, result?: unknown): void;
  succeed(result?: unknown): void;
  fail(error?: unknown): void;
}

export interface Completion {
  /** Finish the invocation now, with an error (non-null) or a result. */
  done(error: unknown, result: unknown): void;
}

/** Client context and Cognito identity come as JSON header values; anything unparsable stays undefined. */
function parseJsonHeader(value: string | undefined): unknown {
  if (value === undefined || value === '') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

export function createContext(
  invocation: Invocation,
  env: Env,
  clock: Clock,
  completion: Completion,
): LambdaContext {
  return {
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? '',
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
    invokedFunctionArn: invocation.invokedFunctionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '',
    awsRequestId: invocation.requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME ?? '',
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
    identity: parseJsonHeader(invocation.cognitoIdentity),
    clientContext: parseJsonHeader(invocation.clientContext),
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, invocation.deadlineMs - clock.now()),
    done: (error, result) => completion.done(error ?? null, result),
    succeed: (result) => completion.done(null, result),
    fail: (error) => completion.done(error ?? new Error('context.fail() called without an error'), undefined),
  };
}

export type Outcome =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: unknown };

/** "Run this once nothing else is left to do" (process 'beforeExit' in production). */
export interface EventLoop {
  whenEmpty(listener: () => void): void;
  clear(): void;
}

export interface InvokeDeps {
  readonly env: Env;
  readonly clock: Clock;
  readonly eventLoop: EventLoop;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * AWS's rules: a returned promise settles the invocation; `callback(null, r)` waits for the event loop
 * to drain unless `callbackWaitsForEmptyEventLoop` is false; `callback(err)` and `context.done` answer at
 * once; a handler that returns without answering gets `null` once the event loop is empty.
 */
export function invokeHandler(
  handler: Handler,
  event: unknown,
  invocation: Invocation,
  deps: InvokeDeps,
): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      deps.eventLoop.clear();
      resolve(outcome);
    };
    const done = (error: unknown, result: unknown) =>
      finish(error === null || error === undefined ? { ok: true, result } : { ok: false, error });
    const context = createContext(invocation, deps.env, deps.clock, { done });
    const callback = (error?: unknown, result?: unknown) => {
      if (settled) return;
      if (error !== null && error !== undefined) done(error, undefined);
      else if (context.callbackWaitsForEmptyEventLoop) deps.eventLoop.whenEmpty(() => done(null, result));
      else done(null, result);
    };
    deps.eventLoop.whenEmpty(() => done(null, null));
    try {
      const returned = handler(event, context, callback);
      if (isThenable(returned)) {
        returned.then(
          (result) => done(null, result),
          (error: unknown) => done(error ?? new Error('the handler rejected with no reason'), undefined),
        );
      }
    } catch (error) {
      done(error ?? new Error('the handler threw a null or undefined value'), undefined);
    }
  });
}

/** Production event loop hook: one 'beforeExit' listener at a time, fired on the next turn. */
export function processEventLoop(): EventLoop {
  let current: (() => void) | undefined;
  const clear = () => {
    if (current) process.removeListener('beforeExit', current);
    current = undefined;
  };
  return {
    whenEmpty(listener) {
      clear();
      current = () => {
        clear();
        listener();
      };
      process.on('beforeExit', current);
    },
    clear,
  };
}
