// The tutorial config: tree 0 equals the spec's worked example and predict_proba/predict match sklearn.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createPredictor, parseArtifact, serializeArtifact } from './artifact.js';
import { trainFromConfig } from './train.js';
import type { FlatTree } from './types.js';

const config = JSON.parse(
  readFileSync(new URL('../../config/default-training.json', import.meta.url), 'utf8'),
);

test('tutorial forest: tree 0 is the spec worked example', () => {
  const artifact = trainFromConfig(config);
  const trees = (artifact.estimator as { trees: FlatTree[] }).trees;
  assert.equal(trees.length, 100);
  const t = trees[0] as FlatTree;
  assert.deepEqual(t.feature, [0, 1, -2, -2, 3, -2, -2]);
  assert.deepEqual(
    t.threshold,
    [1.5395474433898926, -0.2773285359144211, -2, -2, -0.018994887825101614, -2, -2],
  );
  assert.deepEqual(t.childrenLeft, [1, 2, -1, -1, 5, -1, -1]);
  assert.deepEqual(t.childrenRight, [4, 3, -1, -1, 6, -1, -1]);
  assert.deepEqual(t.nNodeSamples, [636, 559, 305, 254, 77, 36, 41]);
  assert.deepEqual(t.weightedNNodeSamples, [1000, 893, 490, 403, 107, 50, 57]);
  assert.deepEqual(t.value, [530, 470, 493, 400, 476, 14, 17, 386, 37, 70, 9, 41, 28, 29]);
  assert.deepEqual(
    t.impurity,
    [
      0.4982, 0.49457708267237155, 0.05551020408163265, 0.08080832958764606, 0.45244126124552364, 0.2952,
      0.49984610649430594,
    ],
  );
});

test('tutorial forest: predict_proba([[0,0,0,0]]) and predict are scikit-learn 1.2.1 bit for bit', () => {
  const text = serializeArtifact(trainFromConfig(config));
  const predictor = createPredictor(parseArtifact(text));
  assert.deepEqual(
    Array.from(predictor.predictProba([0, 0, 0, 0])),
    [0.1780616183476214, 0.8219383816523785],
  );
  assert.equal(predictor.predict([0, 0, 0, 0]), 1);
  assert.equal(serializeArtifact(trainFromConfig(config)), text, 'same config, same bytes');
});
