// formatVersion 2: feature names (rows by name), the kinds only it holds (Pipeline, HistGradientBoosting, linear
// models, trees that take missing values); formatVersion 1 files still load; bad v2 payloads are refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPredictor, FORMAT_VERSION_2, parseArtifact, serializeArtifact } from './artifact.js';
import { ArtifactError } from './errors.js';
import { trainFromConfig } from './train.js';
import type { ModelArtifact } from './types.js';

const v1 = trainFromConfig({
  dataset: {
    make_classification: { n_samples: 80, n_features: 3, n_informative: 2, n_redundant: 0, random_state: 2 },
  },
  model: { RandomForestClassifier: { random_state: 1, max_depth: 3, n_estimators: 2 } },
});

function v2(over: Partial<ModelArtifact> & Record<string, unknown>): string {
  return serializeArtifact({
    ...v1,
    formatVersion: FORMAT_VERSION_2,
    featureNames: ['a', 'b', 'c'],
    ...over,
  } as ModelArtifact);
}

const linear = {
  kind: 'Pipeline' as const,
  nFeatures: 2,
  featureNames: ['size', 'colour'],
  classes: null,
  estimator: {
    steps: [
      {
        kind: 'ColumnTransformer',
        nFeatures: 2,
        parts: [
          {
            columns: [0],
            transformer: { kind: 'StandardScaler', nFeatures: 1, mean: [10], scale: [2], sparse: false },
          },
          {
            columns: [1],
            transformer: {
              kind: 'OneHotEncoder',
              features: [{ categories: ['blue', 'red'], infrequent: null, mapping: null }],
              handleUnknown: 'ignore',
              drop: null,
              nOuts: [2],
            },
          },
        ],
      },
    ],
    final: {
      kind: 'Ridge',
      nFeatures: 3,
      classes: null,
      estimator: { coef: [[1, 10, 100]], intercept: [0.5], proba: 'none' },
    },
  },
};

test('formatVersion 1 still loads; formatVersion 2 carries feature names the schema uses', () => {
  assert.equal(v1.formatVersion, 1);
  assert.equal(createPredictor(parseArtifact(serializeArtifact(v1))).schema.features[0]?.name, null);
  const p = createPredictor(parseArtifact(v2({})));
  assert.deepEqual(
    p.schema.features.map((f) => f.name),
    ['a', 'b', 'c'],
  );
  assert.deepEqual(p.predict([0.1, 0.2, 0.3]), createPredictor(v1).predict([0.1, 0.2, 0.3]));
});

test('a hand-written Pipeline artifact: scaler + one-hot encoder + Ridge, by name, unknown colour all zeros', () => {
  const p = createPredictor(parseArtifact(v2(linear)));
  assert.equal(p.kind, 'Pipeline');
  assert.deepEqual(p.steps, ['ColumnTransformer', 'Ridge']);
  // ((12 - 10) / 2) * 1 + red * 100 + 0.5
  assert.equal(p.predict([12, 'red']), 101.5);
  assert.equal(p.predict([12, 'green']), 1.5);
  assert.deepEqual(p.schema.features, [
    { name: 'size', kind: 'number', acceptsMissing: false },
    {
      name: 'colour',
      kind: 'category',
      acceptsMissing: true,
      categories: ['blue', 'red'],
      acceptsUnknown: true,
    },
  ]);
});

test('bad formatVersion 2 payloads are refused naming the problem', () => {
  const cases: Array<[string, RegExp]> = [
    [
      v2({ featureNames: ['a', 'b'] }),
      /"featureNames" is \["a","b"\]; expected absent, null, or 3 distinct non-empty strings/,
    ],
    [v2({ featureNames: ['a', 'a', 'b'] }), /expected absent, null, or 3 distinct non-empty strings/],
    [
      v2({ ...linear, estimator: { ...linear.estimator, steps: [{ kind: 'PCA' }] } }),
      /unknown transform kind "PCA"; known: StandardScaler/,
    ],
    [
      v2({
        ...linear,
        estimator: {
          ...linear.estimator,
          final: {
            ...linear.estimator.final,
            nFeatures: 4,
            estimator: { coef: [[1, 2, 3, 4]], intercept: [0], proba: 'none' },
          },
        },
      }),
      /the steps give 3 columns, Ridge takes 4/,
    ],
    [
      v2({ kind: 'HistGradientBoostingRegressor', estimator: { loss: 'hinge' } }),
      /loss must be one of binomial/,
    ],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => createPredictor(parseArtifact(text)),
      (e: unknown) => e instanceof ArtifactError && message.test(e.message),
    );
  }
});
