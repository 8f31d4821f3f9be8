import assert from 'node:assert/strict';
import { test } from 'node:test';
import { glibcLog } from '../glibc-log.js';
import { RandomState } from '../random-state.js';
import { SortScratch } from './fast-sort.js';
import { maxDepthOf, sortSamples, sortSamplesMarked } from './sort.js';

test("maxDepthOf is sklearn's 2 * <int>(log(n) / log(2)) with glibc's log", () => {
  const ln2 = glibcLog(2);
  const ns: number[] = [];
  for (let n = 1; n <= 1 << 16; n++) ns.push(n);
  for (let k = 17; k <= 30; k++) for (let d = -2; d <= 2; d++) ns.push(2 ** k + d);
  for (const n of ns) assert.equal(maxDepthOf(n), 2 * Math.trunc(glibcLog(n) / ln2), `n = ${n}`);
});

test('sortSamplesMarked gives the introsort permutation when the tied values and zeros are marked', () => {
  const rs = new RandomState(7);
  const scratch = new SortScratch(6000);
  for (const [n, distinct] of [
    [50, 1e9],
    [300, 40],
    [5000, 1e6],
    [5000, 3000],
    [6000, 2],
  ] as const) {
    const values = Float32Array.from({ length: n }, () => Math.floor(rs.randomSample() * distinct) / 7 - 3);
    values[n >> 1] = -0; // a zero's sign must survive
    const ids = Int32Array.from({ length: n }, (_, i) => (i * 7919) % n);
    const expectX = Float32Array.from(values);
    const expectS = Int32Array.from(ids);
    sortSamples(expectX, expectS, 0, n);

    const counts = new Map<number, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    const X = Float32Array.from(values);
    const S = Int32Array.from(ids);
    let nMarked = 0;
    for (let p = 0; p < n; p++) {
      const v = X[p] as number;
      if (v === 0 || (counts.get(v) as number) > 1) {
        S[p] = ~(S[p] as number);
        nMarked += 1;
      }
    }
    sortSamplesMarked(X, new Uint32Array(X.buffer), S, 0, n, nMarked, scratch);
    const unmarked = S.map((s) => (s < 0 ? ~s : s));
    assert.deepEqual(unmarked, expectS, `n = ${n}, ${distinct} distinct`);
    assert.deepEqual(new Uint32Array(X.buffer), new Uint32Array(expectX.buffer), 'values, bit for bit');
  }
});
