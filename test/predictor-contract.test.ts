// One contract every Predictor keeps, whichever reader built it: a forest trained here, a scikit-learn
// joblib file, XGBoost JSON/pickle and LightGBM text/pickle models -- each checked against its own
// library's answers, through the Predictor interface, the native artifact and the prediction handler.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createPredictionHandler } from '../src/function/predict.js';
import { createPredictor, parseArtifact, serializeArtifact } from '../src/model/artifact.js';
import { describeModel } from '../src/model/describe.js';
import { PredictInputError } from '../src/model/errors.js';
import { trainFromConfig } from '../src/model/train.js';
import {
  type ClassLabel,
  type FeatureValue,
  type Predictor,
  predictsProbabilities,
} from '../src/model/types.js';
import { loadAnyModelFile, readModelFile } from '../src/readers/load-any.js';
import { sklearnFixtures } from './sklearn-fixtures.js';

/** Rows and what the model's own library answered for them. */
interface Oracle {
  readonly rows: FeatureValue[][];
  readonly predict: ClassLabel[];
  readonly proba?: number[][];
  /** Largest distance from the library's probabilities, in units of the last place (float64). */
  readonly probaUlps: number;
}

interface Implementation {
  readonly name: string;
  readonly kind: string;
  readonly make: () => Predictor;
  /** The file it came from, for the convert-and-reload check (null for a model trained here). */
  readonly file: string | null;
  readonly oracle: Oracle;
}

const root = join(import.meta.dirname, '..');
const sk = sklearnFixtures();
const modelo = sk.models.find((m) => m.file === 'modelo.joblib');
if (!modelo) throw new Error('modelo.joblib fixture missing');
const config = JSON.parse(readFileSync(join(root, 'config', 'default-training.json'), 'utf8'));
const tutorial: Oracle = {
  rows: modelo.rows,
  predict: modelo.predict,
  ...(modelo.proba ? { proba: modelo.proba } : {}),
  probaUlps: 0,
};

type LibraryEntry = {
  file: string;
  dataset: string;
  predict?: ClassLabel[];
  proba?: number[][];
  output: number[][];
};

/** An XGBoost/LightGBM fixture's answers (regressors: the library's predict output). */
function libraryOracle(library: 'xgboost' | 'lightgbm', file: string, probaUlps: number): Oracle {
  const dir = join(root, 'test', 'fixtures', library);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
  const m = (expected.models as LibraryEntry[]).find((e) => e.file === file);
  if (!m) throw new Error(`${library}/${file} is not in expected.json`);
  const rows = (expected.datasets[m.dataset] as Array<Array<FeatureValue | null>>).map((r) =>
    r.map((v) => (v === null ? Number.NaN : v)),
  );
  // A bare multi-class Booster: its output is the class probabilities, the label their first maximum.
  const multi = !m.proba && (m.output[0]?.length ?? 1) > 1;
  const argmax = (o: number[]) => o.indexOf(Math.max(...o));
  return {
    rows,
    predict: m.predict ?? m.output.map((o) => (multi ? argmax(o) : (o[0] as number))),
    ...(m.proba ? { proba: m.proba } : multi ? { proba: m.output } : {}),
    probaUlps,
  };
}

const xgb = (file: string) => join(root, 'test', 'fixtures', 'xgboost', file);
const lgbm = (file: string) => join(root, 'test', 'fixtures', 'lightgbm', file);

const implementations: Implementation[] = [
  {
    name: 'a forest trained natively',
    kind: 'RandomForestClassifier',
    make: () => createPredictor(trainFromConfig(config)),
    file: null,
    oracle: tutorial,
  },
  {
    name: 'scikit-learn modelo.joblib',
    kind: 'RandomForestClassifier',
    make: () => loadAnyModelFile(join(sk.dir, 'modelo.joblib')),
    file: join(sk.dir, 'modelo.joblib'),
    oracle: tutorial,
  },
  {
    name: 'XGBoost save_model JSON (binary, NaN-trained)',
    kind: 'XGBClassifier',
    make: () => loadAnyModelFile(xgb('binary.json')),
    file: xgb('binary.json'),
    oracle: libraryOracle('xgboost', 'binary.json', 0),
  },
  {
    name: 'XGBoost pickled XGBRegressor (joblib)',
    kind: 'XGBRegressor',
    make: () => loadAnyModelFile(xgb('regression.joblib')),
    file: xgb('regression.joblib'),
    oracle: libraryOracle('xgboost', 'regression.joblib', 0),
  },
  {
    name: 'LightGBM pickled LGBMClassifier (pandas categories)',
    kind: 'LGBMClassifier',
    make: () => loadAnyModelFile(lgbm('categorical.pkl')),
    file: lgbm('categorical.pkl'),
    oracle: libraryOracle('lightgbm', 'categorical.pkl', 4),
  },
  {
    name: 'LightGBM model.txt (multi-class)',
    kind: 'LGBMClassifier',
    make: () => loadAnyModelFile(lgbm('multiclass.txt')),
    file: lgbm('multiclass.txt'),
    oracle: libraryOracle('lightgbm', 'multiclass.txt', 4),
  },
];

