// lambda-ml's ports of glibc's exp and log1p give the C library's own results, bit for bit, on reference
// values written by scripts/fixtures/make_libm_vectors.py (where V8's Math.exp / Math.log1p do not).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { glibcExp } from './glibc-exp.js';
import { glibcLog1p } from './glibc-log1p.js';

const vectors = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'libm-vectors', 'vectors.json'),
    'utf8',
  ),
) as { exp: [number, number][]; log1p: [number, number][] };

for (const [name, port, v8] of [
  ['exp', glibcExp, Math.exp],
  ['log1p', glibcLog1p, Math.log1p],
] as const) {
  test(`${name}: bit-identical to glibc on ${vectors[name].length} reference values`, () => {
    let v8Differs = 0;
    for (const [x, want] of vectors[name]) {
      assert.ok(Object.is(port(x), want), `${name}(${x}) = ${port(x)}, glibc ${want}`);
      if (!Object.is(v8(x), want)) v8Differs++;
    }
    // The reference set includes values where V8's own function rounds differently, so this test can fail.
    assert.ok(v8Differs > 0, `V8's Math.${name} matches every reference value`);
  });
}
