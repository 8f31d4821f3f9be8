// The compiled runtime client under the project's emulator: results, errors, init failures and crashes end to end.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Emulator, type EmulatorOptions, startEmulator } from '../src/emulator/server.js';
import { serializeArtifact } from '../src/model/artifact.js';
import { trainFromConfig } from '../src/model/train.js';
import { call } from './emulator-helpers.js';
import { FIXTURES, RUNTIME_MAIN } from './runtime-process.js';

const INVOKE = '/2015-03-31/functions/runtime-test/invocations';

/** Invokes the test function with a JSON event (one call on a fresh connection). */
const invoke = (url: string, event: unknown) => call(url, { path: INVOKE, body: JSON.stringify(event) });

const emulators: Emulator[] = [];
const logs: string[] = [];

async function emulate(handler: string, extra: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({
    host: '127.0.0.1',
    port: 0,
    handler,
    taskRoot: FIXTURES,
    runtimeCommand: [process.execPath, RUNTIME_MAIN],
    functionName: 'runtime-test',
    timeout: 10,
    gracePeriod: 2,
    writeLog: (text) => void logs.push(text),
    ...extra,
  });
  emulators.push(emulator);
  return emulator;
}

after(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

describe('runtime client under the emulator', () => {
  let asyncEmu: Emulator;
  before(async () => {
    asyncEmu = await emulate('async.handler');
  });

  it('returns the handler result with the Lambda context the emulator set up', async () => {
    const reply = await invoke(asyncEmu.url, { n: 1 });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['x-amz-function-error'], undefined);
    const body = JSON.parse(reply.body) as { event: unknown; context: Record<string, unknown> };
    assert.deepEqual(body.event, { n: 1 });
    assert.equal(body.context.functionName, 'runtime-test');
    assert.equal(body.context.memoryLimitInMB, '128');
    assert.equal(body.context.awsRequestId, reply.headers['x-amzn-requestid']);
    assert.match(
      String(body.context.invokedFunctionArn),
      /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:runtime-test$/,
    );
    assert.match(logs.join(''), new RegExp(`\\t${body.context.awsRequestId}\\tINFO\\thello from async`));
  });

  it('reports a handler error as X-Amz-Function-Error: Unhandled with the error body', async () => {
    const emu = await emulate('throws.handler');
    const reply = await invoke(emu.url, {});
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['x-amz-function-error'], 'Unhandled');
    const body = JSON.parse(reply.body) as { errorType: string; errorMessage: string };
    assert.equal(body.errorType, 'ValidationError');
    assert.equal(body.errorMessage, 'quantity must be positive');
  });

  it('reports an init error to the pending invoke', async () => {
    const emu = await emulate('syntax-error.handler');
    const reply = await invoke(emu.url, {});
    assert.equal(reply.headers['x-amz-function-error'], 'Unhandled');
    assert.equal((JSON.parse(reply.body) as { errorType: string }).errorType, 'Runtime.UserCodeSyntaxError');
  });

  it('reports an unhandled rejection, then serves the next call from a fresh process', async () => {
    const emu = await emulate('crashes.unhandledRejection');
    const first = await invoke(emu.url, {});
    const [pid] = emu.pids();
    assert.equal(first.headers['x-amz-function-error'], 'Unhandled');
    assert.equal(
      (JSON.parse(first.body) as { errorType: string }).errorType,
      'Runtime.UnhandledPromiseRejection',
    );
    // The runtime exits right after answering; wait for that so the next call cannot race it.
    for (let i = 0; i < 250 && pid !== undefined && emu.pids().includes(pid); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(
      pid !== undefined && emu.pids().includes(pid),
      false,
      'the crashed runtime is still running',
    );
    const second = await invoke(emu.url, {});
    assert.equal(
      (JSON.parse(second.body) as { errorType: string }).errorType,
      'Runtime.UnhandledPromiseRejection',
    );
  });

  it('waits for the event loop to drain before answering a callback handler', async () => {
    const emu = await emulate('callback.waits');
    const reply = await invoke(emu.url, {});
    assert.ok((JSON.parse(reply.body) as { timerFiredAfterMs: number }).timerFiredAfterMs >= 140, reply.body);
  });

  it('serves the prediction function with the tutorial model (MODEL_PATH from --model)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-runtime-emu-'));
    const config = fileURLToPath(new URL('../config/default-training.json', import.meta.url));
    const modelPath = join(dir, 'model.json');
    writeFileSync(modelPath, serializeArtifact(trainFromConfig(JSON.parse(readFileSync(config, 'utf8')))));
    try {
      const emu = await emulate('function/handler.handler', {
        taskRoot: fileURLToPath(new URL('../dist/', import.meta.url)),
        modelPath,
      });
      const reply = await invoke(emu.url, { data: [0, 0, 0, 0] });
      assert.equal(reply.status, 200);
      assert.deepEqual(JSON.parse(reply.body), { statusCode: 200, body: 1 });
      const bad = await invoke(emu.url, { data: [0, 0] });
      assert.deepEqual(JSON.parse(bad.body), {
        statusCode: 400,
        body: { error: 'data has 2 values; the model expects 4 features' },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
