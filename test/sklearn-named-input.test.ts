// A ColumnTransformer + RandomForest pipeline fitted on a DataFrame, as users serve it: rows by name through the
// handler and `lambda-ml predict` (JSON lines), the schema request and `describe`, `convert` to the native
// artifact (same answers); a LinearSVC asked for probabilities.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createPredictionHandler } from '../src/function/predict.js';
import { loadAnyModelFile } from '../src/sklearn/load-any.js';
import { familySets } from './sklearn-families-fixtures.js';

const set = familySets().find((s) => s.version === '1.9.1');
if (!set) throw new Error('the 1.9.1 fixture set is missing');
const entry = set.models.find((m) => m.name === 'pipe_ct_rf');
if (!entry?.rows || !entry.predict) throw new Error('pipe_ct_rf fixture is missing');
const pipeline = join(set.dir, 'pipe_ct_rf.joblib');
/** Objects by name, as scikit-learn saw them (null = missing), with scikit-learn's labels. */
const rows = entry.rows.map((r) => set.row(entry, r) as Record<string, number | string | null>);
const labels = entry.predict;

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-named-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('named input through the handler', () => {
  const handle = createPredictionHandler(loadAnyModelFile(pipeline));

  it('answers a batch of objects (unseen and infrequent categories, nulls) with scikit-learn labels', async () => {
    assert.deepEqual(await handle({ data: rows }), { statusCode: 200, body: labels });
    assert.deepEqual(await handle({ data: rows[8] }), { statusCode: 200, body: labels[8] });
  });

  it('answers the schema request with names, kinds and the encoder categories', async () => {
    const reply = (await handle({ schema: true })) as { statusCode: number; body: Record<string, unknown> };
    assert.equal(reply.statusCode, 200);
    assert.deepEqual(reply.body.steps, ['ColumnTransformer', 'RandomForestClassifier']);
    assert.deepEqual(reply.body.features, [
      { name: 'age', kind: 'number', missing: true },
      { name: 'income', kind: 'number', missing: true },
      {
        name: 'city',
        kind: 'category',
        missing: true,
        categories: ['braga', 'coimbra', 'faro', 'lisbon', 'porto'],
        unknown: 'accepted',
      },
      {
        name: 'plan',
        kind: 'category',
        missing: true,
        categories: ['basic', 'pro', 'team'],
        unknown: 'accepted',
      },
      // scikit-learn 1.9's RandomForest takes NaN itself, so the passed-through column does too.
      { name: 'visits', kind: 'number', missing: true },
    ]);
    assert.deepEqual(reply.body.classes, ['no', 'yes']);
  });

  it('400s name the field: unknown, absent, a category that is not a string', async () => {
    const ok = { age: 31, income: 22000, city: 'porto', plan: 'pro', visits: 3 };
    const cases: Array<[unknown, RegExp]> = [
      [
        { ...ok, town: 'x' },
        /^data has an unknown field "town"; expected the fields "age", "income", "city", "plan", "visits"$/,
      ],
      [{ age: 31, income: 1, city: 'porto', plan: 'pro' }, /^data lacks the field "visits"/],
      [{ ...ok, city: 7 }, /^data\.city is 7; feature "city" is a category of strings/],
    ];
    for (const [data, message] of cases) {
      const reply = (await handle({ data })) as { statusCode: number; body: { error: string } };
      assert.equal(reply.statusCode, 400);
      assert.match(reply.body.error, message);
    }
  });

  it('400 for null where the model takes no missing value (scikit-learn 1.2 forests), naming the feature', async () => {
    const old = familySets().find((s) => s.version === '1.2.1');
    assert.ok(old);
    const handle12 = createPredictionHandler(loadAnyModelFile(join(old.dir, 'pipe_ct_rf.joblib')));
    const reply = (await handle12({
      data: { age: 1, income: 1, city: 'porto', plan: 'pro', visits: null },
    })) as {
      statusCode: number;
      body: { error: string };
    };
    assert.equal(reply.statusCode, 400);
    assert.match(
      reply.body.error,
      /^data\.visits is null \(a missing value\), but feature "visits" does not accept missing values/,
    );
  });
});

