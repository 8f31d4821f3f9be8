// The runtime loop: init the handler, then next → invoke → respond, with fatal errors and SIGTERM handled.
import type { Invocation, RuntimeApi } from './api-client.js';
import {
  type ErrorBody,
  MarshalError,
  toErrorBody,
  UnhandledPromiseRejectionError,
  UnmarshalError,
} from './errors.js';
import { type Handler, loadHandler } from './handler-loader.js';
import type { Clock } from './invoke.js';
import { type EventLoop, invokeHandler, type Outcome } from './invoke.js';

/** Exit status after a fatal user error (init failure, uncaught exception), as AWS's Node runtime uses. */
export const EXIT_FATAL = 129;
/** Exit status when the Runtime API itself fails (it is gone or told us to exit). */
export const EXIT_API_FAILURE = 1;

export interface ProcessHooks {
  onSigterm(listener: () => void): void;
  /** Uncaught exceptions and unhandled rejections (already wrapped as UnhandledPromiseRejectionError). */
  onFatal(listener: (error: unknown) => void): void;
  exit(code: number): void;
}

export interface RuntimeDeps {
  readonly api: RuntimeApi;
  readonly taskRoot: string;
  /** Mutable: the runtime sets `_X_AMZN_TRACE_ID` in it per invocation. */
  readonly env: Record<string, string | undefined>;
  readonly clock: Clock;
  readonly eventLoop: EventLoop;
  readonly process: ProcessHooks;
  /** Where "Invoke Error" and similar lines go (the patched console in production). */
  readonly logError: (label: string, body: ErrorBody) => void;
  /** Problems of the runtime itself (the Runtime API refused a call). */
  readonly warn: (message: string) => void;
}

type Phase = 'init' | 'idle' | 'invoking';

interface Current {
  readonly invocation: Invocation;
  answered: boolean;
  posting: Promise<void> | undefined;
}

/** Serialises a result the way the Runtime API expects; `undefined` becomes `null`. */
export function marshal(result: unknown): string {
  try {
    return JSON.stringify(result) ?? 'null';
  } catch (error) {
    throw new MarshalError(`Unable to stringify response body: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export interface RuntimeHandle {
  /** The request id of the invocation running now (for log lines). */
  currentRequestId(): string | undefined;
  /** Settles when the loop stops (it normally runs until the process exits). */
  readonly done: Promise<void>;
}

export function startRuntime(handlerName: string, deps: RuntimeDeps): RuntimeHandle {
  let phase: Phase = 'init';
  let current: Current | undefined;
  let stopRequested = false;
  let exiting = false;

  const exit = (code: number) => {
    exiting = true;
    deps.process.exit(code);
  };

  async function post(body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      deps.warn(`lambda-ml runtime: ${(error as Error).message}`);
    }
  }

  function answer(target: Current, outcome: Outcome, label = 'Invoke Error'): Promise<void> {
    if (target.answered) return target.posting ?? Promise.resolve();
    target.answered = true;
    const id = target.invocation.requestId;
    let json: string | undefined;
    let error: unknown = outcome.ok ? undefined : outcome.error;
    if (outcome.ok) {
      try {
        json = marshal(outcome.result);
      } catch (marshalError) {
        error = marshalError;
      }
    }
    if (json !== undefined) {
      target.posting = post(() => deps.api.respond(id, json));
    } else {
      const body = toErrorBody(error);
      deps.logError(label, body);
      target.posting = post(() => deps.api.fail(id, body));
    }
    return target.posting;
  }

  async function fatal(error: unknown): Promise<void> {
    if (exiting) return;
    const body = toErrorBody(error);
    if (phase === 'init') {
      deps.logError('Init Error', body);
      await post(() => deps.api.initError(body));
    } else if (current && !current.answered) {
      const label =
        error instanceof UnhandledPromiseRejectionError
          ? 'Unhandled Promise Rejection'
          : 'Uncaught Exception';
      await answer(current, { ok: false, error }, label);
    } else {
      deps.logError('Uncaught Exception', body);
      await current?.posting;
    }
    exit(EXIT_FATAL);
  }

  async function invokeOnce(invocation: Invocation, handler: Handler): Promise<void> {
    const target: Current = { invocation, answered: false, posting: undefined };
    current = target;
    phase = 'invoking';
    if (invocation.traceId) deps.env._X_AMZN_TRACE_ID = invocation.traceId;
    else delete deps.env._X_AMZN_TRACE_ID;
    let event: unknown;
    let outcome: Outcome | undefined;
    try {
      event = JSON.parse(invocation.body);
    } catch (error) {
      outcome = {
        ok: false,
        error: new UnmarshalError(`Unable to parse the event as JSON: ${(error as Error).message}`),
      };
    }
    outcome ??= await invokeHandler(handler, event, invocation, deps);
    await answer(target, outcome);
    current = undefined;
    phase = 'idle';
  }

  async function loop(): Promise<void> {
    let handler: Handler;
    try {
      handler = await loadHandler(deps.taskRoot, handlerName);
    } catch (error) {
      await fatal(error);
      return;
    }
    phase = 'idle';
    while (!exiting) {
      let invocation: Invocation;
      try {
        invocation = await deps.api.next();
      } catch (error) {
        deps.warn(`lambda-ml runtime: ${(error as Error).message}`);
        exit(EXIT_API_FAILURE);
        return;
      }
      await invokeOnce(invocation, handler);
      if (stopRequested) exit(0);
    }
  }

  deps.process.onFatal((error) => void fatal(error));
  deps.process.onSigterm(() => {
    // Mid-invocation: let it finish and answer, then stop; otherwise stop now.
    if (phase === 'invoking') stopRequested = true;
    else exit(0);
  });
  return { currentRequestId: () => current?.invocation.requestId, done: loop() };
}
