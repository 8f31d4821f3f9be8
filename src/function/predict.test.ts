// The prediction handler over small hand-written Predictors: answers, batches, HTTP events and every bad input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Predictor, positionalSchema } from '../model/types.js';
import { createPredictionHandler, sampleRow, warmUp } from './predict.js';
import { MAX_ROWS } from './request.js';

/** Class 1 when x0 + x1 > 0; probabilities are a deterministic function of the row. */
const classifier: Predictor = {
  kind: 'RandomForestClassifier',
  task: 'classification',
  nFeatures: 4,
  schema: positionalSchema(4),
  classes: [0, 1],
  predict: (row) => (Number(row[0]) + Number(row[1]) > 0 ? 1 : 0),
  predictProba: (row) =>
    Number(row[0]) + Number(row[1]) > 0 ? Float64Array.of(0.25, 0.75) : Float64Array.of(0.9, 0.1),
};

const labelled: Predictor = {
  ...classifier,
  classes: ['no', 'yes'],
  predict: (row) => (Number(row[0]) > 0 ? 'yes' : 'no'),
};

const regressor: Predictor = {
  kind: 'RandomForestRegressor',
  task: 'regression',
  nFeatures: 2,
  schema: positionalSchema(2),
  classes: null,
  predict: (row) => Number(row[0]) * 2 + Number(row[1]),
  predictProba: () => {
    throw new Error('predictProba called on a regressor');
  },
};

const handle = createPredictionHandler(classifier);

describe('prediction handler: direct invocation', () => {
  it('answers one row with its class', async () => {
    assert.deepEqual(await handle({ data: [1, 2, 3, 4] }), { statusCode: 200, body: 1 });
    assert.deepEqual(await handle({ data: [-1, -2, 3, 4] }), { statusCode: 200, body: 0 });
    assert.deepEqual(await createPredictionHandler(labelled)({ data: [1, 0, 0, 0] }), {
      statusCode: 200,
      body: 'yes',
    });
  });

  it('answers a batch with an array of classes in row order', async () => {
    const reply = await handle({
      data: [
        [1, 1, 0, 0],
        [-5, 0, 0, 0],
        [0, 0.5, 0, 0],
      ],
    });
    assert.deepEqual(reply, { statusCode: 200, body: [1, 0, 1] });
  });

  it('adds probabilities in classes order when asked, for one row or a batch', async () => {
    assert.deepEqual(await handle({ data: [1, 1, 0, 0], probabilities: true }), {
      statusCode: 200,
      body: { prediction: 1, probabilities: [0.25, 0.75] },
    });
    assert.deepEqual(
      await handle({
        data: [
          [1, 1, 0, 0],
          [-1, -1, 0, 0],
        ],
        probabilities: true,
      }),
      {
        statusCode: 200,
        body: [
          { prediction: 1, probabilities: [0.25, 0.75] },
          { prediction: 0, probabilities: [0.9, 0.1] },
        ],
      },
    );
    assert.deepEqual(await handle({ data: [1, 1, 0, 0], probabilities: false }), {
      statusCode: 200,
      body: 1,
    });
  });

  it('answers regressors with values', async () => {
    const reg = createPredictionHandler(regressor);
    assert.deepEqual(await reg({ data: [1.5, 1] }), { statusCode: 200, body: 4 });
    assert.deepEqual(
      await reg({
        data: [
          [1, 0],
          [0, 1],
        ],
      }),
      { statusCode: 200, body: [2, 1] },
    );
  });

  it(`accepts exactly ${MAX_ROWS} rows`, async () => {
    const rows = Array.from({ length: MAX_ROWS }, (_, i) => [i % 2 ? 1 : -1, 0, 0, 0]);
    const reply = (await handle({ data: rows })) as { statusCode: number; body: number[] };
    assert.equal(reply.statusCode, 200);
    assert.equal(reply.body.length, MAX_ROWS);
    assert.deepEqual(reply.body.slice(0, 3), [0, 1, 0]);
  });
});

