// The fast (tie-order-free) sort keeps every (value, sample) pair and orders values ascending, for
// every size class it dispatches on (insertion, packed quicksort, radix) and awkward inputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RandomState } from '../random-state.js';
import { fastSortSamples, SortScratch } from './fast-sort.js';

test('fastSortSamples sorts values and keeps pairs', () => {
  const rs = new RandomState(3);
  for (const n of [0, 1, 5, 23, 24, 100, 1000, 4095, 4096, 20000]) {
    for (const kind of ['random', 'ties', 'sorted', 'reversed', 'signed zeros']) {
      const Xf = new Float32Array(n + 10);
      const S = new Int32Array(n + 10);
      for (let i = 0; i < n; i++) {
        const r = rs.randomSample();
        const v: Record<string, number> = {
          random: r * 100 - 50,
          ties: Math.floor(r * 5) - 2,
          sorted: i,
          reversed: -i,
          'signed zeros': i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : -1e-30,
        };
        Xf[i + 5] = v[kind] as number;
        S[i + 5] = i;
      }
      const key = (x: number, s: number) => `${s}:${Object.is(x, -0) ? 0 : x}`;
      const before = Array.from({ length: n }, (_, i) => key(Xf[i + 5] as number, S[i + 5] as number)).sort();
      fastSortSamples(Xf, new Uint32Array(Xf.buffer), S, 5, n, new SortScratch(n + 10));
      for (let i = 1; i < n; i++) assert.ok((Xf[i + 4] as number) <= (Xf[i + 5] as number), `${kind} n=${n}`);
      const after = Array.from({ length: n }, (_, i) => key(Xf[i + 5] as number, S[i + 5] as number)).sort();
      assert.deepEqual(after, before, `${kind} n=${n}: pairs kept`);
      assert.equal(Xf[4], 0);
      assert.equal(Xf[n + 5], 0);
    }
  }
});
