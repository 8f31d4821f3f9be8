// Distributed Map batches through the prediction handler: item order, indexed rows, CSV strings, every bad batch.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Predictor, positionalSchema } from '../model/types.js';
import { InvalidItemsError, isBatchEvent } from './batch-event.js';
import { createPredictionHandler } from './predict.js';
import { MAX_ROWS } from './request.js';

/** Class 1 when x0 + x1 > 0. */
const classifier: Predictor = {
  kind: 'RandomForestClassifier',
  task: 'classification',
  nFeatures: 3,
  schema: positionalSchema(3),
  classes: [0, 1],
  predict: (row) => (Number(row[0]) + Number(row[1]) > 0 ? 1 : 0),
  predictProba: (row) =>
    Number(row[0]) + Number(row[1]) > 0 ? Float64Array.of(0.25, 0.75) : Float64Array.of(0.9, 0.1),
};

/** The same model, knowing its column names (as a model trained from a CSV with a header does). */
const named: Predictor = {
  ...classifier,
  schema: {
    features: ['a', 'b', 'c'].map((name) => ({ name, kind: 'number' as const })),
    acceptsMissing: false,
  },
};

const handle = createPredictionHandler(classifier);

async function rejects(predictor: Predictor, event: unknown, message: RegExp): Promise<void> {
  await assert.rejects(
    () => createPredictionHandler(predictor)(event),
    (error: unknown) =>
      error instanceof InvalidItemsError &&
      error.name === 'Prediction.InvalidItems' &&
      message.test(error.message),
  );
}

describe('Distributed Map batch events', () => {
  it('answers plain rows in item order, like a batch request', async () => {
    const reply = await handle({
      Items: [
        [1, 1, 0],
        [-5, 0, 0],
        [0, 0.5, 0],
      ],
    });
    assert.deepEqual(reply, [1, 0, 1]);
  });

  it('answers indexed CSV rows (string values, header order) with their index, in item order', async () => {
    const reply = await handle({
      Items: [
        { index: 7, row: { x: '1', y: '1', z: '0' } },
        { index: 3, row: { x: '-5', y: ' 0 ', z: '1e3' } },
      ],
      BatchInput: { indexed: true, probabilities: false },
    });
    assert.deepEqual(reply, [
      { index: 7, prediction: 1 },
      { index: 3, prediction: 0 },
    ]);
  });

  it('adds probabilities when BatchInput asks for them', async () => {
    const reply = await handle({
      Items: [{ index: 0, row: [1, 1, 0] }],
      BatchInput: { indexed: true, probabilities: true },
    });
    assert.deepEqual(reply, [{ index: 0, prediction: 1, probabilities: [0.25, 0.75] }]);
  });

  it('takes named columns by the model feature names, ignoring other columns (a target, an id)', async () => {
    const reply = await createPredictionHandler(named)({
      Items: [
        { index: 0, row: { id: 'r0', c: '0', label: '1', b: '2', a: '-1' } },
        { index: 1, row: { a: -3, b: 1, c: 0 } },
      ],
      BatchInput: { indexed: true },
    });
    assert.deepEqual(reply, [
      { index: 0, prediction: 1 },
      { index: 1, prediction: 0 },
    ]);
  });

  it('is recognised only as an object of Items and BatchInput', () => {
    assert.equal(isBatchEvent({ Items: [] }), true);
    assert.equal(isBatchEvent({ Items: [], BatchInput: {} }), true);
    assert.equal(isBatchEvent({ Items: [], data: [] }), false);
    assert.equal(isBatchEvent({ Items: 'x' }), false);
    assert.equal(isBatchEvent([{ Items: [] }]), false);
  });
});

describe('bad batches fail as Prediction.InvalidItems, naming the row', () => {
  const indexed = { indexed: true };
  const cases: Array<[string, Predictor, unknown, RegExp]> = [
    ['an empty batch', classifier, { Items: [] }, /"Items" is empty/],
    [
      'a non-numeric CSV value',
      classifier,
      { Items: [{ index: 41, row: { x: '1', y: 'abc', z: '0' } }], BatchInput: indexed },
      /row 41 column "y" is "abc"; expected a number/,
    ],
    [
      'a short row',
      classifier,
      {
        Items: [
          [1, 2, 3],
          [1, 2],
        ],
        BatchInput: {},
      },
      /Items\[1\] has 2 values; the model expects 3 features/,
    ],
    [
      'an empty CSV cell (missing value) for a model that takes none',
      classifier,
      { Items: [{ index: 9, row: { x: '1', y: '', z: '0' } }], BatchInput: indexed },
      /row 9\[1\] is null.*expected a finite number/,
    ],
    [
      'a CSV row with more columns than an unnamed model has features',
      classifier,
      { Items: [{ index: 2, row: { x: '1', y: '2', z: '3', label: '0' } }], BatchInput: indexed },
      /row 2 has 4 columns \(x, y, z, label\); the model has 3 unnamed features/,
    ],
    [
      'a missing named column',
      named,
      { Items: [{ index: 5, row: { a: '1', b: '2' } }], BatchInput: indexed },
      /row 5 lacks the field "c"; expected the fields "a", "b", "c"/,
    ],
    [
      'an indexed item without its index',
      classifier,
      { Items: [{ row: [1, 2, 3] }], BatchInput: indexed },
      /Items\[0\] must be \{"index": <row number>, "row": <row>\}/,
    ],
    [
      'a scalar item (not a row)',
      classifier,
      { Items: [1, 2, 3] },
      /Items\[0\] is 1; expected a row: an array of values or an object of named columns/,
    ],
    [
      'an unknown BatchInput field',
      classifier,
      { Items: [[1, 2, 3]], BatchInput: { columns: ['x'] } },
      /unknown BatchInput field "columns"/,
    ],
    [
      'a BatchInput flag that is not a boolean',
      classifier,
      { Items: [[1, 2, 3]], BatchInput: { probabilities: 'yes' } },
      /BatchInput "probabilities" must be true or false/,
    ],
    [
      'too many rows',
      classifier,
      { Items: Array.from({ length: MAX_ROWS + 1 }, () => [0, 0, 0]) },
      new RegExp(`"Items" has ${MAX_ROWS + 1} rows; at most ${MAX_ROWS}`),
    ],
  ];
  for (const [name, predictor, event, message] of cases) {
    it(`rejects ${name}`, () => rejects(predictor, event, message));
  }
});
