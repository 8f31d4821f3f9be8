// `lambda-ml bench` against a running emulator: figures, JSON report, errors counted, bad flags refused.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFixtureEmulator, type TestEmulator } from './emulator-helpers.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

function bench(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'bench', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('lambda-ml bench', () => {
  let emu: TestEmulator;
  let dir: string;
  before(async () => {
    emu = await startFixtureEmulator({ concurrency: 4 });
    dir = mkdtempSync(join(tmpdir(), 'lambda-ml-bench-'));
  });
  after(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('measures warm latency and throughput of an endpoint and writes the JSON report', async () => {
    const file = join(dir, 'report.json');
    const r = await bench([
      '--endpoint',
      emu.url,
      '--payload',
      '{"x":1}',
      '--requests',
      '50',
      '--duration',
      '0.5',
      '--concurrency',
      '2',
      '--json',
      file,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /warm \(sequential\)\t50\t0\t/);
    assert.match(r.stdout, /throughput \(2 clients\)\t\d+\t0\t/);
    const report = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(report.warm.calls, 50);
    assert.equal(report.warm.errors, 0);
    assert.ok(report.warm.latency.p50Ms > 0 && report.warm.latency.p50Ms <= report.warm.latency.p99Ms);
    assert.equal(report.throughput.concurrency, 2);
    assert.ok(report.throughput.calls > 0);
    assert.equal(report.cold, undefined);
  });

  it('calls a function through the AWS SDK with --function (pointed at the emulator)', async () => {
    const env = {
      AWS_ENDPOINT_URL_LAMBDA: emu.url,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
    };
    const args = ['--function', 'lambda-ml', '--payload', '{"x":2}', '--requests', '20', '--duration', '0.3'];
    const r = await bench([...args, '--concurrency', '2'], env);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /endpoint: lambda:lambda-ml/);
    assert.match(r.stdout, /warm \(sequential\)\t20\t0\t/);
  });

  it('counts function errors and exits non-zero', async () => {
    const r = await bench([
      '--endpoint',
      emu.url,
      '--payload',
      '{"action":"throw"}',
      '--requests',
      '5',
      '--duration',
      '0.2',
      '--concurrency',
      '1',
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /warm \(sequential\)\t5\t5\t/);
    assert.match(r.stdout, /first error: function error: \{"errorType":"Error"/);
  });

  it('counts an answer whose statusCode is 400 and one that differs from --expected as errors', async () => {
    const args = ['--endpoint', emu.url, '--requests', '5', '--duration', '0.2', '--concurrency', '1'];
    const refused = await bench([...args, '--payload', '{"statusCode":400,"body":{"error":"bad row"}}']);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /warm \(sequential\)\t5\t5\t/);
    assert.match(refused.stdout, /first error: the function answered statusCode 400: \{"statusCode":400/);
    const wrong = await bench([...args, '--payload', '{"x":1}', '--expected', '{"x": 2}']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stdout, /first error: the answer \{"x":1\} differs from --expected \{"x": 2\}/);
    const right = await bench([...args, '--payload', '{"x":1}', '--expected', '{ "x": 1 }']);
    assert.equal(right.code, 0, right.stdout);
  });

  it('stops after the first consecutive connection failures with one clear line', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const r = await bench([
      '--endpoint',
      `http://127.0.0.1:${closed}`,
      '--requests',
      '2000',
      '--duration',
      '30',
    ]);
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0] as string,
      /^lambda-ml: http:\/\/127\.0\.0\.1:\d+\/2015-03-31\/functions\/function\/invocations is not answering: 10 calls in a row got no response \(.*ECONNREFUSED.*\); is it running\?$/,
    );
    assert.equal(r.stdout, '', 'no report: the warm phase stopped and the 30 s throughput phase never ran');
  });

  it('refuses bad flags with a one-line reason', async () => {
    for (const [args, message] of [
      [['--payload', '{nope'], /--payload must be JSON/],
      [['--endpoint', 'not a url'], /--endpoint must be a URL/],
      [['--endpoint', emu.url, '--concurrency', '0'], /--concurrency must be a positive whole number/],
      [['--model', join(dir, 'missing.json')], /model .*missing\.json not found/],
    ] as const) {
      const r = await bench([...args]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, message);
    }
  });
});
