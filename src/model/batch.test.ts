// predictBatch: every kind's batch answers equal its one-row answers; predictors without a batch
// method fall back to the row loop; a malformed batch is refused with PredictInputError.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPredictor } from './artifact.js';
import { predictBatch, predictRowByRow } from './batch.js';
import { PredictInputError } from './errors.js';
import { TRAINABLE } from './params.js';
import { trainFromConfig } from './train.js';

const dataset = {
  make_classification: {
    n_samples: 200,
    n_features: 4,
    n_classes: 3,
    n_informative: 3,
    n_redundant: 1,
    random_state: 2,
  },
};
const rows = Array.from({ length: 37 * 4 }, (_, i) => Math.sin(i * 1.7) * 3);

test('batch answers equal one-row answers for every trainable kind', () => {
  for (const kind of TRAINABLE) {
    const p = createPredictor(
      trainFromConfig({
        dataset,
        model: {
          [kind]: {
            random_state: 3,
            max_depth: 5,
            ...(kind.startsWith('Random') ? { n_estimators: 7 } : {}),
          },
        },
      }),
    );
    const classifier = p.task === 'classification';
    const fast = predictBatch(p, rows, 37, classifier);
    const slow = predictRowByRow(p, rows, 37, classifier);
    assert.deepEqual(fast.predictions, slow.predictions, kind);
    assert.deepEqual(fast.probabilities, slow.probabilities, kind);
    if (!classifier) assert.throws(() => predictBatch(p, rows, 37, true), PredictInputError);
  }
});

test('a predictor without predictBatch is served row by row', () => {
  const p = createPredictor(
    trainFromConfig({ dataset, model: { DecisionTreeClassifier: { random_state: 0 } } }),
  );
  const { predictBatch: _fast, ...plain } = p;
  const got = predictBatch(plain, rows, 37, true);
  assert.deepEqual(got, predictBatch(p, rows, 37, true));
});

test('malformed batches are refused', () => {
  const p = createPredictor(
    trainFromConfig({ dataset, model: { RandomForestClassifier: { random_state: 0, n_estimators: 2 } } }),
  );
  assert.throws(() => predictBatch(p, rows, 36), /a batch of 36 rows of 4 features has 144 values, got 148/);
  assert.throws(
    () => predictBatch(p, [0, 0, 1e39, 0], 1),
    /row 0 feature 2 is 1e\+39; expected a finite number within float32 range/,
  );
  assert.throws(() => predictBatch(p, [0, 'a', 0, 0], 1), /row 0 feature 1 is "a"/);
});
