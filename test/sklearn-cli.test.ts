// `lambda-ml convert` end to end (compiled CLI): a joblib file becomes an artifact; bad files give one-line errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createPredictor, parseArtifact, parseArtifactBytes } from '../src/model/artifact.js';
import { MARKER_PATH, sklearnFixtures } from './sklearn-fixtures.js';

const fx = sklearnFixtures();
const cli = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const tmp = mkdtempSync(join(tmpdir(), 'lambda-ml-convert-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function run(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000 });
}

test('convert writes a native artifact that predicts like the joblib file', () => {
  const out = join(tmp, 'm.json');
  const r = run('convert', join(fx.dir, 'gb_clf_multi_zlib.joblib'), '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stderr,
    /converted .*GradientBoostingClassifier, 5 features, classes \["setosa","versicolor","virginica"\], scikit-learn 1\.2\.1\) -> /,
  );
  const artifact = parseArtifact(readFileSync(out, 'utf8'));
  assert.equal(artifact.provenance.source, 'sklearn');
  const m = fx.models.find((e) => e.file === 'gb_clf_multi_zlib.joblib');
  const p = createPredictor(artifact);
  assert.ok(m);
  m.rows.forEach((row, i) => {
    assert.equal(p.predict(row), m.predict[i]);
  });
});

test('convert --format binary writes the binary form, which predicts the same', () => {
  const input = join(tmp, 'gb.joblib');
  copyFileSync(join(fx.dir, 'gb_clf_multi_zlib.joblib'), input);
  const r = run('convert', input, '--format', 'binary');
  assert.equal(r.status, 0, r.stderr);
  const binary = createPredictor(parseArtifactBytes(readFileSync(join(tmp, 'gb.lmlb'))));
  const json = createPredictor(parseArtifact(readFileSync(join(tmp, 'm.json'), 'utf8')));
  const m = fx.models.find((e) => e.file === 'gb_clf_multi_zlib.joblib');
  assert.ok(m);
  for (const row of m.rows) {
    assert.equal(binary.predict(row), json.predict(row));
    assert.deepEqual(binary.predictProba(row), json.predictProba(row));
  }
});

test('convert output is deterministic', () => {
  const a = join(tmp, 'a.json');
  const b = join(tmp, 'b.json');
  assert.equal(run('convert', join(fx.dir, 'modelo.joblib'), '--out', a).status, 0);
  assert.equal(run('convert', join(fx.dir, 'modelo.joblib'), '--out', b).status, 0);
  assert.equal(readFileSync(a, 'utf8'), readFileSync(b, 'utf8'));
});

test('convert refuses a malicious pickle with a one-line error and runs nothing', () => {
  rmSync(MARKER_PATH, { force: true });
  const out = join(tmp, 'evil.json');
  const r = run('convert', join(fx.dir, 'malicious', 'os_system.joblib'), '--out', out);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^lambda-ml: .*refused pickle global posix\.system.*\n$/);
  assert.equal(existsSync(out), false);
  assert.equal(existsSync(MARKER_PATH), false);
});

test('convert explains how to re-save a bz2 file', () => {
  const r = run('convert', join(fx.dir, 'dt_clf.joblib.bz2'), '--out', join(tmp, 'x.json'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bz2-compressed.*compress=\('zlib', 3\)/);
});

test('predict reads a joblib file directly and answers like scikit-learn', () => {
  const m = fx.models.find((e) => e.file === 'modelo.joblib');
  assert.ok(m);
  const input = m.rows.map((row) => JSON.stringify(row)).join('\n');
  const r = spawnSync(process.execPath, [cli, 'predict', '--model', join(fx.dir, 'modelo.joblib')], {
    encoding: 'utf8',
    input,
    timeout: 30_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { prediction: unknown; probabilities: number[] });
  assert.equal(lines.length, m.rows.length);
  assert.ok(m.proba);
  lines.forEach((line, i) => {
    assert.equal(line.prediction, m.predict[i]);
    assert.deepEqual(line.probabilities, m.proba?.[i]);
  });
});
