// XGBoost and LightGBM batches walk their trees in lambda-ml's WebAssembly kernel: on every checked-in
// fixture the kernel's raw scores and outputs are bit-identical to the JavaScript walk's (and to the
// library's on the fixture rows), on rows full of missing values, zeros, values within LightGBM's zero
// threshold and values on (and next to) split thresholds; and a batch takes the kernel by default.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BoostedPredictor } from '../src/model/boosted/boosted.js';
import { type BoostedOptions, KERNEL_ROWS } from '../src/model/boosted/kernel.js';
import { createBoostedPredictor } from '../src/model/boosted/kinds.js';
import type { LightGBMEstimator } from '../src/model/boosted/lightgbm-model.js';
import type { XGBoostEstimator } from '../src/model/boosted/xgboost-model.js';
import type { FeatureValue } from '../src/model/types.js';
import { loadAnyModelFile, readModelFile } from '../src/readers/load-any.js';

interface Fixtures {
  readonly datasets: Record<string, Array<Array<number | string | null>>>;
  readonly models: Array<{ file: string; dataset: string; margin?: number[][]; raw?: number[][] }>;
}

const libraries = ['xgboost', 'lightgbm'] as const;
const fixtures = Object.fromEntries(
  libraries.map((lib) => [
    lib,
    JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', lib, 'expected.json'), 'utf8')) as Fixtures,
  ]),
) as Record<(typeof libraries)[number], Fixtures>;

/** Fixture files whose models have categorical splits (those trees stay on the JavaScript walk). */
const categorical = new Set([
  'categorical.json',
  'categorical.txt',
  'categorical.pkl',
  'int_categorical.txt',
]);

function predictor(lib: string, file: string, options: BoostedOptions): BoostedPredictor {
  return createBoostedPredictor(readModelFile(join(import.meta.dirname, 'fixtures', lib, file)), options);
}

/** Every numeric split threshold of the model, by feature. */
function thresholds(lib: string, file: string, nFeatures: number): number[][] {
  const e = readModelFile(join(import.meta.dirname, 'fixtures', lib, file)).estimator;
  const by: number[][] = Array.from({ length: nFeatures }, () => []);
  if (lib === 'xgboost') {
    for (const t of (e as XGBoostEstimator).trees) {
      for (let i = 0; i < t.left.length; i++)
        if ((t.left[i] as number) !== -1) by[t.feature[i] as number]?.push(t.value[i] as number);
    }
  } else {
    for (const t of (e as LightGBMEstimator).trees) {
      for (let i = 0; i < t.numLeaves - 1; i++)
        if (((t.decisionType[i] as number) & 1) === 0)
          by[t.splitFeature[i] as number]?.push(t.threshold[i] as number);
    }
  }
  return by;
}

/** The next float32 above / below v. */
function nextFloat32(v: number, up: boolean): number {
  const f = new Float32Array([v]);
  const i = new Int32Array(f.buffer);
  if (v === 0) return up ? 1e-45 : -1e-45;
  i[0] = (i[0] as number) + (v > 0 === up ? 1 : -1);
  return f[0] as number;
}

/**
 * The fixture rows, then `extra` rows made from them with some values replaced: NaN, ±0, a value
 * within 1e-35 of zero, a split threshold of that feature or the float32 / float64 next to it.
 */
function stressRows(base: Float64Array, nFeatures: number, cuts: number[][], extra: number): Float64Array {
  const n0 = base.length / nFeatures;
  const x = new Float64Array((n0 + extra) * nFeatures);
  x.set(base);
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  for (let r = n0; r < n0 + extra; r++) {
    const from = rand(n0);
    for (let f = 0; f < nFeatures; f++) {
      let v = base[from * nFeatures + f] as number;
      const own = cuts[f] ?? [];
      switch (rand(10)) {
        case 0:
        case 1:
          v = Number.NaN;
          break;
        case 2:
          v = rand(2) === 0 ? 0 : -0;
          break;
        case 3:
          v = (rand(2) === 0 ? 1 : -1) * 1e-36;
          break;
        case 4:
        case 5:
        case 6:
          if (own.length > 0) {
            const c = own[rand(own.length)] as number;
            const k = rand(5);
            v =
              k === 0
                ? c
                : k === 1
                  ? nextFloat32(c, true)
                  : k === 2
                    ? nextFloat32(c, false)
                    : c * (1 + (k === 3 ? 1 : -1) * 2 ** -40);
          }
          break;
        default:
      }
      x[r * nFeatures + f] = v;
    }
  }
  return x;
}

