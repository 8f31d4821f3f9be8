// The JSON the console server sends and the page reads (types only: the page's bundle imports them too).
import type { ModelDescription } from '../model/describe.js';

/** One finished invocation as a row of the invocations table (bodies and log are fetched on demand). */
export interface InvocationSummary {
  /** Position in this run's stream; the SSE event id, so a reconnect resumes after it. */
  readonly seq: number;
  readonly requestId: string;
  /** Epoch milliseconds when the emulator took the call. */
  readonly time: number;
  readonly instanceId: number;
  /** False for a function error (the answer carried X-Amz-Function-Error). */
  readonly ok: boolean;
  /** `Category.Reason` of a function error (Runtime.ExitError, Sandbox.Timedout, ...), else null. */
  readonly errorType: string | null;
  /** The `statusCode` of the handler's answer when it has one (the prediction handler: 200 or 400). */
  readonly statusCode: number | null;
  readonly cold: boolean;
  readonly durationMs: number;
  readonly billedMs: number;
  readonly initDurationMs: number | null;
  readonly memoryUsedMb: number;
  readonly memoryMb: number;
  readonly requestBytes: number;
  readonly responseBytes: number;
}

/** A row opened: what was sent, what came back, and the invocation's own log lines. */
export interface InvocationDetail extends InvocationSummary {
  readonly request: string;
  /** The console keeps at most `BODY_LIMIT` bytes of each body; the rest is cut (the sizes say how much). */
  readonly requestTruncated: boolean;
  readonly response: string;
  readonly responseTruncated: boolean;
  readonly log: string;
}

export type InstanceState = 'initialising' | 'idle' | 'busy' | 'stopped';

export interface InstanceView {
  readonly id: number;
  readonly pid: number | null;
  readonly state: InstanceState;
  /** Resident memory of the runtime's process tree, sampled about once a second. */
  readonly rssMb: number | null;
  readonly invocations: number;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly initDurationMs: number | null;
}

/** Latency percentiles in milliseconds (null when there was no invocation). */
export interface Percentiles {
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

/** Per-second series over the last `windowSeconds` (index i is second `start + i`). */
export interface Series {
  readonly start: number;
  readonly invocations: number[];
  readonly errors: number[];
  readonly throttles: number[];
  readonly coldStarts: number[];
  readonly p50: (number | null)[];
  readonly p95: (number | null)[];
  readonly p99: (number | null)[];
  /** Slowest cold start that second (duration, ms), null when there was none: the chart marks these. */
  readonly coldMs: (number | null)[];
  /** Most instances busy at once during the second. */
  readonly busy: number[];
  /** Most instances alive during the second. */
  readonly instances: number[];
}

export interface Histogram {
  /** Bin i holds durations in [edges[i], edges[i+1]); the last bin also holds everything above. */
  readonly edges: number[];
  readonly counts: number[];
}

/** Figures over every invocation in the history buffer. */
export interface Overall extends Percentiles {
  readonly count: number;
  readonly errors: number;
  readonly throttles: number;
  readonly coldStarts: number;
  readonly meanMs: number | null;
  readonly meanBilledMs: number | null;
  readonly meanInitMs: number | null;
  readonly maxMemoryUsedMb: number | null;
}

export interface StatsMessage {
  readonly now: number;
  readonly windowSeconds: number;
  readonly series: Series;
  readonly overall: Overall;
  readonly histogram: Histogram;
}

/** `GET /api/info`: what the page needs to know about the function (never its environment). */
export interface ConsoleInfo {
  readonly functionName: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly concurrency: number;
  readonly functionUrl: boolean;
  /** The Invoke API URL for `curl` (the emulator's own address). */
  readonly invokeUrl: string;
  /** Base URL of Function URL requests (served only with --function-url). */
  readonly functionUrlBase: string;
  readonly historyCapacity: number;
  readonly bodyLimit: number;
  /** File name of the served model, when known. */
  readonly model: string | null;
}

/** `GET /api/schema`: what the model expects and returns (as `lambda-ml describe --json`), or why there is none. */
export type SchemaReply =
  | { readonly description: ModelDescription; readonly error: null }
  | { readonly description: null; readonly error: string };

/** `POST /api/invoke` body. */
export interface InvokeCall {
  /** The JSON event, as text (sent unchanged). */
  readonly payload: string;
}

/** What `POST /api/invoke` and replay answer: the Invoke API's answer as the page shows it. */
export interface InvokeReply {
  readonly status: number;
  readonly requestId: string | null;
  /** `X-Amz-Function-Error` (Unhandled) or null. */
  readonly functionError: string | null;
  readonly body: string;
  /** The invocation's log tail (X-Amz-Log-Type: Tail). */
  readonly log: string;
  readonly elapsedMs: number;
}

/** Every error answer of the console's API. */
export interface ApiError {
  readonly error: string;
}
