// `lambda-ml start` as a user runs it: a separate process on an ephemeral port, the tutorial's request and
// every bad input over real HTTP, model reuse vs retraining, a busy port, and a clean Ctrl-C.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

const CLI = resolve('dist/cli/main.js');
const DEFAULT_CONFIG = resolve('config/default-training.json');
const INVOKE = '/2015-03-31/functions/function/invocations';

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly stderr: () => string;
}

/** Spawns `lambda-ml start` and resolves once it prints the URL it listens on. */
function start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const child = spawn(process.execPath, [CLI, 'start', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`start printed no URL in 120 s:\n${stderr}`)), 120_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolveStart({ child, url: match[1], stderr: () => stderr });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`start exited with ${code}:\n${stderr}`));
    });
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

async function post(url: string, body: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${url}${INVOKE}`, { method: 'POST', body, signal: AbortSignal.timeout(60_000) });
  return { status: res.status, json: await res.json() };
}

/** Processes whose environment mentions `marker` (the runtime children carry MODEL_PATH). */
function processesMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(marker)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

describe('lambda-ml start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-start-'));
  const modelPath = join(dir, 'model.json');
  let server: Started;

  before(async () => {
    server = await start(['--port', '0', '--model', modelPath]);
  });

  after(async () => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('trains the default model on first start and answers the tutorial request', async () => {
    assert.match(server.stderr(), /no model yet: trained .*model\.json/);
    assert.match(server.stderr(), /curl -X POST ".*\/2015-03-31\/functions\/function\/invocations"/);
    const reply = await post(server.url, '{"data": [0,0,0,0]}');
    assert.deepEqual(reply, { status: 200, json: { statusCode: 200, body: 1 } });
  });

  const badInputs: Array<[string, string, RegExp]> = [
    ['a body without data', '{"rows": [0,0,0,0]}', /"rows".*expected "data"/],
    ['an empty body object', '{}', /missing "data"; expected/],
    ['data that is not an array', '{"data": "0,0,0,0"}', /"data" is a string.*expected/],
    ['too few values', '{"data": [0,0,0]}', /3 values.*expects 4/],
    ['too many values', '{"data": [0,0,0,0,0]}', /5 values.*expects 4/],
    ['a string value', '{"data": [0,"x",0,0]}', /data\[1\].*expected .*number/],
    ['a non-finite value', '{"data": [0,1e999,0,0]}', /Infinity.*expected a finite number/],
  ];
  for (const [name, body, message] of badInputs) {
    it(`answers ${name} with a 400 naming the problem, and keeps serving`, async () => {
      const reply = await post(server.url, body);
      assert.equal(
        reply.status,
        200,
        'the function answered (a 400 is the function result, not a service error)',
      );
      const result = reply.json as { statusCode: number; body: { error: string } };
      assert.equal(result.statusCode, 400);
      assert.match(result.body.error, message);
      assert.deepEqual(await post(server.url, '{"data": [0,0,0,0]}'), {
        status: 200,
        json: { statusCode: 200, body: 1 },
      });
    });
  }

  it('answers a body that is not JSON with a clear error, and keeps serving', async () => {
    const reply = await post(server.url, '{"data": [0,0,');
    assert.equal(reply.status, 400);
    assert.match(JSON.stringify(reply.json), /InvalidRequestContentException|JSON/);
    assert.deepEqual((await post(server.url, '{"data": [0,0,0,0]}')).json, { statusCode: 200, body: 1 });
  });

  it('refuses a port that is already in use with one line naming it and how to pick another', async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const port = (blocker.address() as { port: number }).port;
    try {
      const child = spawn(process.execPath, [CLI, 'start', '--model', modelPath], {
        env: { ...process.env, PORT: String(port) },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      const code = await exited(child);
      assert.notEqual(code, 0);
      const errorLines = stderr.split('\n').filter((l) => l.includes(String(port)));
      assert.equal(errorLines.length, 1, stderr);
      assert.match(errorLines[0] ?? '', /in use/);
      assert.match(errorLines[0] ?? '', /--port|PORT/);
    } finally {
      blocker.close();
    }
  });

  it('stops on Ctrl-C with exit code 0 and leaves no runtime process behind', async () => {
    assert.ok(processesMentioning(modelPath).length > 0, 'a runtime instance was running');
    server.child.kill('SIGINT');
    assert.equal(await exited(server.child), 0);
    assert.deepEqual(processesMentioning(modelPath), []);
  });

  it('under npm start, a Ctrl-C to the whole process group (as a terminal sends it) exits 0', async () => {
    // npm forwards the signal it gets to its child too, so the server sees SIGINT twice.
    const npm = spawn('npm', ['start', '--silent', '--', '--port', '0', '--model', modelPath], {
      detached: true,
      env: { ...process.env, npm_config_update_notifier: 'false' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    npm.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    try {
      const url = await new Promise<string>((done, fail) => {
        const timer = setTimeout(
          () => fail(new Error(`npm start printed no URL in 180 s:\n${stderr}`)),
          180_000,
        );
        const poll = setInterval(() => {
          const match = /listening on (http:\/\/\S+)/.exec(stderr);
          if (match?.[1] === undefined) return;
          clearInterval(poll);
          clearTimeout(timer);
          done(match[1]);
        }, 20);
      });
      assert.deepEqual((await post(url, '{"data": [0,0,0,0]}')).json, { statusCode: 200, body: 1 });
      process.kill(-(npm.pid as number), 'SIGINT');
      assert.equal(await exited(npm), 0, stderr);
      assert.deepEqual(processesMentioning(modelPath), []);
    } finally {
      if (npm.exitCode === null) process.kill(-(npm.pid as number), 'SIGKILL');
    }
  });

  it('reuses the model when the config is unchanged and retrains when it changed', async () => {
    const again = await start(['--port', '0', '--model', modelPath]);
    again.child.kill('SIGINT');
    assert.equal(await exited(again.child), 0);
    assert.match(again.stderr(), /is up to date/);

    const config = JSON.parse(readFileSync(DEFAULT_CONFIG, 'utf8'));
    config.model.RandomForestClassifier.n_estimators = 10;
    const changed = join(dir, 'changed.json');
    writeFileSync(changed, JSON.stringify(config));
    const retrained = await start(['--port', '0', '--model', modelPath, '--config', changed]);
    retrained.child.kill('SIGINT');
    assert.equal(await exited(retrained.child), 0);
    assert.match(retrained.stderr(), /training config changed: trained/);
  });

  it('retrains over a damaged model file', async () => {
    copyFileSync(DEFAULT_CONFIG, join(dir, 'config.json'));
    writeFileSync(modelPath, '{"format": "lambda-ml-model", "trunc');
    const fresh = await start(['--port', '0', '--model', modelPath, '--config', join(dir, 'config.json')]);
    try {
      assert.match(fresh.stderr(), /existing model is unusable/);
      assert.deepEqual((await post(fresh.url, '{"data": [0,0,0,0]}')).json, { statusCode: 200, body: 1 });
    } finally {
      fresh.child.kill('SIGINT');
      await exited(fresh.child);
    }
  });
});