describe('a LinearSVC asked for probabilities', () => {
  it('predicts classes and says it has no predict_proba', async () => {
    const svc = createPredictionHandler(loadAnyModelFile(join(set.dir, 'linsvc_multi.joblib')));
    const row = { f0: 0.4, f1: -0.6, f2: 1.2, f3: -0.7, f4: 0.1 };
    assert.equal(((await svc({ data: row })) as { statusCode: number }).statusCode, 200);
    assert.deepEqual(await svc({ data: row, probabilities: true }), {
      statusCode: 400,
      body: {
        error:
          '"probabilities" is not available: a LinearSVC has no predict_proba (it predicts classes only); leave "probabilities" out',
      },
    });
  });
});

describe('the CLI with a named pipeline', () => {
  it('predict reads JSON lines of objects and of arrays; convert writes formatVersion 2 that answers the same', () => {
    const input = `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
    const direct = run(['predict', '--model', pipeline], input);
    assert.equal(direct.code, 0, direct.stderr);
    const answers = direct.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { prediction: string });
    assert.deepEqual(
      answers.map((a) => a.prediction),
      labels,
    );
    // The same rows as JSON arrays in the model's column order (category strings, null = missing).
    const names = ['age', 'income', 'city', 'plan', 'visits'];
    const arrays = `${rows.map((r) => JSON.stringify(names.map((n) => r[n] ?? null))).join('\n')}\n`;
    const byPosition = run(['predict', '--model', pipeline], arrays);
    assert.equal(byPosition.stdout, direct.stdout, 'rows by position answer as rows by name');
    const out = join(dir, 'pipe.json');
    const converted = run(['convert', pipeline, '--out', out]);
    assert.equal(converted.code, 0, converted.stderr);
    assert.match(converted.stderr, /\(Pipeline, 5 features, classes \["no","yes"\], scikit-learn 1\.9\.1\)/);
    const artifact = JSON.parse(readFileSync(out, 'utf8')) as {
      formatVersion: number;
      featureNames: string[];
    };
    assert.equal(artifact.formatVersion, 2);
    assert.deepEqual(artifact.featureNames, ['age', 'income', 'city', 'plan', 'visits']);
    const again = run(['predict', '--model', out], input);
    assert.equal(again.stdout, direct.stdout, 'the converted artifact answers bit-identically');
    const bad = run(['predict', '--model', out], '{"age": 1, "city": "porto"}\n');
    assert.equal(bad.code, 1);
    assert.match(
      bad.stdout,
      /"line":1,"error":"line 1 lacks the fields \\"income\\", \\"plan\\", \\"visits\\"/,
    );
  });

  it('predict reads CSV with a header in any column order: category strings, empty cells as missing', () => {
    const columns = ['plan', 'visits', 'city', 'income', 'age'];
    const cell = (v: number | string | null | undefined) => (v === null || v === undefined ? '' : String(v));
    const csv = [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n');
    const file = join(dir, 'rows.csv');
    writeFileSync(file, `${csv}\n`);
    const r = run(['predict', '--model', pipeline, '--input', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { prediction: string }).prediction),
      labels,
    );
  });

  it('describe prints the features with their categories', () => {
    const d = run(['describe', pipeline]);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /^ColumnTransformer -> RandomForestClassifier \(classification\)\n/);
    assert.match(
      d.stdout,
      /2 {2}city {4}category {2}yes {6}"braga", "coimbra", "faro", "lisbon", "porto"; other values accepted/,
    );
    assert.match(
      d.stdout,
      /example request: \{"data":\{"age":0,"income":0,"city":"braga","plan":"basic","visits":0\}\}/,
    );
  });
});
