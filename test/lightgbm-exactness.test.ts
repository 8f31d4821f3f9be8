// Every LightGBM fixture (model.txt, pickle, joblib; binary, multi-class, regression objectives, random
// forest, missing types, categorical bitsets, early stopping) answers what LightGBM 4.7.0 answered:
// raw scores bit for bit, outputs and probabilities within 4 ulp, labels on every row.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  createPredictor,
  parseArtifact,
  parseArtifactBytes,
  serializeArtifact,
  serializeArtifactBinary,
} from '../src/model/artifact.js';
import type { BoostedPredictor } from '../src/model/boosted/boosted.js';
import type { FeatureValue } from '../src/model/types.js';
import { loadAnyModelFile, readModelFile } from '../src/readers/load-any.js';

const dir = join(import.meta.dirname, 'fixtures', 'lightgbm');

interface Entry {
  readonly file: string;
  readonly dataset: string;
  readonly kind: string;
  readonly api: 'booster' | 'sklearn';
  readonly raw: number[][];
  readonly output: number[][];
  readonly predict?: Array<number | string>;
  readonly proba?: number[][];
  readonly best_iteration?: number;
}

const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
  lightgbm: string;
  datasets: Record<string, Array<Array<number | string | null>>>;
  models: Entry[];
};

/** The fixture rows with null (a missing value) as NaN; category values stay strings. */
function rows(dataset: string): FeatureValue[][] {
  return (expected.datasets[dataset] ?? []).map((r) => r.map((v) => (v === null ? Number.NaN : v)));
}

/** Distance in float64 units in the last place. */
function ulps(a: number, b: number): number {
  const v = new Float64Array([a, b]);
  const i = new BigInt64Array(v.buffer);
  const d = (i[0] as bigint) - (i[1] as bigint);
  return Number(d < 0n ? -d : d);
}

function within4(got: ArrayLike<number>, want: readonly number[], what: string): void {
  assert.equal(got.length, want.length, what);
  want.forEach((w, k) => {
    assert.ok(ulps(got[k] as number, w) <= 4, `${what}[${k}]: ${got[k]} vs ${w}`);
  });
}

test('the fixtures come from LightGBM 4.7.0 and cover the formats and objectives the issue names', () => {
  assert.equal(expected.lightgbm, '4.7.0');
  const files = expected.models.map((m) => m.file);
  for (const f of ['binary.txt', 'binary.pkl', 'binary_z.joblib', 'regression.joblib', 'multiclass.txt'])
    assert.ok(files.includes(f), f);
  for (const f of [
    'poisson.txt',
    'gamma.txt',
    'tweedie.txt',
    'rf.txt',
    'missing_zero.txt',
    'missing_none.txt',
  ])
    assert.ok(files.includes(f), f);
  for (const f of ['nan_heavy.txt', 'categorical.pkl', 'int_categorical.txt', 'early_stopped.pkl'])
    assert.ok(files.includes(f), f);
});

function checkAnswers(p: BoostedPredictor, m: Entry): void {
  rows(m.dataset).forEach((row, i) => {
    assert.deepEqual(Array.from(p.rawScores(row)), m.raw[i], `raw score row ${i}`);
    within4(p.outputs(row), m.output[i] as number[], `output row ${i}`);
    if (m.predict) assert.equal(p.predict(row), m.predict[i], `predict row ${i}`);
    if (m.proba) within4(p.predictProba(row), m.proba[i] as number[], `predict_proba row ${i}`);
  });
}

for (const m of expected.models) {
  describe(`${m.file} (${m.kind}, ${m.api === 'sklearn' ? 'scikit-learn wrapper' : 'Booster'})`, () => {
    const p = loadAnyModelFile(join(dir, m.file)) as BoostedPredictor;
    test('answers as LightGBM does', () => {
      assert.equal(p.kind, m.kind);
      checkAnswers(p, m);
    });
    test('converted to the native artifact (JSON and binary), answers identically', () => {
      const converted = readModelFile(join(dir, m.file));
      checkAnswers(
        createPredictor(parseArtifactBytes(serializeArtifactBinary(converted))) as BoostedPredictor,
        m,
      );
      const artifact = parseArtifact(serializeArtifact(converted));
      assert.equal(artifact.provenance.source, 'lightgbm');
      checkAnswers(createPredictor(artifact) as BoostedPredictor, m);
    });
  });
}

test('pandas categories become category features; feature names come from the model', () => {
  const p = loadAnyModelFile(join(dir, 'categorical.txt'));
  assert.deepEqual(
    p.schema.features.map((f) => [f.name, f.kind, f.categories?.length ?? null]),
    [
      ['num', 'number', null],
      ['color', 'category', 7],
      ['size', 'category', 3],
    ],
  );
  assert.equal(p.schema.acceptsMissing, true);
  // Integer-coded categorical features take their codes as numbers, as LightGBM does.
  assert.ok(
    loadAnyModelFile(join(dir, 'int_categorical.txt')).schema.features.every((f) => f.kind === 'number'),
  );
});

test('early stopping: prediction stops at best_iteration; a saved model.txt holds only those trees', () => {
  type Est = { nIterationsUsed: number; trees: unknown[] };
  const kept = expected.models.find((m) => m.file === 'booster_early_stopped.pkl');
  const bare = readModelFile(join(dir, 'booster_early_stopped.pkl')).estimator as Est;
  assert.equal(bare.nIterationsUsed, kept?.best_iteration);
  assert.ok(bare.trees.length > bare.nIterationsUsed, 'the kept booster has trees past best_iteration');
  const es = expected.models.find((m) => m.file === 'early_stopped.pkl');
  const wrapper = readModelFile(join(dir, 'early_stopped.pkl')).estimator as Est;
  assert.equal(wrapper.nIterationsUsed, es?.best_iteration);
  const text = readModelFile(join(dir, 'early_stopped.txt')).estimator as Est;
  assert.equal(text.trees.length, es?.best_iteration);
});

test('batch prediction equals row-by-row prediction', () => {
  for (const file of ['multiclass.txt', 'rf.txt', 'categorical.pkl', 'missing_zero.txt']) {
    const m = expected.models.find((e) => e.file === file) as Entry;
    const p = loadAnyModelFile(join(dir, file)) as BoostedPredictor;
    const data = rows(m.dataset);
    assert.deepEqual(Array.from(p.rawScoresBatch(p.encodeRows(data), data.length)), m.raw.flat(), file);
    within4(p.outputsBatch(p.encodeRows(data), data.length), m.output.flat(), file);
  }
});
