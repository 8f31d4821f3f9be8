// XGBoost and LightGBM files through the compiled CLI: `lambda-ml predict --model` and `lambda-ml serve
// --model` (the built-in prediction handler with MODEL_PATH, in the emulator's runtime), each answering
// as the library does on the fixture rows. The files are told by their bytes: an XGBoost UBJSON file
// named model.json (the name the container image gives every model) is read as UBJSON.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { serveAll } from './serve-helpers.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const tmp = mkdtempSync(join(tmpdir(), 'lambda-ml-boosted-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

type Cell = number | string | null;
interface Fixture {
  readonly path: string;
  readonly rows: Cell[][];
  readonly predict: Array<number | string>;
  readonly proba?: number[][];
}

/** A fixture file and what its library answered for its rows (null = missing). */
function fixture(library: 'xgboost' | 'lightgbm', file: string): Fixture {
  const dir = join(root, 'test', 'fixtures', library);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
  const m = expected.models.find((e: { file: string }) => e.file === file);
  assert.ok(m?.predict, `${library}/${file} with predict is not in expected.json`);
  return { path: join(dir, file), rows: expected.datasets[m.dataset], predict: m.predict, proba: m.proba };
}

function ulps(a: number, b: number): number {
  const i = new BigInt64Array(new Float64Array([a, b]).buffer);
  const d = (i[0] as bigint) - (i[1] as bigint);
  return Number(d < 0n ? -d : d);
}

/** `lambda-ml predict --model path` on every fixture row (JSON lines, null for missing). */
function predictCli(path: string, fx: Fixture, probaUlps: number): void {
  const r = spawnSync(process.execPath, [cli, 'predict', '--model', path], {
    encoding: 'utf8',
    input: fx.rows.map((row) => JSON.stringify(row)).join('\n'),
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { prediction: unknown; probabilities: number[] });
  assert.equal(lines.length, fx.rows.length);
  lines.forEach((line, i) => {
    assert.equal(line.prediction, fx.predict[i], `row ${i}`);
    fx.proba?.[i]?.forEach((q, k) => {
      const got = line.probabilities[k] as number;
      assert.ok(ulps(got, q) <= probaUlps, `row ${i} class ${k}: ${got} vs ${q}`);
    });
  });
}

test('predict reads an XGBoost UBJSON file named model.json by its bytes, answers bit for bit', () => {
  const fx = fixture('xgboost', 'binary.ubj');
  const renamed = join(tmp, 'model.json');
  copyFileSync(fx.path, renamed);
  predictCli(renamed, fx, 0);
});

test('predict reads a joblib LGBMClassifier with string labels, answers as LightGBM', () => {
  const fx = fixture('lightgbm', 'string_labels.joblib');
  predictCli(fx.path, fx, 4);
});

/** `serve --model path`, called once with `body`; returns the answer. */
async function serveOnce(path: string, body: string): Promise<string> {
  return ((await serveAll(path, [body])) as [string])[0];
}

for (const [library, file, what] of [
  ['xgboost', 'dart.json', 'an XGBoost dart regressor (JSON, bare NaN tokens)'],
  ['lightgbm', 'categorical.pkl', 'a pickled LGBMClassifier with pandas categories (unseen ones included)'],
] as const) {
  test(`serve --model answers a batch of ${what} as the library does`, { timeout: 160_000 }, async () => {
    const fx = fixture(library, file);
    const answer = await serveOnce(fx.path, JSON.stringify({ data: fx.rows }));
    assert.deepEqual(JSON.parse(answer), { statusCode: 200, body: fx.predict });
  });
}
