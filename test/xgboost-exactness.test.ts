// Every XGBoost fixture (JSON, UBJSON, pickle, joblib; gbtree, dart, categorical, early-stopped, 2.x/3.x
// layouts) answers exactly what XGBoost 1.7.4 answered: float32 margins, outputs, labels, probabilities.
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
import { expf, logf } from '../src/model/glibc-float32.js';
import { loadAnyModelFile, readModelFile } from '../src/readers/load-any.js';

const dir = join(import.meta.dirname, 'fixtures', 'xgboost');

interface Entry {
  readonly file: string;
  readonly dataset: string;
  readonly kind: string;
  readonly api: 'booster' | 'sklearn';
  readonly margin: number[][];
  readonly output: number[][];
  readonly predict?: Array<number | string>;
  readonly proba?: number[][];
  readonly best_iteration?: number;
}

const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
  xgboost: string;
  datasets: Record<string, Array<Array<number | null>>>;
  models: Entry[];
  libm: { expf: number[][]; logf: number[][] };
};

/** The fixture rows with null (JSON's stand-in for NaN) back as NaN: a missing value. */
function rows(dataset: string): number[][] {
  return (expected.datasets[dataset] ?? []).map((r) => r.map((v) => (v === null ? Number.NaN : v)));
}

/** Distance in float32 units in the last place. */
function ulps32(a: number, b: number): number {
  const v = new Float32Array([a, b]);
  const i = new Int32Array(v.buffer);
  return Math.abs((i[0] as number) - (i[1] as number));
}

test('the fixtures come from XGBoost 1.7.4 and cover every format and objective the issue names', () => {
  assert.equal(expected.xgboost, '1.7.4');
  const files = expected.models.map((m) => m.file);
  for (const f of ['binary.json', 'binary.ubj', 'binary.pkl', 'binary_z.joblib', 'regression.joblib'])
    assert.ok(files.includes(f), f);
  for (const f of [
    'nan_heavy.json',
    'categorical.json',
    'early_stopped.json',
    'dart.json',
    'booster_dart.json',
  ])
    assert.ok(files.includes(f), f);
});

test("glibc's expf and logf are ported exactly (XGBoost's sigmoid, softmax and base_score use them)", () => {
  for (const [x, y] of expected.libm.expf) assert.equal(expf(x as number), y, `expf(${x})`);
  for (const [x, y] of expected.libm.logf) assert.equal(logf(x as number), y, `logf(${x})`);
});

function checkAnswers(p: BoostedPredictor, m: Entry): void {
  rows(m.dataset).forEach((row, i) => {
    assert.deepEqual(Array.from(p.rawScores(row)), m.margin[i], `margin row ${i}`);
    assert.deepEqual(Array.from(p.outputs(row)), m.output[i], `output row ${i}`);
    if (m.predict) assert.equal(p.predict(row), m.predict[i], `predict row ${i}`);
    const proba = m.proba?.[i];
    if (!proba) return;
    const got = Array.from(p.predictProba(row));
    if (p.kind === 'XGBClassifier' && m.file.startsWith('softmax')) {
      // multi:softmax's predict_proba is scipy's softmax over numpy float32 (numpy's own SIMD expf).
      got.forEach((q, k) => {
        assert.ok(ulps32(q, proba[k] as number) <= 2, `proba row ${i}: ${got} vs ${proba}`);
      });
    } else {
      assert.deepEqual(got, proba, `predict_proba row ${i}`);
    }
  });
}

for (const m of expected.models) {
  describe(`${m.file} (${m.kind}, ${m.api === 'sklearn' ? 'scikit-learn wrapper' : 'Booster'})`, () => {
    const p = loadAnyModelFile(join(dir, m.file)) as BoostedPredictor;
    test('answers as XGBoost does, bit for bit', () => {
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
      assert.equal(artifact.provenance.source, 'xgboost');
      checkAnswers(createPredictor(artifact) as BoostedPredictor, m);
    });
  });
}

test('an early-stopped wrapper stops at best_iteration; the same rounds as a bare Booster use every tree', () => {
  const es = expected.models.find((m) => m.file === 'early_stopped.json');
  const art = readModelFile(join(dir, 'early_stopped.json'));
  const e = art.estimator as { nTreesUsed: number; trees: unknown[]; bestIteration: number };
  assert.equal(e.bestIteration, es?.best_iteration);
  assert.equal(e.nTreesUsed, (es?.best_iteration ?? 0) + 1);
  assert.ok(e.trees.length > e.nTreesUsed);
  const bare = readModelFile(join(dir, 'booster_early_stopped.json')).estimator as typeof e;
  assert.equal(bare.nTreesUsed, bare.trees.length);
});

test('batch prediction equals row-by-row prediction', () => {
  for (const file of ['multiclass.json', 'booster_dart.json', 'categorical.json', 'missing_marker.pkl']) {
    const m = expected.models.find((e) => e.file === file) as Entry;
    const p = loadAnyModelFile(join(dir, file)) as BoostedPredictor;
    const data = rows(m.dataset);
    const raw = p.rawScoresBatch(p.encodeRows(data), data.length);
    assert.deepEqual(Array.from(raw), m.margin.flat(), file);
    const out = p.outputsBatch(p.encodeRows(data), data.length);
    assert.deepEqual(Array.from(out), m.output.flat(), file);
  }
});
