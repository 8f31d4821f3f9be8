// `lambda-ml runtime <module.function>` runs the same client in the CLI process (flags map to the Lambda env vars).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startFakeRuntimeApi } from './runtime-fake-api.js';
import { BASE_ENV, FIXTURES } from './runtime-process.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('lambda-ml runtime', () => {
  it('serves invocations with --runtime-api and --task-root, and exits 0 on SIGTERM', async () => {
    const api = await startFakeRuntimeApi();
    const child = spawn(
      process.execPath,
      [CLI, 'runtime', 'callback.waits', '--runtime-api', api.address, '--task-root', FIXTURES],
      { env: { PATH: process.env.PATH ?? '', ...BASE_ENV }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = once(child, 'exit');
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGKILL');
        await exited;
      }
      await api.close();
    });
    api.enqueue({ requestId: 'cli-1', body: '{}' });
    const reply = await api.waitFor((r) => r.path === '/2018-06-01/runtime/invocation/cli-1/response');
    // The callback answer still waits for the event loop to drain inside the CLI process.
    assert.ok((JSON.parse(reply.body) as { timerFiredAfterMs: number }).timerFiredAfterMs >= 140, reply.body);
    await api.waitFor((r) => r.method === 'GET' && r.at >= reply.at);
    child.kill('SIGTERM');
    assert.deepEqual(await exited, [0, null]);
  });

  it('fails with a message naming the missing Runtime API address', async () => {
    const child = spawn(process.execPath, [CLI, 'runtime', 'async.handler'], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const [code] = await once(child, 'exit');
    assert.equal(code, 1);
    assert.match(stderr, /AWS_LAMBDA_RUNTIME_API is not set; expected host:port/);
  });
});
