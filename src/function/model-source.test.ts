// Where the model path comes from, and how a failed load is reported.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Predictor } from '../model/types.js';
import { ModelInitError } from './errors.js';
import { loadModelAtInit, locateModel, looksLikeNativeArtifact } from './model-source.js';

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

describe('looksLikeNativeArtifact', () => {
  it('tells a native artifact (JSON or binary) from pickles, XGBoost JSON/UBJSON and LightGBM text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-sniff-'));
    try {
      const file = (name: string, bytes: string | Buffer) => {
        writeFileSync(join(dir, name), bytes);
        return join(dir, name);
      };
      assert.equal(looksLikeNativeArtifact(file('a.json', '{"format":"lambda-ml-model"}')), true);
      assert.equal(looksLikeNativeArtifact(file('b.json', '\ufeff \n\t{}')), true);
      assert.equal(looksLikeNativeArtifact(file('c.joblib', Buffer.from([0x80, 0x04, 0x95]))), false);
      assert.equal(looksLikeNativeArtifact(file('d.z', Buffer.from([0x78, 0x9c, 0x01]))), false);
      assert.equal(looksLikeNativeArtifact(file('e.txt', '[1, 2]')), false);
      assert.equal(looksLikeNativeArtifact(file('f.lmlb', Buffer.from('894c4d4c0d0a1a0a01', 'hex'))), true);
      assert.equal(looksLikeNativeArtifact(file('g.json', ' {"learner": {}, "version": [1, 7, 4]}')), false);
      assert.equal(
        looksLikeNativeArtifact(file('h.ubj', Buffer.from('{L\x00\x00\x00\x00\x00\x00\x00\x07learner'))),
        false,
      );
      assert.equal(looksLikeNativeArtifact(file('model.json', 'tree\nversion=v4\n')), false);
      assert.equal(
        looksLikeNativeArtifact(join(dir, 'absent.json')),
        true,
        'unreadable files go to the JSON loader for its error',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
