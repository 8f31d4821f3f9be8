// Numbers too large for the model: a tree model (float32, as scikit-learn casts X for trees) refuses a
// value beyond float32's range with a 400 naming the field and the feature; a float64 model whose answer
// overflows (inf/nan, which JSON cannot carry) refuses the row with a 400 instead of answering null.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createPredictionHandler } from '../src/function/predict.js';
import { loadAnyModelFile } from '../src/readers/load-any.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const handlerOf = (file: string) => createPredictionHandler(loadAnyModelFile(join(FIXTURES, file)));

async function answer(file: string, payload: unknown): Promise<{ statusCode: number; body: unknown }> {
  return (await handlerOf(file)(payload)) as { statusCode: number; body: unknown };
}

describe('a value beyond float32 range for a model that casts to float32', () => {
  it('is a 400 naming the field and the feature by name (RandomForestClassifier with feature names)', async () => {
    const row = { f0: 0, f1: 1e308, f2: 0, f3: 0, f4: 0 };
    assert.deepEqual(await answer('sklearn-1.2.1/rf_named.joblib', { data: [row, { ...row, f1: 0 }] }), {
      statusCode: 400,
      body: {
        error: `data[0].f1 is 1e+308, beyond float32's range: feature "f1" is cast to float32 by this model (as scikit-learn's trees and XGBoost do), so expected a number within ±3.4028234663852886e+38`,
      },
    });
  });

  for (const [file, value] of [
    ['sklearn-families/1.9.1/dt_clf.joblib', -1e308],
    ['sklearn-families/1.9.1/gb_reg.joblib', 1e39],
    ['xgboost/binary.json', 3.5e38],
  ] as const) {
    it(`${file}: ${value} is a 400 naming data[2]`, async () => {
      const r = await answer(file, { data: [0, 0, value, 0, 0] });
      assert.equal(r.statusCode, 400);
      assert.match(
        (r.body as { error: string }).error,
        new RegExp(
          `^data\\[2\\] is ${String(value).replace('+', '\\+')}, beyond float32's range: feature (2|"f2") is cast to float32`,
        ),
      );
    });
  }

  it('the largest float32 and what rounds to it are accepted, as numpy casts them', async () => {
    for (const value of [3.4028234663852886e38, 3.4028235e38, -3.4028235e38]) {
      const r = await answer('sklearn-families/1.9.1/dt_clf.joblib', { data: [value, 0, 0, 0, 0] });
      assert.equal(r.statusCode, 200, `${value}: ${JSON.stringify(r.body)}`);
    }
  });

  it('through a Function URL event: a 400 response, not a function error', async () => {
    const handler = handlerOf('sklearn-1.2.1/rf_named.joblib');
    const event = {
      version: '2.0',
      rawPath: '/',
      requestContext: { http: { method: 'POST' } },
      body: '{"data": [0, 1e308, 0, 0, 0]}',
      isBase64Encoded: false,
    };
    const r = (await handler(event)) as { statusCode: number; body: string };
    assert.equal(r.statusCode, 400);
    assert.match(JSON.parse(r.body).error, /^data\[1\] is 1e\+308, beyond float32's range: feature "f1"/);
  });
});

describe('a float64 model whose answer overflows', () => {
  it('accepts 1e308 where scikit-learn does (LinearRegression, HistGradientBoosting: float64)', async () => {
    for (const file of ['sklearn-families/1.9.1/linreg.joblib', 'sklearn-families/1.9.1/hgb_reg.joblib']) {
      const r = await answer(file, { data: [1e308, 0, 0, 0, 0] });
      assert.equal(r.statusCode, 200, file);
      assert.equal(typeof r.body, 'number');
      assert.ok(Number.isFinite(r.body as number), `${file}: ${r.body}`);
    }
  });

  it('refuses a row whose prediction is -inf with a 400 naming the row and its largest value, not null', async () => {
    const r = await answer('sklearn-families/1.9.1/linreg.joblib', {
      data: [
        [1, 2, 3, 4, 5],
        [1e300, 1.7e308, 1e308, 0, 0],
      ],
    });
    assert.deepEqual(r, {
      statusCode: 400,
      body: {
        error:
          "data[1]: the model's answer for this row is -Infinity, not a finite number: its values are too large for the model's float64 arithmetic (its largest: feature 1 = 1.7e+308); scikit-learn would answer inf or nan, which JSON cannot carry",
      },
    });
  });

  it('refuses NaN probabilities the same way (LogisticRegression predict_proba)', async () => {
    const row = [1.7e308, 1.7e308, 1.7e308, 1.7e308, 1.7e308];
    const r = await answer('sklearn-families/1.9.1/lr_multi.joblib', { data: row, probabilities: true });
    assert.equal(r.statusCode, 400);
    assert.match(
      (r.body as { error: string }).error,
      /^data: the model's answer for this row is NaN, not a finite number/,
    );
  });
});
