// Bad model files and bad requests get clear, typed errors: truncation, wrong magic, codecs, estimators, versions, feature counts.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PredictInputError } from '../src/model/errors.js';
import { UnknownModelFormatError } from '../src/readers/errors.js';
import {
  ModelFileError,
  PickleFormatError,
  UnsupportedCompressionError,
  UnsupportedModelError,
} from '../src/sklearn/errors.js';
import { loadAnyModelFile } from '../src/sklearn/load-any.js';
import { readSklearnBytes } from '../src/sklearn/read.js';
import { sklearnFixtures } from './sklearn-fixtures.js';

const fx = sklearnFixtures();
const tmp = mkdtempSync(join(tmpdir(), 'lambda-ml-sklearn-errors-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

test('a truncated joblib file is a PickleFormatError naming the path and the truncation', () => {
  const full = readFileSync(join(fx.dir, 'modelo.joblib'));
  for (const cut of [1, 100, 900, 920, full.length - 1]) {
    const path = write(`cut-${cut}.joblib`, full.subarray(0, cut));
    assert.throws(
      () => loadAnyModelFile(path),
      (e: Error) => {
        assert.ok(e instanceof PickleFormatError, `${cut}: ${e.name}: ${e.message}`);
        assert.ok(e.message.startsWith(path), e.message);
        assert.match(e.message, /truncated|underflow|not a pickle/);
        return true;
      },
    );
  }
});

test('a truncated zlib file is a clear error', () => {
  const full = readFileSync(join(fx.dir, 'modelo_z3.joblib'));
  const path = write('cut.z.joblib', full.subarray(0, full.length / 2));
  assert.throws(() => loadAnyModelFile(path), /corrupt zlib stream|truncated/);
});

test('wrong magic: neither JSON nor a pickle container (nor XGBoost/LightGBM): the accepted formats are listed', () => {
  const path = write('notes.joblib', Buffer.from('hello, this is not a model\n'));
  assert.throws(
    () => loadAnyModelFile(path),
    (e: Error) => {
      assert.ok(e instanceof UnknownModelFormatError);
      assert.match(
        e.message,
        /not a model file lambda-ml reads \(it starts with 68 65 6c 6c .*accepted: .*joblib/,
      );
      return true;
    },
  );
});

test('bz2, xz and lzma joblib files say how to re-save', () => {
  for (const ext of ['bz2', 'xz', 'lzma']) {
    assert.throws(
      () => readSklearnBytes(readFileSync(join(fx.dir, `dt_clf.joblib.${ext}`))),
      (e: Error) => {
        assert.ok(e instanceof UnsupportedCompressionError);
        assert.match(e.message, new RegExp(`${ext}-compressed`));
        assert.match(e.message, /compress=\('zlib', 3\)/);
        return true;
      },
    );
  }
});

test('an unsupported estimator is named, with the supported list', () => {
  assert.throws(
    () => loadAnyModelFile(join(fx.dir, 'unsupported', 'svc.joblib')),
    (e: Error) => {
      assert.ok(e instanceof UnsupportedModelError);
      assert.match(e.message, /sklearn\.svm\._classes\.SVC/);
      assert.match(e.message, /RandomForestClassifier/);
      return true;
    },
  );
});

test('a multi-output model is refused, saying only single-output models are read', () => {
  assert.throws(
    () => loadAnyModelFile(join(fx.dir, 'unsupported', 'multi_output.joblib')),
    (e: Error) => {
      assert.ok(e instanceof UnsupportedModelError);
      assert.match(e.message, /2 outputs; only single-output models are supported/);
      return true;
    },
  );
});

test('an unknown scikit-learn version is named, with the supported range', () => {
  assert.throws(
    () => loadAnyModelFile(join(fx.dir, 'unsupported', 'future_version.joblib')),
    (e: Error) => {
      assert.ok(e instanceof UnsupportedModelError);
      assert.match(e.message, /scikit-learn 9\.1\.0/);
      assert.match(e.message, /0\.22 to 1\.9\.x \(verified with 1\.2\.1, 1\.6\.1, 1\.9\.1\)/);
      return true;
    },
  );
});

test('a missing file is a ModelFileError naming the path', () => {
  const path = join(tmp, 'nope.joblib');
  assert.throws(
    () => loadAnyModelFile(path),
    (e: Error) => e instanceof ModelFileError && e.message.includes(path),
  );
});

test('a request whose feature count differs from the model is a PredictInputError', () => {
  for (const file of ['modelo.joblib', 'gb_clf_multi.joblib', 'lr_ovr.joblib', 'gb_reg.joblib']) {
    const p = loadAnyModelFile(join(fx.dir, file));
    const row = new Array(p.nFeatures + 1).fill(0);
    assert.throws(
      () => p.predict(row),
      (e: Error) => {
        assert.ok(e instanceof PredictInputError, `${file}: ${e.name}`);
        assert.match(e.message, new RegExp(`${p.nFeatures}`));
        return true;
      },
    );
  }
});

test('numpy 2 module names (numpy._core) read the same as numpy.core', () => {
  const p2 = readFileSync(join(fx.dir, 'rf_clf_str_p2.pkl')).toString('latin1');
  assert.ok(p2.includes('numpy.core.multiarray\n'));
  const renamed = Buffer.from(p2.replaceAll('numpy.core.multiarray\n', 'numpy._core.multiarray\n'), 'latin1');
  const a = loadAnyModelFile(write('np2.pkl', renamed));
  const b = loadAnyModelFile(join(fx.dir, 'rf_clf_str_p2.pkl'));
  const row = [0.5, -1, 2, 0.25, 1];
  assert.deepEqual(Array.from(a.predictProba(row)), Array.from(b.predictProba(row)));
});
