// Malicious pickles (os.system, Popen, eval/exec/getattr, a payload inside a nested object array) are refused, and nothing runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SklearnError, UnsafePickleError } from '../src/sklearn/errors.js';
import { readSklearnBytes } from '../src/sklearn/read.js';
import { markerPath, sklearnFixtures } from './sklearn-fixtures.js';

const fx = sklearnFixtures();
const evilDir = join(fx.dir, 'malicious');
const marker = markerPath(fx.dir);
const files = readdirSync(evilDir).filter((f) => f.endsWith('.pkl') || f.endsWith('.joblib'));

const EXPECTED_GLOBAL: Record<string, RegExp> = {
  os_system: /posix\.system/,
  // Protocol 2 writes Python 2 names (__builtin__, commands), which Python 3 maps back on load.
  subprocess_popen: /(subprocess|commands)\.Popen/,
  builtins_eval: /(builtins|__builtin__)\.eval/,
  builtins_exec: /(builtins|__builtin__)\.exec/,
  builtins_getattr: /(builtins|__builtin__)\.(getattr|__import__)/,
  nested_object_array: /posix\.system/,
};

test('there is a malicious fixture for every payload kind', () => {
  assert.ok(files.length >= 17, `only ${files.length} malicious fixtures`);
});

for (const file of files) {
  test(`refuses ${file} naming the global, without running it`, () => {
    rmSync(marker, { force: true });
    const err = (() => {
      try {
        readSklearnBytes(readFileSync(join(evilDir, file)));
      } catch (e) {
        return e;
      }
      return null;
    })();
    assert.ok(err instanceof UnsafePickleError, `expected UnsafePickleError, got ${String(err)}`);
    const key = Object.keys(EXPECTED_GLOBAL).find((k) => file.startsWith(k));
    assert.ok(key, `no expectation for ${file}`);
    assert.match(err.message, EXPECTED_GLOBAL[key] as RegExp);
    assert.match(err.message, /nothing was executed/);
    assert.equal(existsSync(marker), false, 'the payload ran');
  });
}

test('positive control: Python itself runs the os.system payload (so the marker check can fail)', () => {
  // A same-length copy of the payload that touches MARKEP, so no other test ever sees MARKER appear.
  const control = `${marker.slice(0, -1)}P`;
  const bytes = readFileSync(join(evilDir, 'os_system_p4.pkl')).toString('latin1');
  assert.ok(bytes.includes(marker));
  const copy = join(fx.dir, 'control.pkl');
  writeFileSync(copy, Buffer.from(bytes.replace(marker, control), 'latin1'));
  rmSync(control, { force: true });
  const py = spawnSync(
    '/usr/bin/python3',
    ['-c', 'import pickle,sys; pickle.load(open(sys.argv[1], "rb"))', copy],
    {
      timeout: 30_000,
    },
  );
  assert.equal(py.status, 0);
  assert.equal(existsSync(control), true);
  rmSync(control, { force: true });
});

test('every refusal is a typed SklearnError', () => {
  for (const file of files) {
    assert.throws(() => readSklearnBytes(readFileSync(join(evilDir, file))), SklearnError);
  }
});
