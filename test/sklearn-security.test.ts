// Malicious pickles (os.system, Popen, eval/exec/getattr, a payload inside a nested object array) are refused, and nothing runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SklearnError, UnsafePickleError } from '../src/sklearn/errors.js';
import { readSklearnBytes } from '../src/sklearn/read.js';
import { MARKER_PATH, sklearnFixtures } from './sklearn-fixtures.js';

const fx = sklearnFixtures();
const evilDir = join(fx.dir, 'malicious');
const marker = MARKER_PATH;
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

const PYTHON = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', '']).status === 0);

test('positive control: Python itself runs the os.system payload (so the marker check can fail)', {
  skip: PYTHON === undefined && process.env.CI !== 'true' ? 'needs python3 (not installed here)' : false,
}, () => {
  // A same-length copy of the payload that touches another file, so no test ever sees MARKER appear.
  const control = `${marker.slice(0, -6)}${randomBytes(3).toString('hex')}`;
  const bytes = readFileSync(join(evilDir, 'os_system_p4.pkl')).toString('latin1');
  assert.ok(bytes.includes(marker));
  const tmp = mkdtempSync(join(tmpdir(), 'lambda-ml-control-'));
  const copy = join(tmp, 'control.pkl');
  writeFileSync(copy, Buffer.from(bytes.replace(marker, control), 'latin1'));
  try {
    const py = spawnSync(
      PYTHON ?? 'python3',
      ['-c', 'import pickle,sys; pickle.load(open(sys.argv[1], "rb"))', copy],
      {
        timeout: 60_000,
      },
    );
    assert.equal(py.status, 0, String(py.stderr));
    assert.equal(existsSync(control), true);
  } finally {
    rmSync(control, { force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('every refusal is a typed SklearnError', () => {
  for (const file of files) {
    assert.throws(() => readSklearnBytes(readFileSync(join(evilDir, file))), SklearnError);
  }
});
