// The schema-driven request layer: rows by name, categories, per-feature missing values, the schema request.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PredictInputError } from '../model/errors.js';
import type { FeatureValue, InputSchema, Predictor } from '../model/types.js';
import { createPredictionHandler } from './predict.js';

/** age (number, missing accepted), city (string category, unknown refused), plan (category, unknown accepted). */
const schema: InputSchema = {
  acceptsMissing: false,
  features: [
    { name: 'age', kind: 'number', acceptsMissing: true },
    { name: 'city', kind: 'category', categories: ['lisbon', 'porto'], acceptsUnknown: false },
    { name: 'plan', kind: 'category', categories: ['basic', 'pro'], acceptsMissing: true },
  ],
};

/** Echoes the row it was given, so tests see exactly what the request layer passed on. */
const seen: FeatureValue[][] = [];
const model: Predictor = {
  kind: 'RandomForestClassifier',
  task: 'classification',
  nFeatures: 3,
  schema,
  classes: ['no', 'yes'],
  steps: ['ColumnTransformer', 'RandomForestClassifier'],
  predict(row) {
    seen.push(Array.from(row));
    if (row[0] === 999) throw new PredictInputError('feature "age" is 999, beyond what the model takes');
    return row[1] === 'porto' ? 'yes' : 'no';
  },
  predictProba: (row) => (row[1] === 'porto' ? Float64Array.of(0.2, 0.8) : Float64Array.of(0.7, 0.3)),
};
const handle = createPredictionHandler(model);

async function error(event: unknown): Promise<string> {
  const reply = (await handle(event)) as { statusCode: number; body: { error: string } };
  assert.equal(reply.statusCode, 400, JSON.stringify(reply));
  return reply.body.error;
}

describe('named input', () => {
  it('takes one object row, in any key order, and passes values in model order', async () => {
    seen.length = 0;
    const reply = await handle({ data: { plan: 'pro', city: 'porto', age: 31 } });
    assert.deepEqual(reply, { statusCode: 200, body: 'yes' });
    assert.deepEqual(seen, [[31, 'porto', 'pro']]);
  });

  it('takes a batch of objects and mixes with arrays; null is NaN where the feature accepts it', async () => {
    seen.length = 0;
    const reply = await handle({
      data: [{ age: null, city: 'lisbon', plan: null }, [40, 'porto', 'enterprise']],
      probabilities: true,
    });
    assert.deepEqual(reply, {
      statusCode: 200,
      body: [
        { prediction: 'no', probabilities: [0.7, 0.3] },
        { prediction: 'yes', probabilities: [0.2, 0.8] },
      ],
    });
    assert.deepEqual(seen, [
      [Number.NaN, 'lisbon', Number.NaN],
      [40, 'porto', 'enterprise'],
    ]);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    [
      'an unknown field',
      { data: { age: 1, city: 'porto', plan: 'pro', town: 'x' } },
      /^data has an unknown field "town"; expected the fields "age", "city", "plan"$/,
    ],
    [
      'a missing field',
      {
        data: [
          { age: 1, city: 'porto', plan: 'pro' },
          { age: 1, plan: 'pro' },
        ],
      },
      /^data\[1\] lacks the field "city" \(send null for a missing value\); expected the fields "age", "city", "plan"$/,
    ],
    [
      'a category value that is not a string',
      { data: { age: 1, city: 3, plan: 'pro' } },
      /^data\.city is 3; feature "city" is a category of strings: expected a string such as "lisbon", "porto"$/,
    ],
    [
      'a number that is a string',
      { data: { age: '31', city: 'porto', plan: 'pro' } },
      /^data\.age is a string \("31"\); expected a finite number$/,
    ],
    [
      'null where the feature takes no missing value',
      { data: { age: 1, city: null, plan: 'pro' } },
      /^data\.city is null \(a missing value\), but feature "city" does not accept missing values; expected a string such as "lisbon", "porto"$/,
    ],
    [
      'an unseen category the model refuses',
      { data: [5, 'faro', 'pro'] },
      /^data\[1\] is a string \("faro"\), a value the model did not see in training and does not accept; expected one of "lisbon", "porto"$/,
    ],
    ['a row that is a string', { data: ['x'] }, /^data has 1 values; the model expects 3 features$/],
    [
      'a value the model refuses (PredictInputError)',
      { data: { age: 999, city: 'porto', plan: 'pro' } },
      /^feature "age" is 999, beyond what the model takes$/,
    ],
  ];
  for (const [name, event, message] of bad) {
    it(`400 for ${name}`, async () => {
      assert.match(await error(event), message);
    });
  }
});

describe('schema request', () => {
  const expected = {
    kind: 'RandomForestClassifier',
    task: 'classification',
    steps: ['ColumnTransformer', 'RandomForestClassifier'],
    features: [
      { name: 'age', kind: 'number', missing: true },
      { name: 'city', kind: 'category', missing: false, categories: ['lisbon', 'porto'], unknown: 'refused' },
      { name: 'plan', kind: 'category', missing: true, categories: ['basic', 'pro'], unknown: 'accepted' },
    ],
    named: true,
    classes: ['no', 'yes'],
    probabilities: true,
    example: { data: { age: 0, city: 'lisbon', plan: 'basic' } },
  };

  it('answers {"schema": true} with the features, classes and an example request the model answers', async () => {
    const reply = (await handle({ schema: true })) as { statusCode: number; body: typeof expected };
    assert.deepEqual(reply, { statusCode: 200, body: expected });
    assert.deepEqual(await handle(reply.body.example), { statusCode: 200, body: 'no' });
  });

  it('answers GET over HTTP (Function URL) with the same schema', async () => {
    const reply = (await handle({
      version: '2.0',
      requestContext: { http: { method: 'GET' } },
    })) as { statusCode: number; body: string };
    assert.equal(reply.statusCode, 200);
    assert.deepEqual(JSON.parse(reply.body), expected);
  });

  it('refuses a schema request with other fields', async () => {
    assert.match(
      await error({ schema: true, data: [1, 'porto', 'pro'] }),
      /^a schema request is exactly \{"schema": true\}/,
    );
    assert.match(await error({ schema: 1 }), /^a schema request is exactly/);
  });
});

describe('a classifier without predict_proba', () => {
  const svc = createPredictionHandler({
    ...model,
    kind: 'LinearSVC' as Predictor['kind'],
    hasProbabilities: false,
  });

  it('predicts classes, and says it has no probabilities when asked', async () => {
    assert.deepEqual(await svc({ data: [1, 'porto', 'pro'] }), { statusCode: 200, body: 'yes' });
    assert.deepEqual(await svc({ data: [1, 'porto', 'pro'], probabilities: true }), {
      statusCode: 400,
      body: {
        error:
          '"probabilities" is not available: a LinearSVC has no predict_proba (it predicts classes only); leave "probabilities" out',
      },
    });
    const schemaReply = (await svc({ schema: true })) as { body: { probabilities: boolean } };
    assert.equal(schemaReply.body.probabilities, false);
  });
});
