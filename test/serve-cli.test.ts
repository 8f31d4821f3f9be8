// `lambda-ml serve` as a new user meets it: the model `start` trains by default, a missing or broken model
// refused at startup in one line, the health route, one banner for serve and start, lazy-init REPORT lines.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

const CLI = resolve('dist/cli/main.js');
const CONFIG = resolve('config/default-training.json');
const INVOKE = '/2015-03-31/functions/function/invocations';
const HANG_GUARD_MS = 120_000;

interface Served {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** The URL once the banner is printed, or null when the process exited first. */
  readonly url: Promise<string | null>;
  readonly exit: Promise<number | null>;
}

function serve(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Served {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    cwd,
    env: { ...process.env, MODEL_PATH: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const guard = setTimeout(() => child.kill('SIGKILL'), HANG_GUARD_MS);
  void exit.then(() => clearTimeout(guard));
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  const url = new Promise<string | null>((done) => {
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match?.[1] !== undefined) done(match[1]);
    });
    void exit.then(() => done(null));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, url, exit };
}

async function stop(s: Served): Promise<void> {
  if (s.child.exitCode === null) s.child.kill('SIGINT');
  await s.exit;
}

describe('lambda-ml serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-serve-'));
  const empty = mkdtempSync(join(tmpdir(), 'lambda-ml-serve-empty-'));

  before(() => {
    mkdirSync(join(dir, '.artifacts'));
    const trained = spawnSync(
      process.execPath,
      [CLI, 'train', '--config', CONFIG, '--out', join(dir, '.artifacts', 'model.json')],
      { encoding: 'utf8', timeout: HANG_GUARD_MS },
    );
    assert.equal(trained.status, 0, trained.stderr);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  });

  it('serves the model `start` trains (.artifacts/model.json) when no --model is given', async () => {
    const s = serve([], dir);
    try {
      const url = await s.url;
      assert.ok(url, s.stderr());
      const res = await fetch(`${url}${INVOKE}`, { method: 'POST', body: '{"data": [0,0,0,0]}' });
      assert.deepEqual(await res.json(), { statusCode: 200, body: 1 });
      // The instance was initialised before the banner, yet its first call still reports Init Duration,
      // as the lazy cold start it stands in for would.
      const health = await fetch(`${url}/_lambda-ml/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ready', instances: 1 });
    } finally {
      await stop(s);
    }
    assert.match(s.stdout(), /REPORT RequestId: \S+\tDuration: [\d.]+ ms\t.*\tInit Duration: [\d.]+ ms/);
  });

  it('without a model, exits 1 with one line naming the file and the command that makes it', async () => {
    const s = serve([], empty);
    assert.equal(await s.url, null, 'it must not announce a URL');
    assert.equal(await s.exit, 1);
    const lines = s.stderr().trim().split('\n');
    assert.equal(lines.length, 1, s.stderr());
    assert.match(lines[0] as string, /^lambda-ml: no model at \.artifacts\/model\.json: run `npm start`/);
    assert.match(
      lines[0] as string,
      /npx lambda-ml train --config config\/default-training\.json --out \.artifacts\/model\.json/,
    );
  });

  it('a --model that does not exist is refused before anything starts', async () => {
    const s = serve(['--model', 'nope/model.json'], empty);
    assert.equal(await s.exit, 1);
    assert.match(s.stderr(), /^lambda-ml: no model at nope\/model\.json: make it with `npx lambda-ml train/);
    assert.doesNotMatch(s.stderr(), /listening on/);
  });

  it('a model that does not load fails fast with the loader error in one line', async () => {
    const broken = join(empty, 'broken.json');
    writeFileSync(broken, '{"format": "lambda-ml-model", "formatVersion": 1');
    const s = serve(['--model', broken], empty);
    assert.equal(await s.url, null);
    assert.equal(await s.exit, 1);
    const lines = s.stderr().trim().split('\n');
    assert.equal(lines.length, 1, s.stderr());
    assert.match(
      lines[0] as string,
      /^lambda-ml: the function cannot initialise \(\S+\): cannot load the model from .*broken\.json/,
    );
  });

  it('with --no-fail-fast it listens, and the health route answers 503 with the init error', async () => {
    const broken = join(empty, 'broken-later.json');
    writeFileSync(broken, '{}');
    const lazy = serve(['--model', broken, '--no-fail-fast'], empty);
    try {
      const url = await lazy.url;
      assert.ok(url, lazy.stderr());
      const health = await fetch(`${url}/_lambda-ml/health`);
      assert.equal(health.status, 503);
      const body = (await health.json()) as { status: string; errorMessage: string };
      assert.equal(body.status, 'init-failed');
      assert.match(body.errorMessage, /broken-later\.json/);
      assert.equal((await fetch(`${url}/_lambda-ml/health`, { method: 'POST' })).status, 404);
    } finally {
      await stop(lazy);
    }
  });

  it('prints the same invoke path as `start` (the one the README curl uses)', async () => {
    const s = serve([], dir);
    try {
      assert.ok(await s.url);
      assert.match(
        s.stderr(),
        /listening on http:\/\/127\.0\.0\.1:\d+ \(POST \/2015-03-31\/functions\/function\/invocations or \/functions\/lambda-ml\/\)/,
      );
    } finally {
      await stop(s);
    }
  });
});
