// `lambda-ml bench` against a running emulator: figures, JSON report, errors counted, bad flags refused.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
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
    assert.match(r.stdout, /first error: 200 \{"errorType":"Error"/);
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
