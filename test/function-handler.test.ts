// The prediction function run by the real runtime client (dist/) with the tutorial's model, against a fake Runtime API.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serializeArtifact, serializeArtifactBinary } from '../src/model/artifact.js';
import { trainFromConfig } from '../src/model/train.js';
import { type FakeRuntimeApi, startFakeRuntimeApi } from './runtime-fake-api.js';
import { BASE_ENV, type RuntimeProcess, spawnRuntime } from './runtime-process.js';
import { sklearnFixtures } from './sklearn-fixtures.js';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const CONFIG = fileURLToPath(new URL('../config/default-training.json', import.meta.url));
const HANDLER = 'function/handler.handler';
const INIT_ERROR = '/2018-06-01/runtime/init/error';

// scikit-learn 1.2.1 on the same config (RandomForestClassifier(max_depth=2, random_state=0) on
// make_classification(1000, 4, n_informative=2, n_redundant=0, random_state=0, shuffle=False)).
const ROWS = [
  [0, 0, 0, 0],
  [1.5, -0.3, 2.0, 0.1],
  [-2, 1, 0.5, -1],
];
const SKLEARN_CLASSES = [1, 0, 1];
const SKLEARN_PROBA = [
  [0.1780616183476214, 0.8219383816523785],
  [0.6721491173902227, 0.3278508826097773],
  [0.1597692655048478, 0.8402307344951521],
];

const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-function-'));
const modelPath = join(dir, 'model.json');
const running: Array<{ api: FakeRuntimeApi; runtime: RuntimeProcess }> = [];

before(() => {
  writeFileSync(modelPath, serializeArtifact(trainFromConfig(JSON.parse(readFileSync(CONFIG, 'utf8')))));
});

