// The worker-thread batch predictor (compiled dist/, where its worker script lives) returns exactly
// the single-threaded numbers, for classifiers and regressors, and its threads stop on close().
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as Parallel from '../src/model/parallel-predict.js';
import type * as Train from '../src/model/train.js';
import type * as Ensemble from '../src/model/tree-ensemble.js';
import type { FlatTree } from '../src/model/types.js';

const dist = (m: string) => new URL(`../dist/model/${m}.js`, import.meta.url).href;
const { createParallelPredictor } = (await import(dist('parallel-predict'))) as typeof Parallel;
const { createTreeEnsemblePredictor } = (await import(dist('tree-ensemble'))) as typeof Ensemble;
const { trainFromConfig } = (await import(dist('train'))) as typeof Train;

for (const kind of ['RandomForestClassifier', 'RandomForestRegressor'] as const) {
  test(`parallel batch prediction equals the single-threaded one: ${kind}`, async () => {
    const a = trainFromConfig({
      dataset: {
        make_classification: {
          n_samples: 300,
          n_features: 6,
          n_classes: 3,
          n_informative: 3,
          random_state: 2,
        },
      },
      model: { [kind]: { n_estimators: 7, random_state: 1 } },
    });
    const task = kind.endsWith('Classifier') ? 'classification' : 'regression';
    const spec = {
      kind,
      task,
      nFeatures: 6,
      classes: a.classes,
      trees: (a.estimator as { trees: FlatTree[] }).trees,
      aggregation: 'mean',
    } as const;
    const rows = Float64Array.from({ length: 1003 * 6 }, (_, i) => Math.sin(i * 0.37) * 3);
    const single = createTreeEnsemblePredictor(spec);
    const expected =
      task === 'classification' ? single.predictProbaBatch(rows, 1003) : single.predictValueBatch(rows, 1003);
    const parallel = createParallelPredictor(spec, 3);
    try {
      assert.equal(parallel.threads, 3);
      const got = await parallel.predictBatch(rows, 1003);
      assert.deepEqual(Array.from(got), Array.from(expected));
      const again = await parallel.predictBatch(rows.subarray(0, 5 * 6), 5);
      assert.deepEqual(
        Array.from(again),
        Array.from(expected.subarray(0, (task === 'classification' ? 3 : 1) * 5)),
      );
    } finally {
      await parallel.close();
    }
  });
}
