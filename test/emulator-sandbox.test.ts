// Execution environments over real sockets: lazy init, reuse, concurrency and 429, warm start, init errors, Function URL.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alive, call, invoke, running, startFixtureEmulator, waitFor } from './emulator-helpers.js';

/**
 * A handler for the built-in runtime that answers, then makes its runtime die of a late uncaught
 * exception with the next invocation delivered but unread: once the runtime has sent its next
 * GET /next, the process blocks (as a handler's long synchronous timer callback would) until the
 * `crashAfter` file exists, then throws. Every run logs `ran <tag>`.
 */
const LATE_CRASH_HANDLER = `
import { existsSync } from 'node:fs';
import net from 'node:net';
let armed = null;
const write = net.Socket.prototype.write;
net.Socket.prototype.write = function (chunk, ...rest) {
  const written = write.call(this, chunk, ...rest);
  if (armed !== null && typeof chunk === 'string' && chunk.startsWith('GET /2018-06-01/runtime/invocation/next')) {
    const signal = armed;
    armed = null;
    // On the next tick: writes made in this tick (the answer and this GET /next) have left by then.
    process.nextTick(() => {
      const pause = new Int32Array(new SharedArrayBuffer(4));
      const end = Date.now() + 120000;
      while (!existsSync(signal) && Date.now() < end) Atomics.wait(pause, 0, 0, 10);
      process.nextTick(() => {
        throw new Error('late failure');
      });
    });
  }
  return written;
};
export const handler = async (event) => {
  console.log('ran ' + event.tag);
  if (event.crashAfter) armed = event.crashAfter;
  return { tag: event.tag };
};
`;

/**
 * A runtime command for the two tests below: the first instance it starts (no `marker` file yet) asks
 * for an invocation on a raw socket and then does `misbehave` with that socket; every later instance is
 * the built-in runtime.
 */
function firstInstanceRuntime(marker: string, misbehave: string): string {
  const builtIn = new URL('../dist/runtime/main.js', import.meta.url).href;
  return `
import { existsSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import net from 'node:net';
if (existsSync(${JSON.stringify(marker)})) {
  await import(${JSON.stringify(builtIn)});
} else {
  writeFileSync(${JSON.stringify(marker)}, '');
  const [host, port] = String(process.env.AWS_LAMBDA_RUNTIME_API).split(':');
  const socket = net.connect(Number(port), host, () =>
    socket.write('GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHost: ' + host + '\\r\\n\\r\\n'));
  let got = 0;
  ${misbehave}
}
`;
}

/** A handler that answers with its event's tag and the length of its `fill`. */
const SIZE_HANDLER = `export const handler = async (event) => {
  console.log('ran ' + event.tag);
  return { tag: event.tag, size: event.fill.length };
};
`;

/** An emulator (in a new directory) whose first instance misbehaves as `firstInstanceRuntime` says. */
async function misbehavingFirstInstance(misbehave: (dir: string) => string) {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-first-'));
  writeFileSync(join(dir, 'size.mjs'), SIZE_HANDLER);
  writeFileSync(join(dir, 'runtime.mjs'), firstInstanceRuntime(join(dir, 'started'), misbehave(dir)));
  const emu = await startFixtureEmulator({
    bootstrap: [],
    runtimeCommand: [process.execPath, join(dir, 'runtime.mjs')],
    taskRoot: dir,
    handler: 'size.handler',
    timeout: 60,
  });
  const close = async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { emu, dir, close };
}

