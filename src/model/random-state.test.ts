// numpy legacy RandomState: the spec's test vectors, plus the 64-bit randint path and permutation
// checked against Debian's numpy (checked-in references, test/references/numpy/).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { python, reference } from '../../test/references.js';
import { RandomState } from './random-state.js';

const take = (n: number, f: () => number): number[] => Array.from({ length: n }, f);

test('RandomState(0): next32, random_sample, standard_normal, randint match numpy 1.24', () => {
  const a = new RandomState(0);
  assert.deepEqual(
    take(5, () => a.next32()),
    [2357136044, 2546248239, 3071714933, 3626093760, 2588848963],
  );
  const b = new RandomState(0);
  assert.deepEqual(
    take(3, () => b.randomSample()),
    [0.5488135039273248, 0.7151893663724195, 0.6027633760716439],
  );
  const c = new RandomState(0);
  assert.deepEqual(
    take(4, () => c.standardNormal()),
    [1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458],
  );
  const d = new RandomState(0);
  assert.deepEqual(
    take(5, () => d.randint(0, 2147483647)),
    [209652396, 398764591, 924231285, 1478610112, 441365315],
  );
  const e = new RandomState(209652396);
  assert.deepEqual(
    take(10, () => e.randint(0, 1000)),
    [236, 227, 946, 32, 576, 754, 822, 41, 935, 835],
  );
});

test('seed range is checked', () => {
  assert.throws(() => new RandomState(-1), RangeError);
  assert.throws(() => new RandomState(2 ** 32), RangeError);
  assert.throws(() => new RandomState(1.5), RangeError);
});

test('gauss cache persists across other draws, 64-bit randint and permutation match numpy', () => {
  const py = `
import json, numpy as np
r = np.random.RandomState(7)
a = r.standard_normal(3).tolist(); b = r.random_sample(1).tolist(); c = r.standard_normal(2).tolist()
big = np.random.RandomState(0).randint(0, 2**40, size=5).tolist()
odd = np.random.RandomState(3).randint(5, 2**33 + 7, size=4).tolist()
perm = np.random.RandomState(12345).permutation(10).tolist()
full = np.random.RandomState(1).randint(0, 2**32, size=3).tolist()
print(json.dumps([a, b, c, big, odd, perm, full]))`;
  const answer = reference('numpy', { program: py }, ({ program }) => JSON.parse(python(['-c', program])));
  const [a, b, c, big, odd, perm, full] = answer as number[][];
  const s = new RandomState(7);
  assert.deepEqual(
    take(3, () => s.standardNormal()),
    a,
  );
  assert.deepEqual(
    take(1, () => s.randomSample()),
    b,
  );
  assert.deepEqual(
    take(2, () => s.standardNormal()),
    c,
  );
  const g = new RandomState(0);
  assert.deepEqual(
    take(5, () => g.randint(0, 2 ** 40)),
    big,
  );
  const h = new RandomState(3);
  assert.deepEqual(
    take(4, () => h.randint(5, 2 ** 33 + 7)),
    odd,
  );
  assert.deepEqual(Array.from(new RandomState(12345).permutation(10)), perm);
  const f = new RandomState(1);
  assert.deepEqual(
    take(3, () => f.randint(0, 2 ** 32)),
    full,
  );
});
