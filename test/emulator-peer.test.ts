// Runtime API peer verification: another local process that finds an instance's port cannot take its
// invocations, answer for it or report an init error; the runtime and its children still can.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { canVerifyPeers } from '../src/emulator/proc.js';
import { FIXTURE_RUNTIME, invoke, startFixtureEmulator, waitFor } from './emulator-helpers.js';

/** What an attacker does first: read AWS_LAMBDA_RUNTIME_API from the runtime's /proc environ. */
function runtimeApiOf(pid: number): string {
  const env = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
  const entry = env.find((e) => e.startsWith('AWS_LAMBDA_RUNTIME_API='));
  assert.ok(entry, 'the runtime has AWS_LAMBDA_RUNTIME_API');
  return entry.slice('AWS_LAMBDA_RUNTIME_API='.length);
}

/** One request from this (foreign) process: its status, or the network error it ended with. */
function forge(api: string, method: string, path: string, body?: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(`http://${api}/2018-06-01/runtime${path}`, { method, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.setTimeout(3000, () => req.destroy(new Error('forged request hung')));
    req.end(body);
  });
}

const REFUSED = /^(ECONNRESET|EPIPE|socket hang up)$/;
const skip = canVerifyPeers() ? false : 'this system has no /proc to verify Runtime API peers with';

describe('Runtime API peer verification', { skip }, () => {
  it('refuses a foreign /next and /init/error during a cold start; the caller gets the real answer', async () => {
    const emu = await startFixtureEmulator({ timeout: 10 }, ['--init-delay', '800']);
    try {
      const pending = invoke(emu.url, { secret: 'payload' });
      assert.ok(await waitFor(() => emu.pids().length === 1), 'an instance started');
      const api = runtimeApiOf(emu.pids()[0] as number);
      const [next, initError] = await Promise.all([
        forge(api, 'GET', '/invocation/next'),
        forge(api, 'POST', '/init/error', '{"errorType":"Forged","errorMessage":"x"}'),
      ]);
      assert.match(String(next), REFUSED, `foreign /next got ${next}`);
      assert.match(String(initError), REFUSED, `foreign /init/error got ${initError}`);
      const reply = await pending;
      assert.equal(reply.status, 200);
      assert.equal(reply.headers['x-amz-function-error'], undefined, reply.body);
      assert.deepEqual(JSON.parse(reply.body), { secret: 'payload' });
      assert.match(emu.logs.join(''), /refused a Runtime API connection from 127\.0\.0\.1:\d+/);
    } finally {
      await emu.close();
    }
  });

  it('refuses a forged response for a running invocation', async () => {
    const emu = await startFixtureEmulator({ timeout: 10 });
    try {
      const pending = invoke(emu.url, { action: 'sleep', ms: 600 });
      let id = '';
      assert.ok(
        await waitFor(() => {
          id = /START RequestId: ([0-9a-f-]{36})/.exec(emu.logs.join(''))?.[1] ?? '';
          return id !== '';
        }),
      );
      const api = runtimeApiOf(emu.pids()[0] as number);
      const forged = await forge(api, 'POST', `/invocation/${id}/response`, '"forged"');
      assert.match(String(forged), REFUSED, `forged response got ${forged}`);
      const reply = await pending;
      assert.deepEqual(JSON.parse(reply.body), { slept: 600 });
    } finally {
      await emu.close();
    }
  });

  it("admits a runtime started as a child of the bootstrap (the instance's process tree)", async () => {
    // `; exit $?` keeps the shell alive as the parent, so node is a grandchild of the emulator.
    const script = `"${process.execPath}" "${FIXTURE_RUNTIME}"; exit $?`;
    const emu = await startFixtureEmulator({ bootstrap: ['/bin/sh', '-c', script] });
    try {
      const reply = await invoke(emu.url, { via: 'shell' });
      assert.deepEqual(JSON.parse(reply.body), { via: 'shell' });
      assert.doesNotMatch(emu.logs.join(''), /refused a Runtime API connection/);
    } finally {
      await emu.close();
    }
  });
});