after(async () => {
  for (const { api, runtime } of running.splice(0)) {
    await runtime.stop();
    await api.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

async function launch(env: Record<string, string>) {
  const api = await startFakeRuntimeApi();
  const runtime = spawnRuntime([HANDLER], {
    ...BASE_ENV,
    AWS_LAMBDA_RUNTIME_API: api.address,
    LAMBDA_TASK_ROOT: DIST,
    ...env,
  });
  running.push({ api, runtime });
  return { api, runtime };
}

describe('prediction function in the runtime client', () => {
  let api: FakeRuntimeApi;
  let runtime: RuntimeProcess;
  let seq = 0;
  before(async () => {
    ({ api, runtime } = await launch({ MODEL_PATH: modelPath }));
  });

  async function call(event: unknown): Promise<unknown> {
    const id = `p-${++seq}`;
    api.enqueue({ requestId: id, body: JSON.stringify(event) });
    const reply = await api.waitFor((r) => r.path.startsWith(`/2018-06-01/runtime/invocation/${id}/`));
    assert.ok(reply.path.endsWith('/response'), reply.body);
    return JSON.parse(reply.body);
  }

  it("answers the tutorial's request like scikit-learn", async () => {
    assert.deepEqual(await call({ data: [0, 0, 0, 0] }), { statusCode: 200, body: 1 });
  });

  it('answers batches and probabilities like scikit-learn', async () => {
    assert.deepEqual(await call({ data: ROWS }), { statusCode: 200, body: SKLEARN_CLASSES });
    const reply = (await call({ data: ROWS, probabilities: true })) as {
      body: Array<{ prediction: number; probabilities: number[] }>;
    };
    assert.deepEqual(
      reply.body.map((r) => r.prediction),
      SKLEARN_CLASSES,
    );
    for (const [i, r] of reply.body.entries()) {
      for (const [j, p] of r.probabilities.entries()) {
        assert.ok(Math.abs(p - (SKLEARN_PROBA[i]?.[j] ?? Number.NaN)) < 1e-12, `row ${i} class ${j}: ${p}`);
      }
    }
  });

  it('answers a Function URL event with a base64 body as an HTTP response', async () => {
    const body = Buffer.from(JSON.stringify({ data: [0, 0, 0, 0] })).toString('base64');
    const event = {
      version: '2.0',
      requestContext: { http: { method: 'POST' } },
      body,
      isBase64Encoded: true,
    };
    assert.deepEqual(await call(event), {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '1',
    });
  });

  it('answers bad input with 400 and keeps serving', async () => {
    assert.deepEqual(await call({ data: [1, 2, 3] }), {
      statusCode: 400,
      body: { error: 'data has 3 values; the model expects 4 features' },
    });
    assert.deepEqual(await call({ data: [0, 0, 0, 0] }), { statusCode: 200, body: 1 });
  });

  it('answers a value beyond float32 range (the forest casts rows to float32) with 400', async () => {
    assert.deepEqual(
      await call({
        data: [
          [0, 0, 0, 0],
          [0, 1e39, 0, 0],
        ],
      }),
      {
        statusCode: 400,
        body: {
          error:
            "data[1][1] is 1e+39, beyond float32's range: feature 1 is cast to float32 by this model (as scikit-learn's trees and XGBoost do), so expected a number within ±3.4028234663852886e+38",
        },
      },
    );
  });

  it('loaded the model once, at init', () => {
    const loads = runtime.stdout().match(/loaded RandomForestClassifier \(4 features\) from /g) ?? [];
    assert.equal(loads.length, 1);
    assert.match(runtime.stdout(), /\tundefined\tINFO\tloaded RandomForestClassifier/);
  });
});

describe('prediction function with a binary artifact', () => {
  it('answers like the JSON artifact', async () => {
    const binPath = join(dir, 'model.lmlb');
    writeFileSync(
      binPath,
      serializeArtifactBinary(trainFromConfig(JSON.parse(readFileSync(CONFIG, 'utf8')))),
    );
    const { api, runtime } = await launch({ MODEL_PATH: binPath });
    api.enqueue({ requestId: 'b-1', body: JSON.stringify({ data: ROWS }) });
    const reply = await api.waitFor((r) => r.path.startsWith('/2018-06-01/runtime/invocation/b-1/'));
    assert.deepEqual(JSON.parse(reply.body), { statusCode: 200, body: SKLEARN_CLASSES });
    assert.match(runtime.stdout(), /loaded RandomForestClassifier \(4 features\) from .*model\.lmlb/);
  });
});

describe('prediction function init errors name the model path', () => {
  const cases: Array<[string, () => Record<string, string>, RegExp]> = [
    [
      'a missing MODEL_PATH file',
      () => ({ MODEL_PATH: join(dir, 'absent.json') }),
      /absent\.json \(MODEL_PATH=.*ENOENT/,
    ],
    [
      'a damaged model file',
      () => {
        writeFileSync(
          join(dir, 'damaged.json'),
          '{"format": "lambda-ml-model", "formatVersion": 1, "kind": ',
        );
        return { MODEL_PATH: join(dir, 'damaged.json') };
      },
      /cannot load the model from .*damaged\.json \(MODEL_PATH=.*\): .*not valid JSON/,
    ],
    [
      'an artifact edited (its own sha256 field recomputed) under a MODEL_SHA256 pin',
      () => {
        const original = readFileSync(modelPath, 'utf8');
        const artifact = JSON.parse(original);
        artifact.estimator.trees[0].value[0] += 1;
        writeFileSync(join(dir, 'edited.json'), serializeArtifact(artifact));
        const pin = createHash('sha256').update(original).digest('hex');
        return { MODEL_PATH: join(dir, 'edited.json'), MODEL_SHA256: pin };
      },
      /edited\.json \(MODEL_PATH=.*\) has sha256 [0-9a-f]{64}, but MODEL_SHA256 pins [0-9a-f]{64}: it is not the model this function was deployed with/,
    ],
    [
      'the default path next to the handler when MODEL_PATH is unset',
      () => ({}),
      /cannot load the model from .*dist\/function\/model\.json \(the default model\.json next to the handler; set MODEL_PATH/,
    ],
  ];
  for (const [name, env, message] of cases) {
    it(name, async () => {
      const { api, runtime } = await launch(env());
      const posted = await api.waitFor((r) => r.path === INIT_ERROR);
      assert.equal(posted.headers['lambda-runtime-function-error-type'], 'ModelInitError');
      const body = JSON.parse(posted.body) as { errorType: string; errorMessage: string };
      assert.equal(body.errorType, 'ModelInitError');
      assert.match(body.errorMessage, message);
      assert.equal((await runtime.exited).code, 129);
    });
  }
});

describe('prediction function with a scikit-learn file as MODEL_PATH', () => {
  it("serves the tutorial's modelo.joblib like scikit-learn", async () => {
    const fx = sklearnFixtures();
    const modelo = fx.models.find((m) => m.file === 'modelo.joblib');
    assert.ok(modelo, 'the fixture script no longer writes modelo.joblib');
    const { api, runtime } = await launch({ MODEL_PATH: join(fx.dir, 'modelo.joblib') });
    api.enqueue({ requestId: 'j-1', body: JSON.stringify({ data: modelo.rows }) });
    const reply = await api.waitFor((r) => r.path.startsWith('/2018-06-01/runtime/invocation/j-1/'));
    assert.deepEqual(JSON.parse(reply.body), { statusCode: 200, body: modelo.predict });
    assert.match(runtime.stdout(), /loaded RandomForestClassifier \(4 features\) from .*modelo\.joblib/);
  });

  it('reports a binary file that is no model as an init error naming the path', async () => {
    writeFileSync(join(dir, 'garbage.joblib'), Buffer.from([0x80, 0x04, 0x95, 0xff, 0x00, 0x13, 0x37]));
    const { api, runtime } = await launch({ MODEL_PATH: join(dir, 'garbage.joblib') });
    const posted = await api.waitFor((r) => r.path === INIT_ERROR);
    const body = JSON.parse(posted.body) as { errorType: string; errorMessage: string };
    assert.equal(body.errorType, 'ModelInitError');
    assert.match(
      body.errorMessage,
      /^cannot load the model from .*garbage\.joblib \(MODEL_PATH=.*garbage\.joblib\): /,
    );
    assert.equal((await runtime.exited).code, 129);
  });
});
