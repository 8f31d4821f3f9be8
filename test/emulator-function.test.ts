// End to end: the built-in runtime client and the prediction function behind the emulator, as the tutorial calls it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
  let emu: Emulator;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lambda-ml-emu-'));
    const model = join(dir, 'model.json');
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

  it('serves the same prediction as a Function URL request', async () => {
    const reply = await call(emu.url, {
      path: '/',
      body: '{"data":[0,0,0,0]}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.body, '1');
  });
});
