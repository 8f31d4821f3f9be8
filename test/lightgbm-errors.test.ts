// Bad LightGBM input: truncated/corrupt model text (typed errors naming the line), linear trees and
// unknown objectives named, feature-count mismatches, a pickled wrapper hiding a code-running global.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LightGBMError, LightGBMFormatError, UnsupportedLightGBMModelError } from '../src/lightgbm/errors.js';
import { readLightGBMText } from '../src/lightgbm/read-model.js';
import { PredictInputError } from '../src/model/errors.js';
import { loadAnyModelFile } from '../src/readers/load-any.js';
import { UnsafePickleError } from '../src/sklearn/errors.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'lightgbm');
const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-lgbm-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const binary = readFileSync(join(fixtures, 'binary.txt'), 'utf8');

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
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

test('a truncated model text is a typed error naming the line', () => {
  const cut = binary.slice(0, binary.indexOf('Tree=3') + 40);
  const err = errorOf(() => loadAnyModelFile(write('cut.txt', cut)));
  assert.ok(err instanceof LightGBMFormatError, String(err));
  assert.match(err.message, /cut\.txt: LightGBM model text, line \d+: /);
  const early = errorOf(() =>
    loadAnyModelFile(write('early.txt', binary.slice(0, binary.indexOf('Tree=2')))),
  );
  assert.match(early.message, /ends after Tree=1 without "end of trees" \(truncated file\?\)/);
});

test('a corrupt field names its line and what was expected', () => {
  const cases: Array<[string | RegExp, string, RegExp]> = [
    ['leaf_value=', 'leaf_value=1 2 ', /line \d+: Tree=0 leaf_value has \d+ values; expected 6/],
    [
      'threshold=',
      'threshold=abc ',
      /line \d+: Tree=0 threshold holds "abc\d*[^"]*"; expected numbers|line \d+: Tree=0 threshold/,
    ],
    [/left_child=-?\d+/, 'left_child=7', /Tree=0 is not a tree: node 0 has child node 7/],
    ['num_leaves=', 'num_leaves=x', /line \d+: Tree=0 num_leaves is "x6?"; expected an integer >= 1/],
  ];
  for (const [key, replacement, message] of cases) {
    const text = binary.replace(key, replacement);
    const err = errorOf(() => readLightGBMText(text));
    assert.ok(err instanceof LightGBMFormatError, `${key}: ${String(err)}`);
    assert.match(err.message, message);
  }
});

test('linear trees and objectives lambda-ml does not serve are refused by name', () => {
  const linear = errorOf(() => loadAnyModelFile(join(fixtures, 'linear_tree.txt')));
  assert.ok(linear instanceof UnsupportedLightGBMModelError);
  assert.match(
    linear.message,
    /LightGBM linear trees \(linear_tree=True, Tree=0 at line \d+\) are not supported/,
  );
  const rank = errorOf(() =>
    readLightGBMText(binary.replace('objective=binary sigmoid:1', 'objective=lambdarank')),
  );
  assert.ok(rank instanceof UnsupportedLightGBMModelError);
  assert.match(rank.message, /objective "lambdarank" is not supported; lambda-ml serves binary, multiclass/);
});

test('a row whose feature count disagrees with the model is refused', () => {
  const p = loadAnyModelFile(join(fixtures, 'binary.txt'));
  assert.throws(() => p.predict([1, 2]), PredictInputError);
  assert.throws(() => p.predictProba([1, 2, 3, 4, 5, 6]), /row has 6 features; the model expects 5/);
});

test('a pickled LGBMClassifier whose other state hides a code-running global is refused; nothing runs', () => {
  const marker = join(process.cwd(), 'lambda-ml-lightgbm-pwned');
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
  const work = mkdtempSync(join(tmpdir(), 'lambda-ml-lgbm-control-'));
  try {
    // Debian's python has no lightgbm: an unpickler that stands an inert class in for every global
    // but os.system shows what pickle.load would do with the classes installed.
    const code = [
      'import pickle, sys',
      'class Inert:',
      '    def __init__(self, *a, **k): pass',
      '    def __setstate__(self, s): pass',
      '    def __setitem__(self, k, v): pass',
      '    def append(self, v): pass',
      '    def extend(self, v): pass',
      'class U(pickle.Unpickler):',
      '    def find_class(self, m, n):',
      '        return super().find_class(m, n) if m in ("posix", "os") else Inert',
      'U(open(sys.argv[1], "rb")).load()',
    ].join('\n');
    spawnSync('/usr/bin/python3', ['-c', code, join(fixtures, 'evil_wrapper.pkl')], {
      cwd: work,
      timeout: 60_000,
    });
    assert.equal(existsSync(join(work, 'lambda-ml-lightgbm-pwned')), true);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('random truncation and corruption of model text only ever give a typed LightGBM error', () => {
  let seed = 7;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (let k = 0; k < 200; k++) {
    let text = binary.slice(0, Math.floor(rand() * binary.length));
    if (k % 2 === 0) {
      const chars = [...binary];
      for (let j = 0; j < 4; j++)
        chars[Math.floor(rand() * chars.length)] = ' =\n-x9.'[Math.floor(rand() * 7)] as string;
      text = chars.join('');
    }
    try {
      readLightGBMText(text);
    } catch (e) {
      assert.ok(e instanceof LightGBMError, `case ${k}: ${String(e)}`);
    }
  }
});
