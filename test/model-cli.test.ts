// The model CLI as other tools script it (compiled dist/): train prints the artifact's sha256,
// predict answers JSON lines with per-row errors, dataset writes CSV that train can read back.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const config = fileURLToPath(new URL('../config/default-training.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('train writes the artifact and prints its sha256; a second run gives the same bytes', () => {
  const out = join(dir, 'model.json');
  const r = run(['train', '--config', config, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const sha = createHash('sha256').update(readFileSync(out)).digest('hex');
  assert.equal(r.stdout, `${sha}  ${out}\n`);
  const again = run(['train', '--config', config, '--out', join(dir, 'again.json')]);
  assert.equal(again.stdout.split(' ')[0], sha);
});

test('train writes the binary form for a .lmlb file or --format binary; predict reads it', () => {
  const bin = join(dir, 'model.lmlb');
  const r = run(['train', '--config', config, '--out', bin]);
  assert.equal(r.code, 0, r.stderr);
  const bytes = readFileSync(bin);
  assert.equal(bytes.subarray(0, 8).toString('hex'), '894c4d4c0d0a1a0a', 'the binary signature');
  assert.equal(r.stdout, `${createHash('sha256').update(bytes).digest('hex')}  ${bin}\n`);
  const forced = join(dir, 'forced.bin');
  assert.equal(run(['train', '--config', config, '--out', forced, '--format', 'binary']).code, 0);
  assert.deepEqual(readFileSync(forced), bytes, 'same bytes whichever way binary was chosen');
  const p = run(['predict', '--model', bin], '[0,0,0,0]\n');
  assert.equal(p.code, 0, p.stderr);
  assert.deepEqual(JSON.parse(p.stdout), {
    prediction: 1,
    probabilities: [0.1780616183476214, 0.8219383816523785],
  });
  const bad = run(['train', '--config', config, '--out', join(dir, 'x.json'), '--format', 'onnx']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--format "onnx" is not a model format; expected json or binary/);
});

test('predict: one JSON line per row, error lines for bad rows, exit code 1', () => {
  const model = join(dir, 'model.json');
  const input = join(dir, 'rows.jsonl');
  writeFileSync(input, '[0,0,0,0]\n[1,2,3]\n[1,NaN,2,3]\n["a",1,2,3]\n\n[0.5,-1,2,1000]\n');
  const r = run(['predict', '--model', model, '--input', input]);
  assert.equal(r.code, 1);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(lines[0], { prediction: 1, probabilities: [0.1780616183476214, 0.8219383816523785] });
  assert.deepEqual(lines[1], { line: 2, error: 'line 2 has 3 values; the model expects 4 features' });
  assert.match(lines[2].error, /NaN/);
  assert.match(lines[3].error, /line 4\[0\] is a string \("a"\); expected a finite number/);
  assert.equal(lines[4].prediction, 0);
  assert.equal(lines.length, 5);
  assert.match(r.stderr, /3 row\(s\) could not be predicted/);
  const ok = run(['predict', '--model', model], '[0,0,0,0]\n[0,0,0,0]\n');
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.trim().split('\n').length, 2);
  const missing = run(['predict', '--model', join(dir, 'nope.json')], '');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope\.json \(ENOENT\)/);
});

test('dataset writes CSV; a CSV config trains the same model as the generator config', () => {
  const csv = join(dir, 'data.csv');
  const r = run(['dataset', '--config', config, '--out', csv]);
  assert.equal(r.code, 0, r.stderr);
  const text = readFileSync(csv, 'utf8').split('\n');
  assert.equal(text[0], 'x0,x1,x2,x3,y');
  assert.equal(text[1], '-1.6685316675305422,-1.2990134593088984,0.27464720361244455,-0.6036204360190907,0');
  const csvConfig = join(dir, 'csv-config.json');
  const model = JSON.parse(readFileSync(config, 'utf8')).model;
  writeFileSync(csvConfig, JSON.stringify({ dataset: { csv: { path: 'data.csv', target: 'y' } }, model }));
  const t = run(['train', '--config', csvConfig, '--out', join(dir, 'csv-model.json')]);
  assert.equal(t.code, 0, t.stderr);
  const a = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(dir, 'csv-model.json'), 'utf8'));
  assert.deepEqual(b.estimator, a.estimator);
});

test('bad configs exit 1 with a one-line reason', () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(
    bad,
    JSON.stringify({ dataset: { make_classification: { random_state: 0 } }, model: { SVC: {} } }),
  );
  const r = run(['train', '--config', bad, '--out', join(dir, 'x.json')]);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /accepted: DecisionTreeClassifier, DecisionTreeRegressor, RandomForestClassifier, RandomForestRegressor/,
  );
  writeFileSync(bad, '{"dataset": ');
  assert.match(
    run(['train', '--config', bad, '--out', join(dir, 'x.json')]).stderr,
    /bad\.json is not valid JSON/,
  );
  assert.match(run(['dataset', '--config', bad, '--out', join(dir, 'x.csv')]).stderr, /not valid JSON/);
});
