// Rows by name and by position through the prediction handler for XGBoost and LightGBM models that store
// feature names: `null` is a missing value in arrays and objects alike, and both answer the library's labels.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createPredictionHandler } from '../src/function/predict.js';
import { loadAnyModelFile } from '../src/readers/load-any.js';

const root = join(import.meta.dirname, 'fixtures');

for (const [library, file] of [
  ['xgboost', 'categorical.json'],
  ['lightgbm', 'categorical.pkl'],
  ['lightgbm', 'multiclass.pkl'],
] as const) {
  test(`${library}/${file}: every row by name and by position, null as missing, answers the library's labels`, async () => {
    const expected = JSON.parse(readFileSync(join(root, library, 'expected.json'), 'utf8'));
    const m = expected.models.find((e: { file: string }) => e.file === file);
    const rows: Array<Array<number | string | null>> = expected.datasets[m.dataset];
    assert.ok(
      rows.some((r) => r.includes(null)),
      'the fixture rows must hold missing values',
    );
    const p = loadAnyModelFile(join(root, library, file));
    const names = p.schema.features.map((f) => f.name);
    assert.ok(
      names.every((n) => n !== null),
      'the model stores feature names',
    );
    const handle = createPredictionHandler(p);
    const byName = rows.map((r) => Object.fromEntries(names.map((n, j) => [n, r[j]])));
    for (const data of [rows, byName]) {
      const answer = (await handle({ data })) as { statusCode: number; body: unknown };
      assert.deepEqual(answer, { statusCode: 200, body: m.predict });
    }
  });
}
