// Where the model path comes from, and how a failed load is reported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Predictor } from '../model/types.js';
import { ModelInitError } from './errors.js';
import { loadModelAtInit, locateModel } from './model-source.js';

describe('locateModel', () => {
  it('uses MODEL_PATH, relative to the working directory', () => {
    assert.deepEqual(locateModel({ MODEL_PATH: 'models/m.json' }, '/task/function', '/task'), {
      path: '/task/models/m.json',
      origin: 'MODEL_PATH=models/m.json',
    });
    assert.equal(locateModel({ MODEL_PATH: '/opt/m.json' }, '/task/function', '/task').path, '/opt/m.json');
  });

  it('defaults to model.json next to the handler when MODEL_PATH is unset or empty', () => {
    assert.equal(locateModel({}, '/task/function', '/elsewhere').path, '/task/function/model.json');
    assert.equal(
      locateModel({ MODEL_PATH: '' }, '/task/function', '/elsewhere').path,
      '/task/function/model.json',
    );
  });
});

describe('loadModelAtInit', () => {
  it('returns the loaded predictor and loads the given path once', () => {
    const seen: string[] = [];
    const predictor = { kind: 'RandomForestClassifier' } as Predictor;
    const loaded = loadModelAtInit({ path: '/m.json', origin: 'MODEL_PATH=/m.json' }, (path) => {
      seen.push(path);
      return predictor;
    });
    assert.equal(loaded, predictor);
    assert.deepEqual(seen, ['/m.json']);
  });

  it('wraps a failure in ModelInitError naming the path and where it came from', () => {
    const cause = new Error('cannot read model file /m.json (ENOENT)');
    assert.throws(
      () =>
        loadModelAtInit({ path: '/m.json', origin: 'MODEL_PATH=/m.json' }, () => {
          throw cause;
        }),
      (error: unknown) =>
        error instanceof ModelInitError &&
        error.message ===
          'cannot load the model from /m.json (MODEL_PATH=/m.json): cannot read model file /m.json (ENOENT)' &&
        error.cause === cause,
    );
  });
});
