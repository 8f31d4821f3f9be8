// Builds the `context` object AWS's Node runtime hands to handlers, from one invocation and the process env.
import type { Invocation } from './api-client.js';

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
