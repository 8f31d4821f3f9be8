// `lambda-ml predict` input as users have it: CSV with a header (a model trained on CSV keeps its column
// names; the label column is ignored), JSON lines by name, and the clear refusals (a batch on one line,
// CSV rows fed as JSON, a CSV that lacks a feature).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const config = fileURLToPath(new URL('../config/default-training.json', import.meta.url));

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function jsonLines(text: string): unknown[] {
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);
}

describe('predict input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-predict-input-'));
  const csv = join(dir, 'data.csv');
  const named = join(dir, 'named.json');
  const unnamed = join(dir, 'unnamed.json');

  before(() => {
    assert.equal(run(['dataset', '--config', config, '--out', csv]).code, 0);
    const model = JSON.parse(readFileSync(config, 'utf8')).model;
    writeFileSync(
      join(dir, 'csv.json'),
      JSON.stringify({ dataset: { csv: { path: 'data.csv', target: 'y' } }, model }),
    );
    const t = run(['train', '--config', join(dir, 'csv.json'), '--out', named]);
    assert.equal(t.code, 0, t.stderr);
    assert.equal(run(['train', '--config', config, '--out', unnamed]).code, 0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('train keeps the CSV header as feature names; make_classification models have none', () => {
    assert.deepEqual(JSON.parse(readFileSync(named, 'utf8')).featureNames, ['x0', 'x1', 'x2', 'x3']);
    assert.equal('featureNames' in JSON.parse(readFileSync(unnamed, 'utf8')), false);
    const d = run(['describe', named]);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /x0/);
  });

  it('reads the training CSV itself: same answers as JSON lines, the label column ignored with a note', () => {
    const fromCsv = run(['predict', '--model', named, '--input', csv]);
    assert.equal(fromCsv.code, 0, fromCsv.stderr);
    assert.match(fromCsv.stderr, /ignoring CSV column\(s\) "y": not features of the model/);
    const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1);
    const asJson = rows.map((r) => `[${r.split(',').slice(0, 4).join(',')}]`).join('\n');
    const fromJson = run(['predict', '--model', named], asJson);
    assert.equal(fromJson.code, 0, fromJson.stderr);
    assert.deepEqual(jsonLines(fromCsv.stdout), jsonLines(fromJson.stdout));
    assert.equal(jsonLines(fromCsv.stdout).length, 1000);
  });

  it('maps CSV columns by name in any order, and objects by name in JSON lines', () => {
    const reordered = join(dir, 'reordered.csv');
    writeFileSync(reordered, 'x3,label,x1,x0,x2\n0,7,0,0,0\n');
    const r = run(['predict', '--model', named, '--input', reordered]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(jsonLines(r.stdout), [
      { prediction: 1, probabilities: [0.1780616183476214, 0.8219383816523785] },
    ]);
    const byName = run(['predict', '--model', named], '{"x0": 0, "x1": 0, "x2": 0, "x3": 0}\n');
    assert.deepEqual(jsonLines(byName.stdout), jsonLines(r.stdout));
  });

  it('a CSV missing a feature column is refused before any row, naming it', () => {
    const short = join(dir, 'short.csv');
    writeFileSync(short, 'x0,x1,x3\n0,0,0\n');
    const r = run(['predict', '--model', named, '--input', short]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /the CSV header lacks the column\(s\) "x2"; the model's features are "x0", "x1", "x2", "x3"/,
    );
  });

  it('a model without names takes CSV columns in order; a label column needs --target', () => {
    const noTarget = run(['predict', '--model', unnamed, '--input', csv]);
    assert.equal(noTarget.code, 1);
    assert.match(
      noTarget.stderr,
      /the CSV has 5 feature column\(s\) but the model takes 4 unnamed features.*--target/,
    );
    const withTarget = run(['predict', '--model', unnamed, '--input', csv, '--target', 'y']);
    assert.equal(withTarget.code, 0, withTarget.stderr);
    assert.equal(jsonLines(withTarget.stdout).length, 1000);
  });

  it('an empty CSV cell is a missing value, refused by name for a model that takes none', () => {
    const gap = join(dir, 'gap.csv');
    writeFileSync(gap, 'x0,x1,x2,x3\n0,,0,0\n0,0,0,0\n');
    const r = run(['predict', '--model', named, '--input', gap]);
    assert.equal(r.code, 1);
    const [first, second] = jsonLines(r.stdout) as [{ line: number; error: string }, { prediction: number }];
    assert.equal(first.line, 2);
    assert.match(
      first.error,
      /line 2\.x1 is null \(a missing value\), but feature "x1" does not accept missing values/,
    );
    assert.equal(second.prediction, 1);
  });

  it('JSON lines: a batch on one line and CSV text fed as JSON get messages that say so', () => {
    const r = run(['predict', '--model', unnamed, '--format', 'jsonl'], '[[0,0,0,0],[1,1,1,1]]\n0,0,0,0\n');
    assert.equal(r.code, 1);
    const [batch, csvLine] = jsonLines(r.stdout) as [{ error: string }, { error: string }];
    assert.match(batch.error, /line holds a batch of 2 rows; predict takes one row per line/);
    assert.match(
      csvLine.error,
      /not valid JSON.*for CSV input, use a \.csv file with a header row, or --format csv/,
    );
    const bad = run(['predict', '--model', unnamed, '--format', 'xml'], '');
    assert.match(bad.stderr, /--format must be jsonl or csv, got 'xml'/);
  });

  it('a named artifact whose names were edited is refused (the checksum covers them)', () => {
    const text = readFileSync(named, 'utf8').replace('"x0"', '"age"');
    const edited = join(dir, 'edited.json');
    writeFileSync(edited, text);
    const r = run(['predict', '--model', edited], '[0,0,0,0]\n');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /modified after it was written/);
  });
});
