// Every fixture model read by lambda-ml predicts what scikit-learn 1.2.1 predicted (trees bit for bit).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { boostingRaw, boostingSums, type GradientBoostingEstimator } from '../src/model/gradient-boosting.js';
import { type LogisticRegressionEstimator, logisticDecision } from '../src/model/logistic-regression.js';
import type { ModelArtifact } from '../src/model/types.js';
import { loadAnyModelFile, readSklearnFile } from '../src/sklearn/load-any.js';
import { type FixtureEntry, sklearnFixtures } from './sklearn-fixtures.js';

const fx = sklearnFixtures();
const EPS = 2 ** -52;

/** |a - b| within `ulps` units in the last place of the expected value. */
function closeUlps(a: number, b: number, ulps: number): boolean {
  return Math.abs(a - b) <= ulps * EPS * Math.max(Math.abs(b), 2 ** -1022);
}

test('the fixtures come from scikit-learn 1.2.1', () => {
  assert.equal(fx.sklearn, '1.2.1');
  assert.ok(fx.models.length >= 30);
});

function checkTrees(m: FixtureEntry): void {
  const p = loadAnyModelFile(join(fx.dir, m.file));
  assert.equal(p.kind, m.kind.replace('ExtraTreeClassifier', 'DecisionTreeClassifier'));
  assert.equal(p.nFeatures, m.nFeatures);
  m.rows.forEach((row, i) => {
    assert.equal(p.predict(row), m.predict[i], `predict row ${i}`);
    if (m.proba) assert.deepEqual(Array.from(p.predictProba(row)), m.proba[i], `predict_proba row ${i}`);
  });
}

function checkBoosting(m: FixtureEntry): void {
  const p = loadAnyModelFile(join(fx.dir, m.file));
  const est = readSklearnFile(join(fx.dir, m.file)).estimator as GradientBoostingEstimator;
  const engines = [boostingSums(est, m.nFeatures, false), boostingSums(est, m.nFeatures, true)];
  m.rows.forEach((row, i) => {
    assert.equal(p.predict(row), m.predict[i], `predict row ${i}`);
    // decision_function (raw scores) is a chain of float64 multiply-adds in sklearn's order: bit-identical,
    // in the reference walk and in the tree-sum engine (WebAssembly and JavaScript) that serves predictions.
    if (m.decision) {
      assert.deepEqual(Array.from(boostingRaw(est, row)), m.decision[i], `decision row ${i}`);
      for (const engine of engines) {
        const raw = new Float64Array(est.initRaw.length);
        engine.sums(row, 0, 1, raw);
        assert.deepEqual(Array.from(raw), m.decision[i], `${engine.implementation} decision row ${i}`);
      }
    }
    // predict_proba goes through exp/log: V8's and glibc's differ in the last bit now and then.
    m.proba?.[i]?.forEach((q, k) => {
      const got = p.predictProba(row)[k] as number;
      assert.ok(closeUlps(got, q, 4), `proba row ${i} class ${k}: ${got} vs ${q}`);
    });
  });
}

function checkLogistic(m: FixtureEntry): void {
  const p = loadAnyModelFile(join(fx.dir, m.file));
  const art = readSklearnFile(join(fx.dir, m.file)) as ModelArtifact<LogisticRegressionEstimator>;
  const est = art.estimator;
  m.rows.forEach((row, i) => {
    assert.equal(p.predict(row), m.predict[i], `predict row ${i}`);
    // The fixtures are made on reference BLAS, where np.dot sums left to right like lambda-ml:
    // bit-identical. (OpenBLAS's FMA kernels sum in their own order: a few ulp of the terms.)
    if (m.decision) {
      assert.deepEqual(logisticDecision(art, row), m.decision[i], `decision row ${i}`);
    }
    m.decision?.[i]?.forEach((d, k) => {
      const w = Array.from(est.coef[k] ?? []);
      const scale = w.reduce((s, wj, j) => s + Math.abs(wj * (row[j] ?? 0)), Math.abs(est.intercept[k] ?? 0));
      const got = w.reduce((s, wj, j) => s + wj * (row[j] ?? 0), 0) + (est.intercept[k] ?? 0);
      assert.ok(Math.abs(got - d) <= 8 * EPS * scale, `decision row ${i}: ${got} vs ${d}`);
    });
    m.proba?.[i]?.forEach((q, k) => {
      const got = p.predictProba(row)[k] as number;
      assert.ok(Math.abs(got - q) <= 1e-14, `proba row ${i} class ${k}: ${got} vs ${q}`);
    });
  });
}

for (const m of fx.models) {
  test(`${m.file} (${m.kind}, ${m.container}, protocol ${m.protocol}) predicts like scikit-learn`, () => {
    if (m.kind.startsWith('GradientBoosting')) checkBoosting(m);
    else if (m.kind === 'LogisticRegression') checkLogistic(m);
    else checkTrees(m);
  });
}

test('string class labels come back as strings', () => {
  const p = loadAnyModelFile(join(fx.dir, 'rf_clf_str.joblib'));
  assert.deepEqual(p.classes, ['setosa', 'versicolor', 'virginica']);
});

test("the tutorial's modelo.joblib answers predict_proba([[0,0,0,0]]) like the spec", () => {
  const p = loadAnyModelFile(join(fx.dir, 'modelo.joblib'));
  assert.deepEqual(Array.from(p.predictProba([0, 0, 0, 0])), [0.1780616183476214, 0.8219383816523785]);
  assert.equal(p.predict([0, 0, 0, 0]), 1);
});
