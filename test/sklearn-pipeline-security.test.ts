// A code-running object hidden anywhere inside a pipeline (a ColumnTransformer step, an attribute of a forest's
// tree) is refused by name and nothing runs; a FunctionTransformer with a function and an unsupported class are
// refused by name. Positive control: Python's joblib.load of the same file does run the payload.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UnsafePickleError, UnsupportedModelError } from '../src/sklearn/errors.js';
import { loadAnyModelFile } from '../src/sklearn/load-any.js';
import { familySets } from './sklearn-families-fixtures.js';

/** What the payload does when something runs it: `touch lambda-ml-pwned-marker` in the working directory. */
const MARKER = 'lambda-ml-pwned-marker';

function inFreshDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-pwn-'));
  const before = process.cwd();
  process.chdir(dir);
  try {
    return fn(dir);
  } finally {
    process.chdir(before);
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const set of familySets()) {
  for (const m of set.models.filter((e) => e.family === 'malicious')) {
    test(`${set.version} ${m.name}: refused naming the global, and nothing ran`, () => {
      inFreshDir((dir) => {
        assert.throws(
          () => loadAnyModelFile(join(set.dir, m.file)),
          (e: unknown) =>
            e instanceof UnsafePickleError &&
            /refused pickle global posix\.system inside a sklearn\./.test(e.message) &&
            /nothing was executed/.test(e.message),
        );
        assert.equal(existsSync(join(dir, MARKER)), false, 'the payload ran');
      });
    });
  }

  test(`${set.version}: a FunctionTransformer with a function is refused by name, nothing ran`, () => {
    inFreshDir(() => {
      assert.throws(
        () => loadAnyModelFile(join(set.dir, 'refused_function_transformer.joblib')),
        (e: unknown) =>
          e instanceof UnsafePickleError &&
          /^.*refused FunctionTransformer\(func=numpy\.(core\._multiarray_umath\.)?log1p\): a FunctionTransformer runs its function/.test(
            e.message,
          ),
      );
    });
  });

  test(`${set.version}: an unsupported step is refused by its dotted name, with the supported list`, () => {
    assert.throws(
      () => loadAnyModelFile(join(set.dir, 'refused_pca.joblib')),
      (e: unknown) =>
        e instanceof UnsupportedModelError &&
        /unsupported scikit-learn class sklearn\.decomposition\._pca\.PCA inside a sklearn\.pipeline\.Pipeline: lambda-ml reads .*HistGradientBoostingClassifier.*ColumnTransformer.*OneHotEncoder/.test(
          e.message,
        ),
    );
  });
}

test('positive control: Python joblib.load of the hidden-payload pipeline runs it (so the marker check can fail)', (t) => {
  const python = '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', 'import joblib, sklearn'], { timeout: 60_000 });
  if (probe.status !== 0 && process.env.CI !== 'true') {
    t.skip('skipped: no /usr/bin/python3 with joblib and scikit-learn for the positive control');
    return;
  }
  const set = familySets().find((s) => s.version === '1.2.1');
  assert.ok(set, 'the 1.2.1 fixture set (Debian python loads it)');
  inFreshDir((dir) => {
    const run = spawnSync(
      python,
      [
        '-c',
        'import joblib, sys; joblib.load(sys.argv[1])',
        join(set.dir, 'malicious_in_column_transformer.joblib'),
      ],
      {
        cwd: dir,
        timeout: 60_000,
        encoding: 'utf8',
      },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(
      existsSync(join(dir, MARKER)),
      true,
      'Python did not run the payload: the fixture is not malicious',
    );
  });
});
