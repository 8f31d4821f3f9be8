// Warm latency (sequential keep-alive calls) and throughput (N concurrent clients for a duration).
import { LambdaMlError } from '../core/errors.js';
import type { AnswerCheck } from './check.js';
import type { CallResult, CallTarget } from './client.js';
import { type LatencySummary, summarize } from './stats.js';

/** Consecutive calls that got no answer at all before a phase gives up on the endpoint. */
export const MAX_CONNECTION_FAILURES = 10;

/** The endpoint stopped answering (or never did): one line, and the remaining phases do not run. */
export class EndpointDownError extends LambdaMlError {}

/** Counts consecutive connection failures across a phase's clients; throws past the limit. */
function connectionWatch(description: string): (r: CallResult) => void {
  let inARow = 0;
  return (r) => {
    if (r.status !== 0) {
      inARow = 0;
      return;
    }
    inARow++;
    if (inARow >= MAX_CONNECTION_FAILURES) {
      throw new EndpointDownError(
        `${description} is not answering: ${inARow} calls in a row got no response (${r.body || 'connection failed'}); is it running?`,
      );
    }
  };
}

export interface LoadResult {
  readonly calls: number;
  readonly errors: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly latency: LatencySummary;
  /** The first failing answer, to show what went wrong. */
  readonly firstError?: string;
}

export type Progress = (done: number, total: number) => void;

/** `count` calls one after another on one keep-alive connection. */
export async function warmLatency(
  target: CallTarget,
  count: number,
  check: AnswerCheck,
  progress: Progress = () => {},
): Promise<LoadResult> {
  const caller = target.open(1);
  const watch = connectionWatch(target.description);
  const latencies = new Float64Array(count);
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  try {
    for (let i = 0; i < count; i++) {
      const result = await caller.call();
      latencies[i] = result.ms;
      watch(result);
      const wrong = check(result);
      if (wrong !== null) {
        errors++;
        firstError ??= wrong;
      }
      if ((i & 255) === 0) progress(i, count);
    }
  } finally {
    caller.close();
  }
  progress(count, count);
  return result(latencies, errors, (performance.now() - started) / 1000, firstError);
}

/** `concurrency` clients calling back to back for `seconds`. */
export async function throughput(
  target: CallTarget,
  concurrency: number,
  seconds: number,
  check: AnswerCheck,
  progress: Progress = () => {},
): Promise<LoadResult> {
  const caller = target.open(concurrency);
  const watch = connectionWatch(target.description);
  let down: EndpointDownError | null = null;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const end = started + seconds * 1000;
  const ticker = setInterval(
    () => progress(Math.min(seconds, (performance.now() - started) / 1000), seconds),
    250,
  );
  const client = async () => {
    while (performance.now() < end && down === null) {
      const r = await caller.call();
      latencies.push(r.ms);
      try {
        watch(r);
      } catch (error) {
        down = error as EndpointDownError;
      }
      const wrong = check(r);
      if (wrong !== null) {
        errors++;
        firstError ??= wrong;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, client));
  } finally {
    clearInterval(ticker);
    caller.close();
  }
  if (down !== null) throw down;
  progress(seconds, seconds);
  return result(latencies, errors, (performance.now() - started) / 1000, firstError);
}

function result(
  latencies: ArrayLike<number>,
  errors: number,
  seconds: number,
  firstError?: string,
): LoadResult {
  return {
    calls: latencies.length,
    errors,
    seconds,
    perSecond: latencies.length / seconds,
    latency: summarize(latencies),
    ...(firstError === undefined ? {} : { firstError }),
  };
}
