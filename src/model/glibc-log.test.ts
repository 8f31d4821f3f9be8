// The exact fma emulation against BigInt arithmetic, and the glibc log port against the C library's
// log as Debian's Python calls it (checked-in references, test/references/glibc-log/).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { python, reference } from '../../test/references.js';
import { fma } from './fma.js';
import { glibcLog } from './glibc-log.js';
import { RandomState } from './random-state.js';

/** Exact a*b+c rounded once, via BigInt scaled by 2^1100 (inputs are moderate normal doubles). */
function fmaExact(a: number, b: number, c: number): number {
  const toBig = (x: number, scale: bigint): bigint => {
    const buf = new DataView(new ArrayBuffer(8));
    buf.setFloat64(0, x);
    const bits = buf.getBigUint64(0);
    const exp = Number((bits >> 52n) & 0x7ffn);
    const mant = (bits & ((1n << 52n) - 1n)) | (exp === 0 ? 0n : 1n << 52n);
    const e = (exp === 0 ? 1 : exp) - 1075;
    const v = e >= 0 ? mant << BigInt(e) : mant;
    const sh = e >= 0 ? scale : scale + BigInt(e);
    const r = sh >= 0n ? v << sh : v >> -sh;
    return bits >> 63n ? -r : r;
  };
  const prod = toBig(a, 550n) * toBig(b, 550n);
  const sum = prod + toBig(c, 1100n);
  // Number() of a BigInt rounds to nearest-even; the scale is a power of two, so dividing is exact.
  const neg = sum < 0n;
  const abs = neg ? -sum : sum;
  const bitsLen = abs.toString(2).length;
  const shift = Math.max(0, bitsLen - 60);
  const sticky = abs & ((1n << BigInt(shift)) - 1n) ? 1n : 0n;
  const top = (abs >> BigInt(shift)) | sticky;
  const v = Number(top) * 2 ** (shift - 1100);
  return neg ? -v : v;
}

test('fma is exact (matches BigInt arithmetic rounded once)', () => {
  const rs = new RandomState(5);
  for (let i = 0; i < 20000; i++) {
    const a = (rs.randomSample() - 0.5) * 2 ** ((i % 40) - 20);
    const b = (rs.randomSample() - 0.5) * 2 ** ((i % 7) - 3);
    const c =
      i % 3 === 0
        ? -(a * b) * (1 + rs.randomSample() * 1e-12)
        : (rs.randomSample() - 0.5) * 2 ** ((i % 11) - 5);
    assert.equal(fma(a, b, c), fmaExact(a, b, c), `fma(${a}, ${b}, ${c})`);
  }
});

test('glibcLog equals the C library log called by Debian python3', () => {
  const rs = new RandomState(1);
  const xs: number[] = [1, 2, 0.5, 0.9375, 1.064697265625, 1e-310, 123456.789];
  for (let i = 0; i < 12000; i++) {
    const u = rs.randomSample();
    xs.push(i % 3 === 0 ? u : i % 3 === 1 ? 0.93 + u * 0.14 : u ** 3 * 1e-3 + 1e-300);
  }
  // glibc picks its FMA variant on CPUs with FMA and AVX2, the plain one otherwise: the reference records
  // which one the machine that made it used, and the port is checked in that variant.
  const expected = reference('glibc-log', { xs }, (input) => {
    const flags = readFileSync('/proc/cpuinfo', 'utf8');
    const program = 'import sys, json, math; print(json.dumps([math.log(x) for x in json.load(sys.stdin)]))';
    return {
      useFma: /\bfma\b/.test(flags) && /\bavx2\b/.test(flags),
      logs: JSON.parse(python(['-c', program], JSON.stringify(input.xs))) as number[],
    };
  });
  const useFma = expected.useFma;
  const bad = xs.filter((x, i) => glibcLog(x, useFma) !== expected.logs[i]);
  assert.deepEqual(bad, []);
  assert.ok(
    xs.some((x, i) => Math.log(x) !== expected.logs[i]),
    'Math.log really differs, so the test can fail',
  );
});