describe('prediction handler: bad input gets 400 naming the problem', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['no data', {}, /^missing "data"; expected \{"data": \[x1, \.\.\., x4\] \(4 values in model order\)\}/],
    ['data is a string', { data: 'abc' }, /^"data" is a string \("abc"\); expected/],
    [
      'data is an object for a model without feature names',
      { data: { a: 1 } },
      /^data is an object, but this model knows no feature names \(it was fitted on an array\); send \[x1/,
    ],
    ['data is null', { data: null }, /^"data" is null; expected/],
    ['empty data', { data: [] }, /^"data" is empty; expected 4 values or at least one row$/],
    ['short row', { data: [1, 2, 3] }, /^data has 3 values; the model expects 4 features$/],
    [
      'long row in a batch',
      {
        data: [
          [1, 2, 3, 4],
          [1, 2, 3, 4, 5],
        ],
      },
      /^data\[1\] has 5 values; the model expects 4 features$/,
    ],
    ['empty row in a batch', { data: [[]] }, /^data\[0\] has 0 values; the model expects 4 features$/],
    ['string value', { data: [1, '2', 3, 4] }, /^data\[1\] is a string \("2"\); expected a finite number$/],
    ['boolean value', { data: [[1, 2, 3, true]] }, /^data\[0\]\[3\] is a boolean; expected a finite number$/],
    [
      'null (a NaN sent as JSON)',
      { data: [1, null, 3, 4] },
      /^data\[1\] is null \(a missing value\), but feature 1 does not accept missing values; expected a finite number$/,
    ],
    ['NaN', { data: [Number.NaN, 1, 2, 3] }, /^data\[0\] is NaN \(a missing value\), but feature 0 does not/],
    [
      'Infinity (1e999 in JSON)',
      JSON.parse('{"data": [1, 1e999, 3, 4]}'),
      /^data\[1\] is Infinity; expected a finite number$/,
    ],
    ['-Infinity', { data: [[1, 2, 3, Number.NEGATIVE_INFINITY]] }, /^data\[0\]\[3\] is -Infinity;/],
    [
      'a row mixed into a single row',
      { data: [1, [2], 3, 4] },
      /^data\[1\] is an array; expected a finite number$/,
    ],
    [
      'a number mixed into a batch',
      { data: [[1, 2, 3, 4], 5] },
      /^data\[1\] is 5; expected a row: \[x1, \.\.\., x4\]/,
    ],
    [
      'too many rows',
      { data: Array.from({ length: MAX_ROWS + 1 }, () => [0, 0, 0, 0]) },
      /has 10001 rows; at most 10000/,
    ],
    [
      'unknown field',
      { data: [1, 2, 3, 4], probability: true },
      /^unknown field "probability"; expected "data"/,
    ],
    [
      'probabilities not a boolean',
      { data: [1, 2, 3, 4], probabilities: 'yes' },
      /^"probabilities" is a string \("yes"\); expected true or false$/,
    ],
    ['event is an array', [1, 2, 3, 4], /^the request is an array; expected a JSON object like/],
    ['event is null', null, /^the request is null; expected a JSON object/],
    ['event is a string', 'hello', /^the request is a string \("hello"\)/],
  ];
  for (const [name, event, message] of cases) {
    it(name, async () => {
      const reply = (await handle(event)) as { statusCode: number; body: { error: string } };
      assert.equal(reply.statusCode, 400);
      assert.deepEqual(Object.keys(reply.body), ['error']);
      assert.match(reply.body.error, message);
    });
  }

  it('refuses probabilities for a regressor', async () => {
    const reply = await createPredictionHandler(regressor)({ data: [1, 2], probabilities: true });
    assert.deepEqual(reply, {
      statusCode: 400,
      body: {
        error: '"probabilities" is only available for classifiers; this model is a RandomForestRegressor',
      },
    });
  });

  it('lets a failing model propagate as a function error instead of answering', async () => {
    const broken = createPredictionHandler({
      ...classifier,
      predict: () => {
        throw new RangeError('tree index out of range');
      },
    });
    await assert.rejects(broken({ data: [1, 2, 3, 4] }), RangeError);
  });
});

function urlEvent(body: string | undefined, extra: Record<string, unknown> = {}) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    headers: { 'content-type': 'application/json' },
    requestContext: { http: { method: 'POST', path: '/' } },
    body,
    isBase64Encoded: false,
    ...extra,
  };
}

