// Server-side chart figures: per-second percentiles and rates, concurrency carried over quiet seconds, histogram.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InvocationEvent } from '../emulator/events.js';
import { History } from './history.js';
import { histogram, Stats, WINDOW_SECONDS } from './stats.js';

const T0 = 1_700_000_000_000;

function add(
  history: History,
  stats: Stats,
  at: number,
  durationMs: number,
  over: Partial<InvocationEvent> = {},
) {
  const summary = history.add({
    kind: 'invocation',
    requestId: `r${history.lastSeq + 1}`,
    instanceId: 1,
    startedAt: at,
    request: Buffer.from('{}'),
    outcome: { kind: 'success', body: Buffer.from('1') },
    durationMs,
    maxMemoryUsedMb: 40,
    memoryMb: 128,
    log: '',
    ...over,
  });
  stats.invocation(summary);
}

describe('Stats', () => {
  it('computes p50/p95/p99 per second and over the whole history (nearest rank)', () => {
    const history = new History(1000);
    const stats = new Stats(history);
    for (let i = 1; i <= 100; i++) add(history, stats, T0 + 10, i);
    add(history, stats, T0 + 1000, 500, {
      outcome: { kind: 'error', errorType: 'Sandbox.Timedout', body: Buffer.from('{}') },
    });
    const m = stats.message(T0 + 1500);
    const last = WINDOW_SECONDS - 1;
    assert.equal(m.series.start, Math.floor((T0 + 1500) / 1000) - WINDOW_SECONDS + 1);
    assert.equal(m.series.invocations[last - 1], 100);
    assert.equal(m.series.p50[last - 1], 50);
    assert.equal(m.series.p95[last - 1], 95);
    assert.equal(m.series.p99[last - 1], 99);
    assert.equal(m.series.errors[last], 1);
    assert.equal(m.series.p50[last - 2], null);
    assert.equal(m.overall.count, 101);
    assert.equal(m.overall.errors, 1);
    assert.equal(m.overall.p50, 51);
    assert.equal(m.overall.p99, 100);
  });

  it('marks the slowest cold start of each second and averages init durations', () => {
    const history = new History(10);
    const stats = new Stats(history);
    add(history, stats, T0, 7, { initDurationMs: 300 });
    add(history, stats, T0 + 5, 9, { initDurationMs: 100 });
    add(history, stats, T0 + 6, 1);
    const m = stats.message(T0);
    assert.equal(m.series.coldMs[WINDOW_SECONDS - 1], 9);
    assert.equal(m.series.coldStarts[WINDOW_SECONDS - 1], 2);
    assert.equal(m.overall.coldStarts, 2);
    assert.equal(m.overall.meanInitMs, 200);
  });

  it('carries concurrency over quiet seconds at the value the last busy second ended with', () => {
    const history = new History(10);
    const stats = new Stats(history);
    stats.concurrency(T0, 3, 3);
    stats.concurrency(T0 + 500, 0, 2);
    stats.throttle(T0 + 600);
    const m = stats.message(T0 + 3000);
    const at = (k: number) => WINDOW_SECONDS - 1 - k;
    assert.equal(m.series.busy[at(3)], 3, 'the busiest moment of that second');
    assert.equal(m.series.instances[at(3)], 3);
    assert.equal(m.series.busy[at(1)], 0, 'then what it ended with');
    assert.equal(m.series.instances[at(1)], 2);
    assert.equal(m.series.throttles[at(3)], 1);
    assert.equal(m.overall.throttles, 1);
  });

  it('ignores events older than the window and forgets everything on clear', () => {
    const history = new History(10);
    const stats = new Stats(history);
    add(history, stats, T0 + WINDOW_SECONDS * 1000, 2);
    add(history, stats, T0, 5);
    const m = stats.message(T0 + WINDOW_SECONDS * 1000);
    assert.equal(
      m.series.invocations.reduce((a, b) => a + b, 0),
      1,
    );
    history.clear();
    stats.clear();
    assert.equal(stats.message(T0).overall.count, 0);
    assert.equal(stats.message(T0).overall.p50, null);
  });
});

describe('histogram', () => {
  it('spreads durations over linear bins up to p99, the slowest 1% in the last bin', () => {
    const sorted = Float64Array.from({ length: 1000 }, (_, i) => i + 1);
    sorted[999] = 1e6;
    const h = histogram(sorted);
    assert.equal(h.counts.length, 24);
    assert.equal(h.edges.length, 25);
    assert.equal(h.edges[0], 1);
    assert.equal(
      h.counts.reduce((a, b) => a + b, 0),
      1000,
    );
    assert.ok((h.counts[23] as number) >= 10);
    assert.deepEqual(histogram(new Float64Array(0)), { edges: [], counts: [] });
  });
});
