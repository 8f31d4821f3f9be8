// The emulator as a process (dist/emulator/main.js and `lambda-ml serve`): env/flags, port in use, SIGTERM.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alive, FIXTURE_RUNTIME, invoke, waitFor } from './emulator-helpers.js';

const ROOT = join(import.meta.dirname, '..');
const MAIN = join(ROOT, 'dist', 'emulator', 'main.js');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

interface Run {
  readonly child: ChildProcess;
  readonly stderr: () => string;
  readonly exit: Promise<number | null>;
}

function run(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  void exit.then(() => clearTimeout(timer));
  return { child, stderr: () => stderr, exit };
}

async function urlOf(r: Run): Promise<string> {
  assert.ok(await waitFor(() => /listening on (http:\S+)/.test(r.stderr()), 60_000), r.stderr()); // start-up at load average 50 took over 10 s
  return /listening on (http:\S+)/.exec(r.stderr())?.[1] as string;
}

async function busyPort(): Promise<{ port: number; close: () => void }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return { port: address.port, close: () => server.close() };
}

describe('emulator processes', () => {
  for (const [name, prefix] of [
    ['main.js', [MAIN]],
    ['lambda-ml serve', [CLI, 'serve']],
  ] as const) {
    it(`${name}: a port in use fails with one line naming the port and how to choose another`, async () => {
      const busy = await busyPort();
      try {
        const r = run([
          ...prefix,
          '--port',
          String(busy.port),
          '--bootstrap',
          process.execPath,
          FIXTURE_RUNTIME,
        ]);
        assert.notEqual(await r.exit, 0);
        const lines = r.stderr().trim().split('\n');
        assert.equal(lines.length, 1, r.stderr());
        assert.match(lines[0] as string, new RegExp(`port ${busy.port} .*--port .*PORT`));
      } finally {
        busy.close();
      }
    });

    it(`${name}: a bad option is a one-line error naming it`, async () => {
      const r = run([...prefix, '--port', '0', '--timeout', 'soon']);
      assert.equal(await r.exit, 1);
      assert.match(r.stderr(), /--timeout .*must be a number, got 'soon'/);
      const init = run([...prefix, '--port', '0', '--init-timeout', '10s']);
      assert.equal(await init.exit, 1);
      assert.match(init.stderr(), /--init-timeout \(or INIT_TIMEOUT\) must be a number, got '10s'/);
    });
  }

  it('main.js takes env equivalents and, on SIGTERM, finishes the in-flight call, stops instances, exits 0', async () => {
    const r = run([MAIN], {
      PORT: '0',
      HOST: '127.0.0.1',
      FUNCTION_NAME: 'env-fn',
      BOOTSTRAP: `${process.execPath} ${FIXTURE_RUNTIME}`,
    });
    const url = await urlOf(r);
    const { env, pid } = JSON.parse((await invoke(url, { action: 'env' })).body);
    assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'env-fn');
    const inFlight = invoke(url, { action: 'sleep', ms: 400 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    r.child.kill('SIGTERM');
    assert.deepEqual(JSON.parse((await inFlight).body), { slept: 400 });
    assert.equal(await r.exit, 0);
    assert.ok(await waitFor(() => !alive(pid)), 'runtime process stopped');
  });

  it('main.js on SIGTERM writes Event invocations it could not run to the dead-letter file and exits 75', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-dlq-'));
    try {
      const file = join(dir, 'dead.jsonl');
      const r = run([
        MAIN,
        '--port',
        '0',
        '--concurrency',
        '1',
        '--grace-period',
        '0.3',
        '--dead-letter-file',
        file,
        '--bootstrap',
        process.execPath,
        FIXTURE_RUNTIME,
      ]);
      const url = await urlOf(r);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const reply = await invoke(
          url,
          { action: 'sleep', ms: 600_000 },
          { 'X-Amz-Invocation-Type': 'Event' },
        );
        assert.equal(reply.status, 202);
        ids.push(String(reply.headers['x-amzn-requestid']));
      }
      r.child.kill('SIGTERM');
      assert.equal(await r.exit, 75, r.stderr());
      assert.match(
        r.stderr(),
        new RegExp(`3 Event invocation\\(s\\) did not run; written to ${file}; exit status 75`),
      );
      const written = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).requestId);
      assert.deepEqual(written.sort(), ids.sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lambda-ml serve passes arguments after -- to --bootstrap and stops on SIGINT with exit 0', async () => {
    const r = run([
      CLI,
      'serve',
      '--port',
      '0',
      '--function-name',
      'cli-fn',
      '--bootstrap',
      process.execPath,
      FIXTURE_RUNTIME,
      '--',
      '--init-delay',
      '10',
    ]);
    const url = await urlOf(r);
    const reply = await invoke(url, { action: 'env' });
    const { env, pid } = JSON.parse(reply.body);
    assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'cli-fn');
    r.child.kill('SIGINT');
    assert.equal(await r.exit, 0);
    assert.ok(await waitFor(() => !alive(pid)), 'runtime process stopped');
  });
});
