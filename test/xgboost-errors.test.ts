// Bad XGBoost input: truncated/corrupt JSON and UBJSON (typed errors naming where), feature-count
// mismatches, unsupported boosters/objectives named, a wrapper hiding a code-running global, unknown formats.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createPredictionHandler } from '../src/function/predict.js';
import { PredictInputError } from '../src/model/errors.js';
import { UnknownModelFormatError } from '../src/readers/errors.js';
import { loadAnyModelFile } from '../src/readers/load-any.js';
import { UnsafePickleError } from '../src/sklearn/errors.js';
import { UnsupportedXGBoostModelError, XGBoostFormatError } from '../src/xgboost/errors.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'xgboost');
const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-xgb-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  return assert.fail('no error thrown');
}

// biome-ignore lint/suspicious/noExplicitAny: tests edit arbitrary paths of an XGBoost document
type Doc = any;

/** A fixture's JSON document, edited, written back with its bare NaN tokens. */
function editedJson(file: string, edit: (doc: Doc) => void): string {
  const text = readFileSync(join(fixtures, file), 'utf8').replaceAll('NaN', '"__nan__"');
  const doc = JSON.parse(text);
  edit(doc);
  return JSON.stringify(doc).replaceAll('"__nan__"', 'NaN');
}

test('a truncated JSON model is a typed error naming the line and column', () => {
  const bytes = readFileSync(join(fixtures, 'binary.json'));
  const err = errorOf(() => loadAnyModelFile(write('cut.json', bytes.subarray(0, 5000))));
  assert.ok(err instanceof XGBoostFormatError, String(err));
  assert.match(
    err.message,
    /cut\.json: XGBoost JSON: .*\(truncated file\?\) at line 1, column \d+ \(byte \d+\)/,
  );
});

test('a corrupt JSON model names where it breaks', () => {
  const text = readFileSync(join(fixtures, 'binary.json'), 'latin1');
  const at = text.indexOf('"split_indices"');
  const broken = `${text.slice(0, at)}"split_indices":[0,1,,2]${text.slice(text.indexOf(']', at) + 1)}`;
  const err = errorOf(() => loadAnyModelFile(write('broken.json', broken)));
  assert.ok(err instanceof XGBoostFormatError);
  assert.match(err.message, /expected a value, found ',' at line 1, column \d+/);
});

test('a truncated UBJSON model (a .ubj or a pickled booster) is a typed error naming the byte', () => {
  const bytes = readFileSync(join(fixtures, 'binary.ubj'));
  const err = errorOf(() => loadAnyModelFile(write('cut.ubj', bytes.subarray(0, 3000))));
  assert.ok(err instanceof XGBoostFormatError, String(err));
  assert.match(err.message, /XGBoost UBJSON: .* at byte \d+/);
});

test('a tree whose links do not form a tree is refused, naming the tree', () => {
  const text = editedJson('booster_binary_logistic.json', (doc) => {
    doc.learner.gradient_booster.model.trees[1].left_children[2] = 0;
  });
  const err = errorOf(() => loadAnyModelFile(write('cycle.json', text)));
  assert.ok(err instanceof XGBoostFormatError);
  assert.match(err.message, /trees\[1\] is not a tree: node 2 links to a node already in the tree/);
});

test('a field of the wrong length is refused, naming its path', () => {
  const text = editedJson('booster_binary_logistic.json', (doc) => {
    doc.learner.gradient_booster.model.trees[0].split_conditions.pop();
  });
  assert.match(
    errorOf(() => loadAnyModelFile(write('short.json', text))).message,
    /trees\[0\]\.split_conditions has \d+ entries; expected \d+ \(one per node\)/,
  );
});

test('a row whose feature count disagrees with the model is refused (400 through the handler)', async () => {
  const p = loadAnyModelFile(join(fixtures, 'binary.json'));
  assert.throws(() => p.predict([1, 2, 3]), PredictInputError);
  assert.throws(() => p.predict([1, 2, 3, 4, 5, 6]), /row has 6 features; the model expects 5/);
  const answer = (await createPredictionHandler(p)({ data: [1, 2, 3] })) as { statusCode: number };
  assert.equal(answer.statusCode, 400);
});

test('gblinear, unknown objectives, multi-target trees and future versions are refused by name', () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      'gblinear.json',
      readFileSync(join(fixtures, 'gblinear.json'), 'utf8'),
      /booster "gblinear" is not supported/,
    ],
    [
      'rank.json',
      editedJson('booster_binary_logistic.json', (d) => {
        d.learner.objective.name = 'rank:pairwise';
      }),
      /objective "rank:pairwise" is not supported; lambda-ml serves binary:logistic, .*count:poisson/,
    ],
    [
      'multitarget.json',
      editedJson('booster_binary_logistic.json', (d) => {
        d.learner.gradient_booster.model.trees[0].tree_param.size_leaf_vector = '2';
      }),
      /multi-target tree/,
    ],
    [
      'v4.json',
      editedJson('booster_binary_logistic.json', (d) => {
        d.version = [4, 0, 0];
      }),
      /saved by XGBoost 4\.0\.0; lambda-ml reads XGBoost 1\.x to 3\.x .*verified with 1\.7\.4/,
    ],
  ];
  for (const [name, text, message] of cases) {
    const err = errorOf(() => loadAnyModelFile(write(name, text)));
    assert.ok(err instanceof UnsupportedXGBoostModelError, `${name}: ${String(err)}`);
    assert.match(err.message, message);
  }
});

test('a pickled XGBClassifier whose other state hides a code-running global is refused; nothing runs', () => {
  const cwd = process.cwd();
  const marker = join(cwd, 'lambda-ml-xgboost-pwned');
  rmSync(marker, { force: true });
  const err = errorOf(() => loadAnyModelFile(join(fixtures, 'evil_wrapper.pkl')));
  assert.ok(err instanceof UnsafePickleError, String(err));
  assert.match(err.message, /refused pickle global posix\.system.*nothing was executed/);
  assert.equal(existsSync(marker), false);
});

test('positive control: Python itself runs that payload (so the check above can fail)', (t) => {
  if (!existsSync('/usr/bin/python3') && process.env.CI !== 'true') {
    t.skip('no /usr/bin/python3 on this machine');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'lambda-ml-xgb-control-'));
  try {
    // pickle.loads fails once it needs xgboost's classes, but the payload has run by then.
    spawnSync(
      '/usr/bin/python3',
      ['-c', 'import pickle,sys; pickle.load(open(sys.argv[1], "rb"))', join(fixtures, 'evil_wrapper.pkl')],
      {
        cwd: work,
        timeout: 60_000,
      },
    );
    assert.equal(existsSync(join(work, 'lambda-ml-xgboost-pwned')), true);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('a file of no known format is refused with the list of accepted formats', () => {
  for (const [name, bytes] of [
    ['model.onnx', Buffer.from([0x08, 0x07, 0x12, 0x04])],
    ['notes.json', '{"hello": "world"}'],
    ['empty.bin', ''],
  ] as const) {
    const err = errorOf(() => loadAnyModelFile(write(name, bytes)));
    assert.ok(err instanceof UnknownModelFormatError, `${name}: ${String(err)}`);
    assert.match(
      err.message,
      /accepted: lambda-ml's model artifact, JSON or binary.*XGBoost Booster\.save_model JSON.*LightGBM/,
    );
  }
});