function ulps(a: number, b: number): number {
  const v = new Float64Array([a, b]);
  const i = new BigInt64Array(v.buffer);
  const d = (i[0] as bigint) - (i[1] as bigint);
  return Number(d < 0n ? -d : d);
}

/** Answers `p` gives for the oracle's rows match the library's. */
function assertAnswers(p: Predictor, o: Oracle): void {
  o.rows.forEach((row, i) => {
    assert.equal(p.predict(row), o.predict[i], `predict row ${i}`);
    o.proba?.[i]?.forEach((q, k) => {
      const got = p.predictProba(row)[k] as number;
      assert.ok(ulps(got, q) <= o.probaUlps, `predict_proba row ${i} class ${k}: ${got} vs ${q}`);
    });
  });
}

/** A row the schema accepts: the oracle's first row with missing values replaced where they are not taken. */
function sampleRow(p: Predictor, o: Oracle): FeatureValue[] {
  return (o.rows[0] ?? []).map((v) =>
    typeof v === 'number' && Number.isNaN(v) && !p.schema.acceptsMissing ? 0 : v,
  );
}

/** The one contract: every implementation must pass it. */
function contract(impl: Implementation): void {
  const p = impl.make();
  const o = impl.oracle;

  test('describes itself consistently (kind, task, schema, classes)', () => {
    assert.equal(p.kind, impl.kind);
    assert.equal(p.schema.features.length, p.nFeatures);
    assert.equal(p.task === 'classification', p.classes !== null);
    const d = describeModel(p);
    assert.equal(d.features.length, p.nFeatures);
    assert.deepEqual(d.classes, p.classes);
  });

  test("answers its library's predict and predict_proba on every fixture row", () => {
    assertAnswers(p, o);
  });

  test('labels are classes, probabilities a distribution whose first maximum is the label', () => {
    for (const row of o.rows) {
      const label = p.predict(row);
      if (p.classes === null) {
        assert.equal(typeof label, 'number');
        assert.ok(Number.isFinite(label as number));
        assert.throws(() => p.predictProba(row), PredictInputError);
        continue;
      }
      assert.ok(p.classes.includes(label), `${label} is not one of ${p.classes}`);
      if (!predictsProbabilities(p)) continue;
      const proba = Array.from(p.predictProba(row));
      assert.equal(proba.length, p.classes.length);
      assert.ok(proba.every((q) => q >= 0 && q <= 1));
      assert.ok(Math.abs(proba.reduce((a, b) => a + b, 0) - 1) < 1e-6);
      assert.equal(label, p.classes[proba.indexOf(Math.max(...proba))]);
    }
  });

  test('refuses rows of the wrong length or infinite values; takes NaN only where its schema accepts missing values', () => {
    const row = sampleRow(p, o);
    for (const bad of [row.slice(1), [...row, 0]]) assert.throws(() => p.predict(bad), PredictInputError);
    const firstNumber = p.schema.features.findIndex((f) => f.kind === 'number');
    const withNaN = row.map((v, j) => (j === firstNumber ? Number.NaN : v));
    if (p.schema.acceptsMissing) p.predict(withNaN);
    else assert.throws(() => p.predict(withNaN), PredictInputError);
    for (const inf of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const withInf = row.map((v, j) => (j === firstNumber ? inf : v));
      assert.throws(() => p.predict(withInf), PredictInputError);
    }
  });

  test('converted to the native artifact and reloaded, answers identically', (t) => {
    if (impl.file === null) {
      t.skip('trained here: it is already a native artifact');
      return;
    }
    assertAnswers(createPredictor(parseArtifact(serializeArtifact(readModelFile(impl.file)))), o);
  });

  test('served by the prediction handler: by position, by name where the model knows names', async () => {
    const handle = createPredictionHandler(p);
    const row = sampleRow(p, o);
    const data = row.map((v) => (typeof v === 'number' && Number.isNaN(v) ? null : v));
    const byPosition = (await handle({ data })) as { statusCode: number; body: unknown };
    assert.equal(byPosition.statusCode, 200, JSON.stringify(byPosition));
    assert.equal(byPosition.body, p.predict(row));
    const names = p.schema.features.map((f) => f.name);
    if (names.every((n) => n !== null)) {
      const named = Object.fromEntries(names.map((n, j) => [n, data[j]]));
      const byName = (await handle({ data: named })) as { statusCode: number; body: unknown };
      assert.deepEqual(byName, byPosition);
    }
    const wrong = (await handle({ data: data.slice(1) })) as { statusCode: number };
    assert.equal(wrong.statusCode, 400);
  });
}

for (const impl of implementations) describe(`Predictor contract: ${impl.name}`, () => contract(impl));
