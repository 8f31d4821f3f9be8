// Warm latency (sequential keep-alive calls) and throughput (N concurrent clients for a duration).
import type { CallTarget } from './client.js';
import { type LatencySummary, summarize } from './stats.js';

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
  progress: Progress = () => {},
): Promise<LoadResult> {
  const caller = target.open(1);
  const latencies = new Float64Array(count);
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  try {
    for (let i = 0; i < count; i++) {
      const result = await caller.call();
      latencies[i] = result.ms;
      if (!result.ok) {
        errors++;
        firstError ??= `${result.status} ${result.body.slice(0, 200)}`;
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
  progress: Progress = () => {},
): Promise<LoadResult> {
  const caller = target.open(concurrency);
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
    while (performance.now() < end) {
      const r = await caller.call();
      latencies.push(r.ms);
      if (!r.ok) {
        errors++;
        firstError ??= `${r.status} ${r.body.slice(0, 200)}`;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, client));
  } finally {
    clearInterval(ticker);
    caller.close();
  }
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
