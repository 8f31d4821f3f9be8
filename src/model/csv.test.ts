// CSV datasets: quoting, string and numeric labels, and every bad input named by line and column;
// a CSV of the tutorial data trains the very same forest as the make_classification config.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCsvDataset } from './csv.js';
import { datasetToCsv, loadDataset } from './dataset.js';
import { DatasetError } from './errors.js';
import { trainFromConfig } from './train.js';

test('parses quoted fields, CRLF, a BOM and string labels', () => {
  const d = parseCsvDataset(
    '\uFEFFa,"b, quoted",label\r\n1,2.5,"cat"\r\n-3e2,.5,"d""og"\r\n',
    'label',
    'mem.csv',
  );
  assert.equal(d.nRows, 2);
  assert.equal(d.nFeatures, 2);
  assert.deepEqual(Array.from(d.X), [1, 2.5, -300, 0.5]);
  assert.deepEqual(d.y, ['cat', 'd"og']);
  assert.deepEqual(d.featureNames, ['a', 'b, quoted']);
  const n = parseCsvDataset('x,y\n1,0\n2,1.5\n', 'y', 'n.csv');
  assert.deepEqual(n.y, [0, 1.5]);
});

test('bad CSV input names the line and column', () => {
  const cases: [string, string, RegExp][] = [
    ['a,b,y\n1,,0\n', 'y', /line 2, column 2 \(b\): missing value/],
    ['a,b,y\n1,2,0\n1,x2,1\n', 'y', /line 3, column 2 \(b\): "x2" is not a number/],
    ['a,b,y\n1,2,0\n1,2\n', 'y', /line 3: has 2 fields; the header has 3/],
    ['a,b,y\n1,2,0\n', 'target', /line 1: no column named "target"; columns: a, b, y/],
    ['a,b,y\n1,2,\n', 'y', /line 2, column 3 \(y\): missing value/],
    ['', 'y', /empty/],
    ['a,b,y\n', 'y', /no data rows/],
    ['a,b,y\n1,"2,0\n', 'y', /unterminated quoted field/],
    ['a,b,y\n1,1e999,0\n', 'y', /out of range/],
  ];
  for (const [text, target, re] of cases) {
    assert.throws(
      () => parseCsvDataset(text, target, 'f.csv'),
      (e: unknown) => e instanceof DatasetError && re.test(e.message) && e.message.startsWith('f.csv'),
      JSON.stringify(text),
    );
  }
});

test('a CSV of the tutorial data trains the same forest as make_classification', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-csv-'));
  try {
    const mc = {
      make_classification: {
        n_samples: 200,
        n_features: 4,
        n_informative: 2,
        n_redundant: 0,
        random_state: 0,
      },
    };
    writeFileSync(join(dir, 'data.csv'), datasetToCsv(loadDataset(mc, dir)));
    const model = { RandomForestClassifier: { n_estimators: 5, max_depth: 3, random_state: 0 } };
    const a = trainFromConfig({ dataset: mc, model });
    const b = trainFromConfig(
      { dataset: { csv: { path: 'data.csv', target: 'y' } }, model },
      { baseDir: dir },
    );
    assert.deepEqual(b.estimator, a.estimator);
    assert.equal(b.dataSha256, a.dataSha256);
    assert.throws(
      () =>
        trainFromConfig({ dataset: { csv: { path: 'missing.csv', target: 'y' } }, model }, { baseDir: dir }),
      (e: unknown) => e instanceof DatasetError && /missing\.csv \(ENOENT\)/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