for (const lib of libraries) {
  for (const m of fixtures[lib].models) {
    test(`${lib} ${m.file}: kernel and JavaScript walk agree bit for bit, NaN-heavy and threshold rows included`, () => {
      const js = predictor(lib, m.file, { javascript: true });
      const kernel = predictor(lib, m.file, { javascript: false });
      const data = (fixtures[lib].datasets[m.dataset] ?? []).map((r) =>
        r.map((v) => (v === null ? Number.NaN : v)),
      ) as FeatureValue[][];
      const F = js.nFeatures;
      // 24 fixture rows + 1,290: more than the kernel's first block (1,024 rows), not a multiple of its 6 lanes.
      const x = stressRows(js.encodeRows(data), F, thresholds(lib, m.file, F), 1290);
      const n = x.length / F;
      assert.equal(js.batchEngine(n).implementation, 'js');
      const engine = kernel.batchEngine(n);
      assert.equal(engine.implementation, 'wasm');
      assert.equal(
        engine.treesInJs !== null && engine.treesInJs > 0,
        categorical.has(m.file),
        'categorical trees on the walk',
      );
      const want = js.rawScoresBatch(x, n);
      const got = kernel.rawScoresBatch(x, n);
      assert.deepEqual(got, want);
      // The fixture rows also equal the library's own answers.
      assert.deepEqual(Array.from(got.subarray(0, data.length * js.nOutputs)), (m.margin ?? m.raw)?.flat());
      assert.deepEqual(kernel.outputsBatch(x, n), js.outputsBatch(x, n));
      // A few rows (the scalar tail only) through the kernel too.
      assert.deepEqual(kernel.rawScoresBatch(x.subarray(0, 5 * F), 5), want.subarray(0, 5 * js.nOutputs));
    });
  }
}

test('a loaded XGBoost or LightGBM model predicts batches in the kernel, single rows in JavaScript', () => {
  for (const [lib, file] of [
    ['xgboost', 'binary.json'],
    ['xgboost', 'multiclass.json'],
    ['lightgbm', 'nan_heavy.txt'],
    ['lightgbm', 'multiclass.txt'],
  ] as const) {
    const p = loadAnyModelFile(join(import.meta.dirname, 'fixtures', lib, file)) as BoostedPredictor;
    assert.deepEqual(p.batchEngine(10_000), { implementation: 'wasm', treesInJs: 0 }, file);
    assert.equal(p.batchEngine(1).implementation, 'js', file);
  }
});

test('without WebAssembly (node --jitless) batches take the JavaScript walk, with the same answers', () => {
  const cases = [
    ['xgboost', 'nan_heavy.json'],
    ['lightgbm', 'missing_zero.txt'],
  ] as const;
  const script = `
    const { join } = await import('node:path');
    const { loadAnyModelFile } = await import(${JSON.stringify(join(import.meta.dirname, '..', 'src', 'readers', 'load-any.ts'))});
    const out = [];
    for (const [lib, file, rows] of JSON.parse(process.argv[1])) {
      const p = loadAnyModelFile(join(${JSON.stringify(join(import.meta.dirname, 'fixtures'))}, lib, file));
      const x = Float64Array.from(rows, (v) => (v === null ? NaN : v));
      const n = x.length / p.nFeatures;
      out.push({ engine: p.batchEngine(n), raw: Array.from(p.rawScoresBatch(x, n)) });
    }
    console.log(JSON.stringify(out));`;
  const inputs = cases.map(([lib, file]) => {
    const m = fixtures[lib].models.find((e) => e.file === file);
    const p = predictor(lib, file, { javascript: true });
    const data = (fixtures[lib].datasets[m?.dataset ?? ''] ?? []).map((r) =>
      r.map((v) => (v === null ? Number.NaN : v)),
    ) as FeatureValue[][];
    // The fixture rows four times over: a batch the kernel would take.
    const x = Array.from({ length: 4 }, () => Array.from(p.encodeRows(data))).flat();
    const n = x.length / p.nFeatures;
    return { lib, file, x, n, want: Array.from(p.rawScoresBatch(Float64Array.from(x), n)) };
  });
  const run = spawnSync(
    process.execPath,
    [
      '--jitless',
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
      JSON.stringify(inputs.map((c) => [c.lib, c.file, c.x.map((v) => (Number.isNaN(v) ? null : v))])),
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  const got = JSON.parse(run.stdout) as { engine: unknown; raw: number[] }[];
  inputs.forEach((c, i) => {
    assert.deepEqual(got[i]?.engine, { implementation: 'js', treesInJs: null }, c.file);
    assert.ok(c.n >= KERNEL_ROWS, 'a batch the kernel would take');
    assert.deepEqual(got[i]?.raw, c.want, c.file);
  });
});
