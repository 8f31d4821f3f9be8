// `lambda-ml describe` as a user runs it (compiled dist/): text and JSON, on a natively trained model.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const config = fileURLToPath(new URL('../config/default-training.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-describe-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('describe prints features, classes and an example request; --json is the schema answer', () => {
  const model = join(dir, 'model.json');
  assert.equal(run(['train', '--config', config, '--out', model]).code, 0);
  const text = run(['describe', model]);
  assert.equal(text.code, 0, text.stderr);
  assert.equal(
    text.stdout,
    [
      'RandomForestClassifier (classification)',
      'input: 4 features, by position (arrays); null = missing where "missing" is yes',
      '  #  name  kind    missing  values',
      '  0  -     number  no       any finite number',
      '  1  -     number  no       any finite number',
      '  2  -     number  no       any finite number',
      '  3  -     number  no       any finite number',
      'output: one of the classes 0, 1; probabilities: yes ("probabilities": true, in classes order)',
      'example request: {"data":[0,0,0,0]}',
      '',
    ].join('\n'),
  );
  const json = run(['describe', '--json', model]);
  const d = JSON.parse(json.stdout);
  assert.deepEqual(d.classes, [0, 1]);
  assert.equal(d.features.length, 4);
  assert.equal(d.named, false);
  const predicted = run(['predict', '--model', model], `${JSON.stringify(d.example.data)}\n[0,null,0,0]\n`);
  const lines = predicted.stdout.trim().split('\n');
  assert.equal(JSON.parse(lines[0] as string).prediction, 1);
  assert.match(lines[1] as string, /line 2\[1\] is null \(a missing value\), but feature 1 does not accept/);
  const missing = run(['describe', join(dir, 'absent.json')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /absent\.json \(ENOENT\)/);
});
