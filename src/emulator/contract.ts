// The messages the Invoke API and the Runtime API exchange through the sandbox, and Lambda's limits.
import type { RuntimeApiErrorKind } from './errors.js';

/** Lambda's payload limits in bytes (what the real service enforces). */
export const LIMITS = {
  /** Synchronous request body (RequestResponse). */
  syncRequestBytes: 6_291_456,
  /** Asynchronous request body (Event). */
  asyncRequestBytes: 1_048_576,
  /** Function response posted to the Runtime API. */
  responseBytes: 6_291_556,
  /** `X-Amz-Log-Result` carries at most this much of the invocation's log. */
  tailBytes: 4096,
} as const;

/** The one table mapping state-machine errors to the Runtime API's HTTP status codes. */
export const RUNTIME_API_STATUS: Readonly<Record<RuntimeApiErrorKind, number>> = {
  InvalidRequestID: 400,
  InvalidStateTransition: 403,
  RequestEntityTooLarge: 413,
  ContainerError: 500,
};

/** One invocation as the runtime receives it from `GET /runtime/invocation/next`. */
export interface Invocation {
  readonly requestId: string;
  readonly payload: Buffer;
  readonly functionArn: string;
  readonly traceId: string;
  /** Decoded `X-Amz-Client-Context` JSON text, when the caller sent one. */
  readonly clientContext?: string;
  /** Epoch milliseconds; set when the invocation is handed to the runtime. */
  deadlineMs: number;
}

/** How an invocation ended, before it becomes an HTTP response. */
export type InvocationOutcome =
  | { readonly kind: 'success'; readonly body: Buffer }
  /** A function error (handler threw, init failed, crash, timeout, OOM): `X-Amz-Function-Error: Unhandled`. */
  | { readonly kind: 'error'; readonly errorType: string; readonly body: Buffer };

/** What the Invoke API asks for. */
export interface InvokeRequest {
  readonly payload: Buffer;
  readonly clientContext?: string;
}

/** What the Invoke API gets back for a synchronous invocation. */
export interface InvokeResult {
  readonly requestId: string;
  readonly outcome: InvocationOutcome;
  /** The invocation's log (START ... REPORT), for `X-Amz-Log-Type: Tail`. */
  readonly log: string;
}

/** The Invoke API's view of the function: run now, or queue for later. */
export interface Invoker {
  /** Runs one invocation; throws a `ServiceError` when Lambda would refuse it (429, shutting down). */
  invoke(request: InvokeRequest, requestId?: string): Promise<InvokeResult>;
  /** Queues an `Event` invocation; throws a `ServiceError` when the queue is full or closed. */
  enqueue(request: InvokeRequest, requestId: string): void;
}

/** The Runtime API's view of one execution environment (all calls come from its runtime process). */
export interface RuntimeApiHandler {
  /** `GET /runtime/invocation/next`: resolves when there is work; rejects with a StateTransitionError. */
  next(): Promise<Invocation>;
  /** `POST /runtime/invocation/{id}/response`; throws StateTransitionError for a stale id or a second reply. */
  respond(requestId: string, body: Buffer): void;
  /** `POST /runtime/invocation/{id}/error`. */
  fail(requestId: string, body: Buffer, errorType: string | undefined): void;
  /** The response body exceeded `LIMITS.responseBytes`; the invocation fails with Function.ResponseSizeTooLarge. */
  responseTooLarge(requestId: string): void;
  /** `POST /runtime/init/error`. */
  initError(body: Buffer, errorType: string | undefined): void;
  /**
   * Called as soon as an invocation has been written on `/next`'s connection: `connection` says, when
   * that connection ends, whether the runtime left the invocation unread.
   */
  delivered?(requestId: string, connection: DeliveryConnection): void;
}

/** The connection an invocation went out on, watched until the runtime answers it. */
export interface DeliveryConnection {
  /**
   * Settles when the connection closes: true when the runtime cannot have read the whole invocation —
   * the kernel reset the connection (a process that closes a socket with bytes still unread in its
   * receive buffer, exiting included, sends RST instead of FIN), or it was already closed when the
   * invocation was written; false for an ordinary close.
   */
  readonly unread: Promise<boolean>;
  /** Stops watching (the invocation was answered; a kept-alive connection carries on). */
  dispose(): void;
}

/** A started Runtime API endpoint: `address` is what goes into `AWS_LAMBDA_RUNTIME_API`. */
export interface RuntimeEndpoint {
  readonly address: string;
  close(): Promise<void>;
}

/**
 * Starts one Runtime API endpoint for one execution environment (injected into the sandbox). `owner`
 * gives the pid of the environment's runtime process once it is spawned: only that process (and its
 * children) may connect.
 */
export type RuntimeEndpointFactory = (
  handler: RuntimeApiHandler,
  owner: () => number | undefined,
) => Promise<RuntimeEndpoint>;

/** Builds a function error body the way Lambda does for platform errors. */
export function platformError(errorType: string, errorMessage: string): InvocationOutcome {
  return {
    kind: 'error',
    errorType,
    body: Buffer.from(JSON.stringify({ errorType, errorMessage })),
  };
}

/** Base64 of the last `LIMITS.tailBytes` bytes of a log, as `X-Amz-Log-Result` carries it. */
export function logTail(log: string): string {
  const bytes = Buffer.from(log, 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - LIMITS.tailBytes)).toString('base64');
}
