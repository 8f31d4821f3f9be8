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
    // Enough rows for several blocks per thread (the first of each is 1,024 rows, the last ones shared out).
    const n = 20_011;
    const rows = Float64Array.from({ length: n * 6 }, (_, i) => Math.sin(i * 0.37) * 3);
    const single = createTreeEnsemblePredictor(spec);
    const expected =
      task === 'classification' ? single.predictProbaBatch(rows, n) : single.predictValueBatch(rows, n);
    const K = task === 'classification' ? 3 : 1;
    const parallel = createParallelPredictor(spec, 3);
    try {
      assert.equal(parallel.threads, 3);
      const got = await parallel.predictBatch(rows, n);
      assert.deepEqual(Array.from(got), Array.from(expected));
      // Batches sent together take turns and each gets its own rows' answers.
      const [small, again] = await Promise.all([
        parallel.predictBatch(rows.subarray(0, 5 * 6), 5),
        parallel.predictBatch(Array.from(rows.subarray(0, 3001 * 6)), 3001),
      ]);
      assert.deepEqual(Array.from(small), Array.from(expected.subarray(0, K * 5)));
      assert.deepEqual(Array.from(again), Array.from(expected.subarray(0, K * 3001)));
      // A value float32 cannot hold deep in the batch: refused naming its row, and the predictor still works.
      const bad = rows.slice();
      bad[12_345 * 6 + 2] = 1e39;
      await assert.rejects(parallel.predictBatch(bad, n), /row 12345 feature 2 is 1e\+39/);
      assert.deepEqual(Array.from(await parallel.predictBatch(rows, n)), Array.from(expected));
    } finally {
      await parallel.close();
    }
  });
}
