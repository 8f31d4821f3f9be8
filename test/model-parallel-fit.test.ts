// Forest training on worker threads (n_jobs / --jobs, compiled dist/ where the worker script lives):
// the artifact is the one-thread artifact byte for byte, n_jobs reads as scikit-learn's, and bad
// values or a tree that fails on a worker come back as clear errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as TrainCommand from '../src/cli/commands/train.js';
import type * as Artifact from '../src/model/artifact.js';
import type * as ParallelFit from '../src/model/parallel-fit.js';
import type * as Train from '../src/model/train.js';

const dist = (m: string) => new URL(`../dist/${m}.js`, import.meta.url).href;
const { trainFromConfig, trainFromConfigParallel } = (await import(dist('model/train'))) as typeof Train;
const { serializeArtifact } = (await import(dist('model/artifact'))) as typeof Artifact;
const { resolveJobs } = (await import(dist('model/parallel-fit'))) as typeof ParallelFit;
const { parseJobs } = (await import(dist('cli/commands/train'))) as typeof TrainCommand;

const dataset = {
  make_classification: { n_samples: 600, n_features: 8, n_informative: 4, random_state: 5 },
};

for (const model of [
  { RandomForestRegressor: { n_estimators: 7, random_state: 11 } },
  { RandomForestClassifier: { n_estimators: 5, max_depth: 6, class_weight: 'balanced', random_state: 3 } },
  { RandomForestClassifier: { n_estimators: 4, bootstrap: false, random_state: 0 } },
]) {
  const kind = Object.keys(model)[0];
  test(`n_jobs=2 trains the n_jobs=1 forest, byte for byte: ${kind} ${JSON.stringify(Object.values(model)[0])}`, async () => {
    const config = { dataset, model };
    const one = serializeArtifact(trainFromConfig(config));
    const done: number[] = [];
    const two = await trainFromConfigParallel(config, { jobs: 2, onTree: (d) => done.push(d) });
    assert.equal(serializeArtifact(two), one);
    const nTrees = (Object.values(model)[0] as { n_estimators: number }).n_estimators;
    assert.deepEqual(
      done,
      Array.from({ length: nTrees }, (_, i) => i + 1),
      'progress counts every tree once',
    );
  });
}

test("the config's n_jobs is used when no jobs are given, and only the provenance shows it", async () => {
  const model = (extra: object) => ({
    RandomForestRegressor: { n_estimators: 3, random_state: 2, ...extra },
  });
  const plain = trainFromConfig({ dataset, model: model({}) });
  const threaded = await trainFromConfigParallel({ dataset, model: model({ n_jobs: -1 }) });
  assert.deepEqual(threaded.estimator, plain.estimator);
});

test('n_jobs reads as joblib reads it', () => {
  assert.equal(resolveJobs(null, 10, 8), 1);
  assert.equal(resolveJobs(3, 10, 8), 3);
  assert.equal(resolveJobs(-1, 10, 8), 8);
  assert.equal(resolveJobs(-2, 10, 8), 7);
  assert.equal(resolveJobs(-20, 10, 8), 1);
  assert.equal(resolveJobs(16, 4, 8), 4, 'never more threads than trees');
  assert.throws(() => resolveJobs(0, 10), /n_jobs is 0; expected a non-zero integer or null/);
});

test('--jobs takes a non-zero integer and says what it expected otherwise', () => {
  assert.equal(parseJobs('2'), 2);
  assert.equal(parseJobs('-1'), -1);
  for (const bad of ['0', 'two', '1.5', '', '2x']) {
    assert.throws(() => parseJobs(bad), /expected a non-zero integer \(threads; -1 = every core/);
  }
});

test('a tree that fails on a worker thread rejects with the configuration error', async () => {
  const config = {
    dataset,
    model: { RandomForestRegressor: { n_estimators: 4, max_features: 50, random_state: 0 } },
  };
  await assert.rejects(trainFromConfigParallel(config, { jobs: 2 }), (e: Error) => {
    assert.equal(e.name, 'ModelConfigError');
    assert.match(e.message, /max_features=50 gives 50; it must be in \(0, n_features=8\]/);
    return true;
  });
  assert.throws(() => trainFromConfig(config), /max_features=50 gives 50/);
});
