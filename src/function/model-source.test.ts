// Where the model path comes from, and how a failed load is reported.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
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

describe('the MODEL_SHA256 pin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-pin-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'model.json');
  writeFileSync(path, '{"the": "model"}\n');
  const sha = createHash('sha256').update('{"the": "model"}\n').digest('hex');
  const predictor = { kind: 'RandomForestClassifier' } as Predictor;

  it('is read from the environment (trimmed, any case) next to MODEL_PATH', () => {
    assert.equal(
      locateModel({ MODEL_PATH: path, MODEL_SHA256: ` ${sha.toUpperCase()}\n` }, '/', '/').sha256,
      sha,
    );
    assert.equal(locateModel({ MODEL_PATH: path }, '/', '/').sha256, undefined);
    assert.equal(locateModel({ MODEL_SHA256: '' }, '/task', '/').sha256, undefined);
  });

  it('refuses a value that is not a sha256, saying what is expected', () => {
    assert.throws(
      () => locateModel({ MODEL_SHA256: 'abc123' }, '/task', '/'),
      (error: unknown) =>
        error instanceof ModelInitError &&
        /^MODEL_SHA256 is "abc123"; expected the model file's sha256 as 64 hex digits/.test(error.message),
    );
  });

  it('loads a file whose bytes match', () => {
    const location = locateModel({ MODEL_PATH: path, MODEL_SHA256: sha }, '/', '/');
    assert.equal(
      loadModelAtInit(location, () => predictor),
      predictor,
    );
  });

  it('refuses any other file before the loader sees it, naming both digests', () => {
    writeFileSync(join(dir, 'edited.json'), '{"the": "model!"}\n');
    const location = locateModel({ MODEL_PATH: join(dir, 'edited.json'), MODEL_SHA256: sha }, '/', '/');
    let loaded = false;
    assert.throws(
      () =>
        loadModelAtInit(location, () => {
          loaded = true;
          return predictor;
        }),
      (error: unknown) =>
        error instanceof ModelInitError &&
        error.message.includes(`edited.json (MODEL_PATH=${join(dir, 'edited.json')}) has sha256 `) &&
        error.message.includes(
          `but MODEL_SHA256 pins ${sha}: it is not the model this function was deployed with`,
        ),
    );
    assert.equal(loaded, false);
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
