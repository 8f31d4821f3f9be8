// `lambda-ml serve --model m.joblib` end to end through the emulator and runtime: the built-in prediction
// handler with pipelines and HistGradientBoosting files of scikit-learn 1.2.1 and 1.6.1, by position and by
// name; and a task root whose own handler loads with loadAnyModelFile.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { serveAll } from './serve-helpers.js';
import { familySets } from './sklearn-families-fixtures.js';
import { MARKER_PATH, sklearnFixtures } from './sklearn-fixtures.js';

const fx = sklearnFixtures();
const dist = join(import.meta.dirname, '..', 'dist');
const taskRoot = mkdtempSync(join(tmpdir(), 'lambda-ml-sklearn-serve-'));
after(() => rmSync(taskRoot, { recursive: true, force: true }));
mkdirSync(join(taskRoot, 'function'));
writeFileSync(
  join(taskRoot, 'function', 'handler.mjs'),
  `import { loadAnyModelFile } from ${JSON.stringify(join(dist, 'sklearn', 'load-any.js'))};
import { loadModelAtInit, locateModel } from ${JSON.stringify(join(dist, 'function', 'model-source.js'))};
import { createPredictionHandler } from ${JSON.stringify(join(dist, 'function', 'predict.js'))};
export const handler = createPredictionHandler(loadModelAtInit(locateModel(process.env, ${JSON.stringify(taskRoot)}, process.cwd()), loadAnyModelFile));
`,
);

/** Starts serve on an ephemeral port with the task root's handler, invokes once with `body`; returns the answer. */
async function serveOnce(model: string, body: string, extra: string[] = []): Promise<string> {
  const args = ['--task-root', taskRoot, '--handler', 'function/handler.handler', ...extra];
  return ((await serveAll(model, [body], args)) as [string])[0];
}

for (const [version, name] of [
  ['1.2.1', 'pipe_ct_rf'],
  ['1.6.1', 'hgb_from_dtype'],
] as const) {
  test(`the built-in handler serves ${version} ${name}.joblib by position and by name as scikit-learn`, {
    timeout: 130_000,
  }, async () => {
    const set = familySets().find((s) => s.version === version);
    const m = set?.models.find((e) => e.name === name);
    assert.ok(set && m?.rows && m.featureNames, `the ${version} ${name} fixture`);
    // The rows scikit-learn answered: objects by name (null = missing, unseen and infrequent categories).
    const byName = m.rows.map((r) => set.row(m, r) as Record<string, unknown>);
    const names = m.featureNames;
    const byPosition = byName.map((r) => names.map((n) => r[n]));
    const want = JSON.stringify({ statusCode: 200, body: m.predict });
    const answers = await serveAll(join(set.dir, m.file), [
      JSON.stringify({ data: byName }),
      JSON.stringify({ data: byPosition }),
      JSON.stringify({ data: { ...byName[0], extra: 1 } }),
    ]);
    assert.deepEqual(answers.slice(0, 2), [want, want]);
    assert.match(answers[2] ?? '', /"statusCode":400,.*data has an unknown field \\"extra\\"/);
  });
}

test("serving modelo.joblib answers the tutorial's request with 1", { timeout: 40_000 }, async () => {
  assert.equal(
    await serveOnce(join(fx.dir, 'modelo.joblib'), '{"data": [0,0,0,0]}'),
    '{"statusCode":200,"body":1}',
  );
});

test('serving a string-label boosting model from a gzip joblib answers with the label', {
  timeout: 130_000,
}, async () => {
  const m = fx.models.find((e) => e.file === 'gb_clf_multi_gzip.joblib');
  assert.ok(m);
  const answer = await serveOnce(join(fx.dir, m.file), JSON.stringify({ data: m.rows[0] }));
  assert.equal(answer, JSON.stringify({ statusCode: 200, body: m.predict[0] }));
});

test('serving a malicious joblib fails at start-up naming the refused global; nothing runs', {
  timeout: 130_000,
}, async () => {
  rmSync(MARKER_PATH, { force: true });
  const failed = await serveOnce(join(fx.dir, 'malicious', 'os_system.joblib'), '{"data": [0,0,0,0]}').then(
    () => assert.fail('serve must not start with a model that does not load'),
    (error: Error) => error.message,
  );
  assert.match(
    failed,
    /^serve exited 1: lambda-ml: the function cannot initialise \(ModelInitError\): .*refused pickle global posix\.system/,
  );
  assert.equal(existsSync(MARKER_PATH), false);
});

test('with --no-fail-fast the call gets the init error naming the refused global; nothing runs', {
  timeout: 130_000,
}, async () => {
  rmSync(MARKER_PATH, { force: true });
  const answer = await serveOnce(join(fx.dir, 'malicious', 'os_system.joblib'), '{"data": [0,0,0,0]}', [
    '--no-fail-fast',
  ]);
  assert.match(answer, /refused pickle global posix\.system/);
  assert.equal(existsSync(MARKER_PATH), false);
});
