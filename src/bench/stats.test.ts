// Percentile math of the benchmark summaries.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { median, percentile, summarize } from './stats.js';

it('computes nearest-rank percentiles, mean and max', () => {
  const values = Array.from({ length: 100 }, (_, i) => 100 - i);
  const s = summarize(values);
  assert.deepEqual([s.count, s.p50Ms, s.p90Ms, s.p99Ms, s.maxMs, s.meanMs], [100, 50, 90, 99, 100, 50.5]);
  assert.equal(percentile([], 50), 0);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(summarize([]).maxMs, 0);
});
