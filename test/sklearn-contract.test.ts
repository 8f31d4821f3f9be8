// Contract suite: a forest trained natively and the same forest read from scikit-learn's joblib file behave identically.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createPredictor, parseArtifact, serializeArtifact } from '../src/model/artifact.js';
import { PredictInputError } from '../src/model/errors.js';
import { trainFromConfig } from '../src/model/train.js';
import type { Predictor } from '../src/model/types.js';
import { loadAnyModelFile, readSklearnFile } from '../src/sklearn/load-any.js';
import { sklearnFixtures } from './sklearn-fixtures.js';

const fx = sklearnFixtures();
const tutorial = fx.models.find((m) => m.file === 'modelo.joblib');
if (!tutorial) throw new Error('modelo.joblib fixture missing');
const config = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'config', 'default-training.json'), 'utf8'),
);

const implementations: Array<[string, () => Predictor]> = [
  ['trained natively', () => createPredictor(trainFromConfig(config))],
  ['read from modelo.joblib', () => loadAnyModelFile(join(fx.dir, 'modelo.joblib'))],
  [
    'converted to JSON and reloaded',
    () => createPredictor(parseArtifact(serializeArtifact(readSklearnFile(join(fx.dir, 'modelo.joblib'))))),
  ],
];

/** The one prediction suite every RandomForestClassifier implementation must pass. */
function predictionSuite(make: () => Predictor): void {
  const p = make();
  test('describes itself like the tutorial forest', () => {
    assert.equal(p.kind, 'RandomForestClassifier');
    assert.equal(p.task, 'classification');
    assert.equal(p.nFeatures, 4);
    assert.deepEqual(p.classes, [0, 1]);
  });
  test("answers scikit-learn's predict and predict_proba bit for bit", () => {
    tutorial?.rows.forEach((row, i) => {
      assert.equal(p.predict(row), tutorial.predict[i]);
      assert.deepEqual(Array.from(p.predictProba(row)), tutorial.proba?.[i]);
    });
  });
  test('refuses rows of the wrong length or with non-finite values', () => {
    for (const row of [
      [0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, Number.NaN, 0, 0],
      [0, 0, Number.POSITIVE_INFINITY, 0],
    ]) {
      assert.throws(() => p.predict(row), PredictInputError);
      assert.throws(() => p.predictProba(row), PredictInputError);
    }
  });
  test('probabilities are a distribution over the classes', () => {
    const proba = p.predictProba([1.5, -0.5, 0.25, 3]);
    assert.equal(proba.length, 2);
    assert.ok(Math.abs((proba[0] ?? 0) + (proba[1] ?? 0) - 1) < 1e-12);
  });
}

for (const [name, make] of implementations) {
  describe(`RandomForestClassifier ${name}`, () => predictionSuite(make));
}