describe('prediction handler: Function URL / API Gateway events', () => {
  const json = { 'content-type': 'application/json' };

  it('reads the JSON body and answers an HTTP response with a JSON string body', async () => {
    assert.deepEqual(await handle(urlEvent('{"data": [1, 2, 3, 4]}')), {
      statusCode: 200,
      headers: json,
      body: '1',
    });
    assert.deepEqual(
      await handle(urlEvent('{"data": [[1, 1, 0, 0], [-1, -1, 0, 0]], "probabilities": true}')),
      {
        statusCode: 200,
        headers: json,
        body: '[{"prediction":1,"probabilities":[0.25,0.75]},{"prediction":0,"probabilities":[0.9,0.1]}]',
      },
    );
  });

  it('decodes base64 bodies', async () => {
    const body = Buffer.from('{"data": [-3, 1, 0, 0]}').toString('base64');
    assert.deepEqual(await handle(urlEvent(body, { isBase64Encoded: true })), {
      statusCode: 200,
      headers: json,
      body: '0',
    });
  });

  it('accepts API Gateway REST (1.0) events', async () => {
    const event = {
      httpMethod: 'POST',
      requestContext: {},
      body: '{"data": [1, 1, 1, 1]}',
      isBase64Encoded: false,
    };
    assert.deepEqual(await handle(event), { statusCode: 200, headers: json, body: '1' });
  });

  const bad: Array<[string, unknown, number, RegExp]> = [
    ['no body', urlEvent(undefined), 400, /^the request body is empty/],
    ['empty body', urlEvent(''), 400, /^the request body is empty/],
    ['body not JSON', urlEvent('{"data": [1,'), 400, /^the body is not valid JSON \(.+\); expected/],
    ['bad base64', urlEvent('not base64!!', { isBase64Encoded: true }), 400, /not valid base64/],
    [
      'base64 of binary',
      urlEvent(Buffer.from([0xff, 0xfe, 0xfd]).toString('base64'), { isBase64Encoded: true }),
      400,
      /UTF-8/,
    ],
    [
      'wrong row inside the body',
      urlEvent('{"data": [1, 2]}'),
      400,
      /^data has 2 values; the model expects 4 features$/,
    ],
    [
      'PUT',
      urlEvent('{"data": [1, 2, 3, 4]}', { requestContext: { http: { method: 'PUT' } } }),
      405,
      /^PUT is not supported; send POST .+, or GET for the model's schema$/,
    ],
  ];
  for (const [name, event, status, message] of bad) {
    it(`${name} → ${status}`, async () => {
      const reply = (await handle(event)) as {
        statusCode: number;
        headers: Record<string, string>;
        body: string;
      };
      assert.equal(reply.statusCode, status);
      assert.equal(reply.headers['content-type'], 'application/json');
      if (status === 405) assert.equal(reply.headers.allow, 'GET, POST');
      const body = JSON.parse(reply.body) as { error: string };
      assert.deepEqual(Object.keys(body), ['error']);
      assert.match(body.error, message);
    });
  }
});

describe('init warm-up', () => {
  it('predicts once (and once with probabilities) on a row the schema accepts, without changing later answers', async () => {
    const seen: string[] = [];
    const counting: Predictor = {
      ...classifier,
      predict: (row) => {
        seen.push(`predict ${JSON.stringify(Array.from(row))}`);
        return classifier.predict(row);
      },
      predictProba: (row) => {
        seen.push(`proba ${JSON.stringify(Array.from(row))}`);
        return classifier.predictProba(row);
      },
    };
    const handler = createPredictionHandler(counting);
    await warmUp(handler, counting);
    assert.deepEqual(seen, ['predict [0,0,0,0]', 'predict [0,0,0,0]', 'proba [0,0,0,0]']);
    assert.deepEqual(await handler({ data: [1, 1, 0, 0], probabilities: true }), {
      statusCode: 200,
      body: { prediction: 1, probabilities: [0.25, 0.75] },
    });
  });

  it('a regressor gets no probabilities call', async () => {
    let calls = 0;
    const counting: Predictor = {
      ...regressor,
      predict: (row) => {
        calls++;
        return regressor.predict(row);
      },
    };
    await warmUp(createPredictionHandler(counting), counting);
    assert.equal(calls, 1);
  });

  it('uses a known category for a category column, so a strict encoder accepts the row', async () => {
    const schema = {
      features: [
        { name: 'colour', kind: 'category' as const, categories: ['red', 'blue'], acceptsUnknown: false },
        { name: 'size', kind: 'number' as const },
        { name: 'code', kind: 'category' as const, categories: [3, 7] },
      ],
      acceptsMissing: false,
    };
    assert.deepEqual(sampleRow(schema), ['red', 0, 3]);
    const rows: unknown[] = [];
    const strict: Predictor = {
      ...regressor,
      nFeatures: 3,
      schema,
      predict: (row) => {
        rows.push(Array.from(row));
        return 1;
      },
    };
    await warmUp(createPredictionHandler(strict), strict);
    assert.deepEqual(rows, [['red', 0, 3]]);
  });

  it('a model that throws on the sample row still initialises (warmUp resolves)', async () => {
    const broken: Predictor = {
      ...regressor,
      predict: () => {
        throw new Error('model bug');
      },
    };
    await warmUp(createPredictionHandler(broken), broken);
  });
});
