// Server-side figures for the charts: per-second counts and latency percentiles, concurrency, a histogram.
import { percentile } from '../bench/stats.js';
import type { History } from './history.js';
import type { Histogram, InvocationSummary, Overall, Series, StatsMessage } from './wire.js';

/** Seconds the charts cover. */
export const WINDOW_SECONDS = 300;
const HISTOGRAM_BINS = 24;

interface Bucket {
  second: number;
  invocations: number;
  errors: number;
  throttles: number;
  coldStarts: number;
  coldMs: number | null;
  durations: number[];
  /** Most busy / live instances during the second, and the counts it ended with. */
  busy: number;
  instances: number;
  endBusy: number;
  endInstances: number;
}

/** Per-second buckets over a sliding window, fed as events arrive; percentiles only when asked. */
export class Stats {
  private readonly buckets: (Bucket | undefined)[] = new Array(WINDOW_SECONDS);
  private busyNow = 0;
  private instancesNow = 0;
  private throttleCount = 0;

  constructor(private readonly history: History) {}

  /** Counts one finished invocation in the second it started. */
  invocation(summary: InvocationSummary): void {
    const bucket = this.bucket(Math.floor(summary.time / 1000));
    if (bucket === null) return;
    bucket.invocations++;
    if (!summary.ok) bucket.errors++;
    if (summary.cold) {
      bucket.coldStarts++;
      bucket.coldMs = Math.max(bucket.coldMs ?? 0, summary.durationMs);
    }
    bucket.durations.push(summary.durationMs);
  }

  throttle(at: number): void {
    this.throttleCount++;
    const bucket = this.bucket(Math.floor(at / 1000));
    if (bucket !== null) bucket.throttles++;
  }

  /** The number of busy and live instances changed (called with the new totals). */
  concurrency(at: number, busy: number, instances: number): void {
    this.busyNow = busy;
    this.instancesNow = instances;
    const bucket = this.bucket(Math.floor(at / 1000));
    if (bucket === null) return;
    bucket.busy = Math.max(bucket.busy, busy);
    bucket.instances = Math.max(bucket.instances, instances);
    bucket.endBusy = busy;
    bucket.endInstances = instances;
  }

  /** Called every second, so quiet seconds still carry the instance counts they had. */
  tick(at: number): void {
    this.bucket(Math.floor(at / 1000));
  }

  clear(): void {
    this.buckets.fill(undefined);
    this.throttleCount = 0;
  }

  message(now: number): StatsMessage {
    return {
      now,
      windowSeconds: WINDOW_SECONDS,
      series: this.series(Math.floor(now / 1000)),
      ...this.overallAndHistogram(),
    };
  }

  private series(nowSecond: number): Series {
    const start = nowSecond - WINDOW_SECONDS + 1;
    const s: Series = {
      start,
      invocations: [],
      errors: [],
      throttles: [],
      coldStarts: [],
      p50: [],
      p95: [],
      p99: [],
      coldMs: [],
      busy: [],
      instances: [],
    };
    // Seconds without a bucket had no event: concurrency stayed what the previous second ended with.
    let endBusy = 0;
    let endInstances = 0;
    for (let second = start; second <= nowSecond; second++) {
      const b = this.buckets[second % WINDOW_SECONDS];
      const live = b !== undefined && b.second === second ? b : null;
      const busy = live?.busy ?? endBusy;
      const instances = live?.instances ?? endInstances;
      if (live !== null) {
        endBusy = live.endBusy;
        endInstances = live.endInstances;
      }
      const sorted = live === null ? null : Float64Array.from(live.durations).sort();
      const pick = (p: number) => (sorted === null || sorted.length === 0 ? null : percentile(sorted, p));
      s.invocations.push(live?.invocations ?? 0);
      s.errors.push(live?.errors ?? 0);
      s.throttles.push(live?.throttles ?? 0);
      s.coldStarts.push(live?.coldStarts ?? 0);
      s.p50.push(pick(50));
      s.p95.push(pick(95));
      s.p99.push(pick(99));
      s.coldMs.push(live?.coldMs ?? null);
      s.busy.push(busy);
      s.instances.push(instances);
    }
    return s;
  }

  /** Over every invocation the history holds: exact percentiles (one sort) and a histogram. */
  private overallAndHistogram(): { overall: Overall; histogram: Histogram } {
    const n = this.history.size;
    const durations = new Float64Array(n);
    let i = 0;
    let errors = 0;
    let cold = 0;
    let billed = 0;
    let init = 0;
    let memory = 0;
    this.history.forEach((r) => {
      durations[i++] = r.durationMs;
      if (!r.ok) errors++;
      if (r.cold) {
        cold++;
        init += r.initDurationMs ?? 0;
      }
      billed += r.billedMs;
      memory = Math.max(memory, r.memoryUsedMb);
    });
    const sorted = durations.subarray(0, i).sort();
    const count = sorted.length;
    let total = 0;
    for (const d of sorted) total += d;
    const pick = (p: number) => (count === 0 ? null : percentile(sorted, p));
    return {
      overall: {
        count,
        errors,
        throttles: this.throttleCount,
        coldStarts: cold,
        p50: pick(50),
        p95: pick(95),
        p99: pick(99),
        meanMs: count === 0 ? null : total / count,
        meanBilledMs: count === 0 ? null : billed / count,
        meanInitMs: cold === 0 ? null : init / cold,
        maxMemoryUsedMb: count === 0 ? null : memory,
      },
      histogram: histogram(sorted),
    };
  }

  /** The bucket of `second`, recycling the slot of a second that left the window; null for the past. */
  private bucket(second: number): Bucket | null {
    const slot = second % WINDOW_SECONDS;
    const current = this.buckets[slot];
    if (current !== undefined && current.second === second) return current;
    if (current !== undefined && current.second > second) return null;
    const fresh: Bucket = {
      second,
      invocations: 0,
      errors: 0,
      throttles: 0,
      coldStarts: 0,
      coldMs: null,
      durations: [],
      busy: this.busyNow,
      instances: this.instancesNow,
      endBusy: this.busyNow,
      endInstances: this.instancesNow,
    };
    this.buckets[slot] = fresh;
    return fresh;
  }
}

/**
 * Linear bins from the fastest call to the 99th percentile (so one outlier does not squash the
 * rest into one bar); slower calls land in the last bin.
 */
export function histogram(sorted: Float64Array): Histogram {
  if (sorted.length === 0) return { edges: [], counts: [] };
  const lo = sorted[0] as number;
  const hi = Math.max(percentile(sorted, 99), lo + 0.01);
  const width = (hi - lo) / HISTOGRAM_BINS;
  const edges = Array.from({ length: HISTOGRAM_BINS + 1 }, (_, k) => lo + k * width);
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (const d of sorted) {
    const bin = Math.min(HISTOGRAM_BINS - 1, Math.floor((d - lo) / width));
    counts[bin] = (counts[bin] as number) + 1;
  }
  return { edges, counts };
}
