// End to end: the built-in runtime client and the prediction function behind the emulator, as the tutorial calls it.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../src/emulator/server.js';
import { call, invoke } from './emulator-helpers.js';

const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');

describe('emulator with the real runtime client and prediction function', () => {
  let dir: string;
  let model: string;
  let emu: Emulator;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lambda-ml-emu-'));
    model = join(dir, 'model.json');
    const trained = spawnSync(
      process.execPath,
      [
        join(DIST, 'cli', 'main.js'),
        'train',
        '--config',
        join(ROOT, 'config', 'default-training.json'),
        '--out',
        model,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(trained.status, 0, trained.stderr);
    emu = await startEmulator({
      host: '127.0.0.1',
      port: 0,
      modelPath: model,
      taskRoot: DIST,
      runtimeCommand: [process.execPath, join(DIST, 'runtime', 'main.js')],
      functionUrl: true,
      initTimeout: 60, // margin for a loaded machine (Lambda's own limit is 10 s)
      writeLog: () => {},
    });
  });
  after(async () => {
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers the tutorial's request {data:[0,0,0,0]} with {statusCode:200, body:1}", async () => {
    const reply = await invoke(emu.url, { data: [0, 0, 0, 0] });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['x-amz-function-error'], undefined);
    assert.deepEqual(JSON.parse(reply.body), { statusCode: 200, body: 1 });
  });

  it('answers a Distributed Map batch (indexed CSV rows) in item order, with probabilities', async () => {
    // scikit-learn 1.2.1's answers for these rows are in test/function-handler.test.ts.
    const reply = await invoke(emu.url, {
      Items: [
        { index: 10, row: { f0: '0', f1: '0', f2: '0', f3: '0' } },
        { index: 11, row: { f0: '1.5', f1: '-0.3', f2: '2.0', f3: '0.1' } },
        { index: 12, row: { f0: '-2', f1: '1', f2: '0.5', f3: '-1' } },
      ],
      BatchInput: { indexed: true, probabilities: true },
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['x-amz-function-error'], undefined, reply.body);
    assert.deepEqual(JSON.parse(reply.body), [
      { index: 10, prediction: 1, probabilities: [0.1780616183476214, 0.8219383816523785] },
      { index: 11, prediction: 0, probabilities: [0.6721491173902227, 0.3278508826097773] },
      { index: 12, prediction: 1, probabilities: [0.1597692655048478, 0.8402307344951521] },
    ]);
  });

  it('fails a batch with a bad row as Prediction.InvalidItems (a function error Step Functions does not retry)', async () => {
    const reply = await invoke(emu.url, {
      Items: [
        { index: 0, row: { f0: '0', f1: '0', f2: '0', f3: '0' } },
        { index: 1, row: { f0: 'x', f1: '0', f2: '0', f3: '0' } },
      ],
      BatchInput: { indexed: true },
    });
    assert.equal(reply.headers['x-amz-function-error'], 'Unhandled');
    const error = JSON.parse(reply.body) as { errorType: string; errorMessage: string };
    assert.equal(error.errorType, 'Prediction.InvalidItems');
    assert.match(error.errorMessage, /row 1 column "f0" is "x"; expected a number/);
  });

  it('serves the same prediction as a Function URL request', async () => {
    const reply = await call(emu.url, {
      path: '/',
      body: '{"data":[0,0,0,0]}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.body, '1');
  });

  it('lambda-ml bench launches the emulator locally and measures its cold start', async () => {
    const args = [
      join(DIST, 'cli', 'main.js'),
      'bench',
      '--model',
      model,
      '--cold-runs',
      '2',
      '--requests',
      '20',
    ];
    args.push('--duration', '0.3', '--expected', '{"statusCode":200,"body":1}');
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /cold start \(launch -> first correct answer\), median of 2: [\d.]+ ms/);
    assert.match(stdout, /warm \(sequential\)\t20\t0\t/);
    assert.match(stdout, /RSS: emulator [\d.]+ MB, instances [\d.]+ MB/);
  });
});
