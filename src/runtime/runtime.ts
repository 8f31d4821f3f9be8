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

/** The runtime's state machine: init → idle ⇄ invoking, with fatal errors and SIGTERM handled in any phase. */
class RuntimeLoop {
  private phase: Phase = 'init';
  private current: Current | undefined;
  private stopRequested = false;
  private exiting = false;

  constructor(
    private readonly handlerName: string,
    private readonly deps: RuntimeDeps,
  ) {}

  get currentRequestId(): string | undefined {
    return this.current?.invocation.requestId;
  }

  async run(): Promise<void> {
    let handler: Handler;
    try {
      handler = await loadHandler(this.deps.taskRoot, this.handlerName);
    } catch (error) {
      await this.fatal(error);
      return;
    }
    this.phase = 'idle';
    let asked: Promise<Invocation> | undefined;
    while (!this.exiting) {
      let invocation: Invocation;
      try {
        invocation = await (asked ?? this.deps.api.next());
      } catch (error) {
        this.deps.warn(`lambda-ml runtime: ${(error as Error).message}`);
        this.exit(EXIT_API_FAILURE);
        return;
      }
      ({ asked } = await this.invokeOnce(invocation, handler));
      if (this.stopRequested) this.exit(0);
    }
  }

  /** Mid-invocation: let it finish and answer, then stop; otherwise stop now. */
  sigterm(): void {
    if (this.phase === 'invoking') this.stopRequested = true;
    else this.exit(0);
  }

  /** An uncaught exception or unhandled rejection: report it where it belongs, then exit. */
  async fatal(error: unknown): Promise<void> {
    if (this.exiting) return;
    const body = toErrorBody(error);
    const current = this.current;
    if (this.phase === 'init') {
      this.deps.logError('Init Error', body);
      await this.post(() => this.deps.api.initError(body));
    } else if (current && !current.answered) {
      const label =
        error instanceof UnhandledPromiseRejectionError
          ? 'Unhandled Promise Rejection'
          : 'Uncaught Exception';
      await this.answer(current, { ok: false, error }, label);
    } else {
      // After the answer (a handler's late timer): the invocation is settled, but the loop may already
      // have asked for, or even received, the next one, which it will never run.
      this.deps.logError('Uncaught Exception', body);
      await current?.posting;
      this.deps.api.abandon?.();
    }
    this.exit(EXIT_FATAL);
  }

  private exit(code: number): void {
    this.exiting = true;
    this.deps.process.exit(code);
  }

  /** A refused or failed post is logged; the loop goes on (the Runtime API decides the invocation's fate). */
  private async post(send: () => Promise<void>): Promise<void> {
    try {
      await send();
    } catch (error) {
      this.deps.warn(`lambda-ml runtime: ${(error as Error).message}`);
    }
  }

  /** Runs one invocation and answers it; resolves with the already-sent request for the next one, if any. */
  private async invokeOnce(
    invocation: Invocation,
    handler: Handler,
  ): Promise<{ asked: Promise<Invocation> | undefined }> {
    const target: Current = { invocation, answered: false, posting: undefined };
    this.current = target;
    this.phase = 'invoking';
    const env = this.deps.env;
    if (invocation.traceId) env._X_AMZN_TRACE_ID = invocation.traceId;
    else delete env._X_AMZN_TRACE_ID;
    let event: unknown;
    let outcome: Outcome | undefined;
    try {
      event = JSON.parse(invocation.body);
    } catch (error) {
      const message = `Unable to parse the event as JSON: ${(error as Error).message}`;
      outcome = { ok: false, error: new UnmarshalError(message) };
    }
    outcome ??= await invokeHandler(handler, event, invocation, this.deps);
    const posting = this.answer(target, outcome);
    // The next GET /next goes out right behind the answer, on the same connection (pipelined): the
    // Runtime API serves a connection's requests in order, so it is read once the answer is taken, and
    // the runtime is not woken by the 202 before it may ask. Not when it must stop after this answer
    // (SIGTERM meanwhile) or a fatal error is already answering and exiting.
    const asked = this.stopRequested || this.exiting ? undefined : this.deps.api.next();
    // Its failure is handled where it is awaited (the loop), after the answer's.
    asked?.catch(() => {});
    await posting;
    this.current = undefined;
    this.phase = 'idle';
    return { asked };
  }

  /** Posts the one answer an invocation gets (a second call returns the first post). */
  private answer(target: Current, outcome: Outcome, label = 'Invoke Error'): Promise<void> {
    if (target.answered) return target.posting ?? Promise.resolve();
    target.answered = true;
    const id = target.invocation.requestId;
    let error: unknown = outcome.ok ? undefined : outcome.error;
    let json: string | undefined;
    if (outcome.ok) {
      try {
        json = marshal(outcome.result);
      } catch (marshalError) {
        error = marshalError;
      }
    }
    if (json !== undefined) {
      const text = json;
      target.posting = this.post(() => this.deps.api.respond(id, text));
    } else {
      const body = toErrorBody(error);
      this.deps.logError(label, body);
      target.posting = this.post(() => this.deps.api.fail(id, body));
    }
    return target.posting;
  }
}

export function startRuntime(handlerName: string, deps: RuntimeDeps): RuntimeHandle {
  const loop = new RuntimeLoop(handlerName, deps);
  deps.process.onFatal((error) => void loop.fatal(error));
  deps.process.onSigterm(() => loop.sigterm());
  return { currentRequestId: () => loop.currentRequestId, done: loop.run() };
}