describe('emulator execution environments', () => {
  it('starts instances lazily, reuses a warm one, and reports Init Duration only on the cold call', async () => {
    const emu = await startFixtureEmulator();
    try {
      assert.deepEqual(emu.pids(), []);
      const cold = await invoke(emu.url, { action: 'env' }, { 'X-Amz-Log-Type': 'Tail' });
      const warm = await invoke(emu.url, { action: 'env' }, { 'X-Amz-Log-Type': 'Tail' });
      assert.equal(JSON.parse(cold.body).pid, JSON.parse(warm.body).pid);
      assert.equal(emu.pids().length, 1);
      const tail = (r: typeof cold) =>
        Buffer.from(String(r.headers['x-amz-log-result']), 'base64').toString();
      assert.match(tail(cold), /\tInit Duration: [\d.]+ ms\t\n$/);
      assert.doesNotMatch(tail(warm), /Init Duration/);
    } finally {
      await emu.close();
    }
  });

  it('runs overlapping calls on separate instances and answers 429 beyond --concurrency', async () => {
    const emu = await startFixtureEmulator({ concurrency: 2 });
    try {
      const slow = [
        invoke(emu.url, { action: 'sleep', ms: 400 }),
        invoke(emu.url, { action: 'sleep', ms: 400 }),
      ];
      await waitFor(() => emu.pids().length === 2);
      const refused = await invoke(emu.url, { n: 1 });
      assert.equal(refused.status, 429);
      assert.equal(refused.headers['x-amzn-errortype'], 'TooManyRequestsException');
      const body = JSON.parse(refused.body);
      assert.equal(body.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
      assert.equal(body.Type, 'User');
      for (const reply of await Promise.all(slow)) assert.deepEqual(JSON.parse(reply.body), { slept: 400 });
      assert.equal((await invoke(emu.url, { n: 2 })).status, 200);
      assert.equal(emu.pids().length, 2);
    } finally {
      await emu.close();
    }
  });

  it('sends a call to another instance when the one it waited for exits before taking it', async () => {
    // The first instance answers, then stays away from /next for 1.5 s and exits (as a runtime does
    // after a handler's uncaught asynchronous exception): the next call, sent at once, waits for it.
    const emu = await startFixtureEmulator({ concurrency: 1, timeout: 30 });
    try {
      const first = JSON.parse((await invoke(emu.url, { action: 'answer-then-exit', ms: 1500 })).body);
      const second = await invoke(emu.url, { action: 'env' });
      assert.equal(second.headers['x-amz-function-error'], undefined, second.body);
      const answered = JSON.parse(second.body);
      assert.notEqual(answered.pid, first.pid, 'the second call ran on a new instance');
      assert.ok(await waitFor(() => !alive(first.pid)));
    } finally {
      await emu.close();
    }
  });

  it('moves a call delivered to a runtime that then dies of a late exception without reading it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-late-'));
    writeFileSync(join(dir, 'late.mjs'), LATE_CRASH_HANDLER);
    const emu = await startFixtureEmulator({
      bootstrap: [],
      runtimeCommand: [process.execPath, join(import.meta.dirname, '..', 'dist', 'runtime', 'main.js')],
      taskRoot: dir,
      handler: 'late.handler',
      concurrency: 2,
      timeout: 60,
    });
    const text = () => emu.logs.join('');
    const count = (needle: string) => text().split(needle).length - 1;
    try {
      for (const [round, type] of [
        [1, 'RequestResponse'],
        [2, 'Event'],
      ] as const) {
        const signal = join(dir, `go-${round}`);
        const first = await invoke(emu.url, { tag: `first-${round}`, crashAfter: signal });
        assert.deepEqual(JSON.parse(first.body), { tag: `first-${round}` });
        const starts = count('START RequestId');
        const second = invoke(emu.url, { tag: `second-${round}` }, { 'X-Amz-Invocation-Type': type });
        // Delivered (its START is logged) to the runtime that is blocked right after asking for it.
        assert.ok(await waitFor(() => count('START RequestId') > starts, 60_000), text());
        writeFileSync(signal, '');
        const reply = await second;
        if (type === 'RequestResponse') {
          assert.equal(reply.headers['x-amz-function-error'], undefined, reply.body);
          assert.deepEqual(JSON.parse(reply.body), { tag: `second-${round}` });
        } else assert.equal(reply.status, 202);
        const id = String(reply.headers['x-amzn-requestid']);
        assert.ok(await waitFor(() => count(`REPORT RequestId: ${id}`) === 1, 60_000), text());
        assert.match(
          text(),
          new RegExp(
            `instance ${round} exited \\(exit status 129\\) before its runtime read request ${id} \\(its connection was reset with the invocation unread\\); sent to another instance`,
          ),
        );
        // Ran once, on the new instance; one START, END and REPORT for it in the log.
        assert.equal(count(`ran second-${round}`), 1, text());
        assert.equal(count(`START RequestId: ${id}`), 1, text());
        assert.equal(count(`END RequestId: ${id}`), 1, text());
      }
      assert.equal(count('Runtime.ExitError'), 0, text());
    } finally {
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('moves a large call whose runtime read only its first 64 KiB before dying', async () => {
    const { emu, close } = await misbehavingFirstInstance(
      () => `socket.on('data', (chunk) => {
    got += chunk.length;
    if (got >= 65536) process.exit(1);
  });`,
    );
    const text = () => emu.logs.join('');
    try {
      const fill = 'z'.repeat(5 * 1024 * 1024);
      const reply = await invoke(emu.url, { tag: 'big', fill });
      assert.equal(reply.headers['x-amz-function-error'], undefined, reply.body);
      assert.deepEqual(JSON.parse(reply.body), { tag: 'big', size: fill.length });
      const id = String(reply.headers['x-amzn-requestid']);
      assert.match(text(), new RegExp(`before its runtime read request ${id} \\(its connection was reset`));
      assert.equal(text().split('ran big').length - 1, 1, text());
    } finally {
      await close();
    }
  });

  it('fails a delivered call as Runtime.ExitError when its connection outlives the runtime by 2 s', async () => {
    // The dying runtime hands its socket to a process outside its group (detached), so neither a
    // reset nor a close tells the emulator whether the invocation was read: it must not guess.
    const { emu, dir, close } = await misbehavingFirstInstance(
      (at) => `socket.once('data', () => {
    const holder = spawn('sleep', ['6'], { stdio: ['ignore', socket, 'ignore'], detached: true });
    writeFileSync(${JSON.stringify(join(at, 'holder.pid'))}, String(holder.pid));
    process.exit(1);
  });`,
    );
    const pidFile = join(dir, 'holder.pid');
    let holder = 0;
    try {
      const reply = await invoke(emu.url, { tag: 'held', fill: 'z'.repeat(1024 * 1024) });
      holder = Number(readFileSync(pidFile, 'utf8'));
      assert.equal(reply.headers['x-amz-function-error'], 'Unhandled');
      assert.equal(JSON.parse(reply.body).errorType, 'Runtime.ExitError');
      assert.ok(running(holder), 'the answer came before the socket was closed');
      // Once the holder is gone (its reset arrives late), the call is not run again; the next one runs.
      process.kill(holder, 'SIGKILL');
      assert.ok(await waitFor(() => !running(holder)));
      const next = await invoke(emu.url, { tag: 'next', fill: '' });
      assert.deepEqual(JSON.parse(next.body), { tag: 'next', size: 0 });
      assert.equal(emu.logs.join('').split('ran held').length - 1, 0);
    } finally {
      if (holder > 0 && running(holder)) process.kill(holder, 'SIGKILL');
      await close();
    }
  });

  it('kills the processes a function started when its runtime exits by itself', async () => {
    const emu = await startFixtureEmulator();
    let orphan = 0;
    try {
      const reply = JSON.parse((await invoke(emu.url, { action: 'answer-then-exit', orphan: true })).body);
      orphan = reply.orphan;
      assert.ok(orphan > 0);
      assert.ok(await waitFor(() => !alive(reply.pid)), 'the runtime exited');
      assert.ok(await waitFor(() => !running(orphan), 10_000), `sleep ${orphan} outlived its runtime`);
    } finally {
      if (running(orphan)) process.kill(orphan, 'SIGKILL');
      await emu.close();
    }
  });

  it('starts --warm instances before listening; their first call is not a cold start', async () => {
    const emu = await startFixtureEmulator({ warm: 2, concurrency: 3 });
    try {
      assert.equal(emu.pids().length, 2);
      const reply = await invoke(emu.url, { n: 1 }, { 'X-Amz-Log-Type': 'Tail' });
      assert.doesNotMatch(
        Buffer.from(String(reply.headers['x-amz-log-result']), 'base64').toString(),
        /Init Duration/,
      );
    } finally {
      await emu.close();
    }
  });

  it('fails the pending call with the init error, then re-initialises on the next call', async () => {
    const emu = await startFixtureEmulator({}, ['--init-error']);
    try {
      for (let i = 0; i < 2; i++) {
        const reply = await invoke(emu.url, { n: i });
        assert.equal(reply.status, 200);
        assert.equal(reply.headers['x-amz-function-error'], 'Unhandled');
        assert.deepEqual(JSON.parse(reply.body), {
          errorType: 'Runtime.ImportModuleError',
          errorMessage: 'Cannot find module fixture',
        });
      }
      assert.equal(emu.logs.join('').split('Init Duration').length, 3);
    } finally {
      await emu.close();
    }
  });

  it('reports a runtime that exits during init as Runtime.ExitError', async () => {
    const emu = await startFixtureEmulator({}, ['--init-exit']);
    try {
      const reply = await invoke(emu.url, {});
      assert.equal(reply.headers['x-amz-function-error'], 'Unhandled');
      assert.match(JSON.parse(reply.body).errorMessage, /Runtime exited with error: exit status 7/);
    } finally {
      await emu.close();
    }
  });

  it('reports a bootstrap that cannot be started as Runtime.InvalidEntrypoint', async () => {
    const emu = await startFixtureEmulator({ bootstrap: ['/nonexistent/lambda-ml-bootstrap'] });
    try {
      const reply = await invoke(emu.url, {});
      assert.equal(reply.headers['x-amz-function-error'], 'Unhandled');
      const error = JSON.parse(reply.body);
      assert.equal(error.errorType, 'Runtime.InvalidEntrypoint');
      assert.match(error.errorMessage, /ENOENT/);
    } finally {
      await emu.close();
    }
  });

  it('turns plain HTTP requests into version 2.0 events in --function-url mode', async () => {
    const emu = await startFixtureEmulator({ functionUrl: true });
    try {
      const echoed = await call(emu.url, {
        method: 'PUT',
        path: '/items/7?x=1&x=2&y=z',
        body: Buffer.from([0xff, 0x00, 0x10]),
        headers: { 'content-type': 'application/octet-stream', cookie: 'c=1; d=2', 'x-custom': 'v' },
      });
      assert.equal(echoed.status, 200);
      const event = JSON.parse(echoed.body);
      assert.equal(event.version, '2.0');
      assert.equal(event.rawPath, '/items/7');
      assert.equal(event.rawQueryString, 'x=1&x=2&y=z');
      assert.deepEqual(event.queryStringParameters, { x: '1,2', y: 'z' });
      assert.deepEqual(event.cookies, ['c=1', 'd=2']);
      assert.equal(event.headers['x-custom'], 'v');
      assert.equal(event.requestContext.http.method, 'PUT');
      assert.equal(event.isBase64Encoded, true);
      assert.deepEqual([...Buffer.from(event.body, 'base64')], [0xff, 0x00, 0x10]);
      const text = JSON.parse(
        (
          await call(emu.url, {
            path: '/t',
            body: '{"a":1}',
            headers: { 'content-type': 'application/json' },
          })
        ).body,
      );
      assert.equal(text.body, '{"a":1}');
      assert.equal(text.isBase64Encoded, false);

      const structured = await call(emu.url, { method: 'GET', path: '/structured' });
      assert.equal(structured.status, 201);
      assert.equal(structured.headers['x-test'], 'yes');
      assert.deepEqual(structured.headers['set-cookie'], ['a=1', 'b=2']);
      assert.deepEqual([...structured.raw], [0, 1, 2, 255]);
      const failed = await call(emu.url, { method: 'GET', path: '/throw' });
      assert.equal(failed.status, 502);
      assert.equal((await invoke(emu.url, { still: 'invoke api' })).status, 200);
    } finally {
      await emu.close();
    }
  });

  it('answers a call still running when the grace period ends instead of dropping it', async () => {
    const emu = await startFixtureEmulator({ gracePeriod: 0.2 });
    const inFlight = invoke(emu.url, { action: 'sleep', ms: 5000 });
    await waitFor(() => emu.pids().length === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await emu.close();
    const reply = await inFlight;
    assert.equal(reply.headers['x-amz-function-error'], 'Unhandled');
    assert.equal(JSON.parse(reply.body).errorType, 'Runtime.ExitError');
  });

  it('lets an in-flight call finish at close, then stops every instance', async () => {
    const emu = await startFixtureEmulator({ concurrency: 3 });
    const inFlight = invoke(emu.url, { action: 'sleep', ms: 300 });
    await invoke(emu.url, { warm: true });
    await waitFor(() => emu.pids().length === 2);
    const pids = emu.pids();
    await emu.close();
    assert.deepEqual(JSON.parse((await inFlight).body), { slept: 300 });
    assert.ok(await waitFor(() => pids.every((pid) => !alive(pid))), 'no runtime process left');
    await assert.rejects(invoke(emu.url, {}));
  });
});
