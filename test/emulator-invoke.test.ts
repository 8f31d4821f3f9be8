// The Invoke API over real sockets: success, function errors, timeouts, crashes, OOM, limits, logs, reuse.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { alive, call, invoke, startFixtureEmulator, type TestEmulator, waitFor } from './emulator-helpers.js';

describe('emulator Invoke API', () => {
  let emu: TestEmulator;
  before(async () => {
    // A timeout no working call reaches on a loaded 2-core machine (a 6 MB echo or the OOM fixture's
    // allocation took over 1 s at load 15); the timeout test below has its own, short one.
    emu = await startFixtureEmulator({ timeout: 30, memory: 128, functionName: 'my-fn' });
  });
  after(async () => {
    await emu.close();
  });

  it('returns the function result with x-amzn-RequestId and X-Amz-Executed-Version', async () => {
    const reply = await invoke(emu.url, { hello: 'world' });
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body), { hello: 'world' });
    assert.match(String(reply.headers['x-amzn-requestid']), /^[0-9a-f-]{36}$/);
    assert.equal(reply.headers['x-amz-executed-version'], '$LATEST');
    assert.equal(reply.headers['x-amz-function-error'], undefined);
  });

  it('accepts the configured name, an ARN, ?Qualifier=$LATEST and the live alias; rejects other names and qualifiers', async () => {
    const body = '{"n":1}';
    const byName = await call(emu.url, { path: '/2015-03-31/functions/my-fn/invocations', body });
    const byArn = await call(emu.url, {
      path: `/2015-03-31/functions/${encodeURIComponent('arn:aws:lambda:us-east-1:012345678912:function:my-fn')}/invocations`,
      body,
    });
    const latest = await call(emu.url, {
      path: '/2015-03-31/functions/my-fn/invocations?Qualifier=%24LATEST',
      body,
    });
    // `live` is the alias the CDK app deploys, so docs/deploy.md's `invoke --qualifier live` works locally.
    const live = await call(emu.url, {
      path: '/2015-03-31/functions/my-fn/invocations?Qualifier=live',
      body,
    });
    const inline = await call(emu.url, { path: '/2015-03-31/functions/my-fn%3Alive/invocations', body });
    assert.deepEqual(
      [byName.status, byArn.status, latest.status, live.status, inline.status],
      [200, 200, 200, 200, 200],
    );
    for (const path of [
      '/2015-03-31/functions/other/invocations',
      '/2015-03-31/functions/my-fn/invocations?Qualifier=7',
      '/2015-03-31/functions/my-fn/invocations?Qualifier=staging',
    ]) {
      const reply = await call(emu.url, { path, body });
      assert.equal(reply.status, 404);
      assert.equal(reply.headers['x-amzn-errortype'], 'ResourceNotFoundException');
      assert.equal(JSON.parse(reply.body).Type, 'User');
      assert.ok(reply.headers['x-amzn-requestid']);
    }
  });

  it('answers a wrong method or an unknown path with UnknownOperationException', async () => {
    for (const [method, path] of [
      ['GET', '/2015-03-31/functions/function/invocations'],
      ['PUT', '/2015-03-31/functions/function/invocations'],
      ['POST', '/nothing/here'],
    ] as const) {
      const reply = await call(emu.url, { method, path, body: method === 'GET' ? undefined : '{}' });
      assert.equal(reply.status, 404, `${method} ${path}`);
      assert.equal(reply.headers['x-amzn-errortype'], 'UnknownOperationException');
      assert.ok(reply.headers['x-amzn-requestid']);
    }
  });

  it('rejects a body that is not JSON with 400 InvalidRequestContentException', async () => {
    const reply = await call(emu.url, { body: '{"broken"' });
    assert.equal(reply.status, 400);
    assert.equal(reply.headers['x-amzn-errortype'], 'InvalidRequestContentException');
    assert.match(JSON.parse(reply.body).Message, /Could not parse request body into json/);
  });

  it('rejects a body over 6,291,456 bytes with 413 and accepts one exactly at the limit', async () => {
    const over = await call(emu.url, { body: `"${'a'.repeat(6_291_456 - 1)}"` });
    assert.equal(over.status, 413);
    assert.equal(over.headers['x-amzn-errortype'], 'RequestEntityTooLargeException');
    assert.match(JSON.parse(over.body).Message, /Request must be smaller than 6291456 bytes/);
    const at = await call(emu.url, { body: `"${'a'.repeat(6_291_456 - 2)}"` });
    assert.equal(at.status, 200);
    assert.equal(at.body.length, 6_291_456);
  });

  it('reports a handler error as 200 + X-Amz-Function-Error: Unhandled with the error JSON', async () => {
    const reply = await invoke(emu.url, { action: 'throw', message: 'bad input' });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['x-amz-function-error'], 'Unhandled');
    assert.deepEqual(JSON.parse(reply.body), {
      errorType: 'Error',
      errorMessage: 'bad input',
      stackTrace: ['at fixture'],
    });
  });

  it('times out with Sandbox.Timedout, kills the instance and cold-starts the next call', async () => {
    const short = await startFixtureEmulator({ timeout: 3, memory: 128, functionName: 'my-fn' });
    try {
      const first = JSON.parse((await invoke(short.url, { action: 'env' })).body).pid as number;
      const reply = await invoke(short.url, { action: 'sleep', ms: 60_000 });
      assert.equal(reply.headers['x-amz-function-error'], 'Unhandled');
      const error = JSON.parse(reply.body);
      assert.equal(error.errorType, 'Sandbox.Timedout');
      assert.match(
        error.errorMessage,
        /^RequestId: [0-9a-f-]{36} Error: Task timed out after 3\.00 seconds$/,
      );
      assert.ok(await waitFor(() => !alive(first)), 'timed-out instance killed');
      const next = await invoke(short.url, { action: 'env' }, { 'X-Amz-Log-Type': 'Tail' });
      assert.notEqual(JSON.parse(next.body).pid, first);
      assert.match(
        Buffer.from(String(next.headers['x-amz-log-result']), 'base64').toString(),
        /Init Duration: [\d.]+ ms/,
      );
    } finally {
      await short.close();
    }
  });

  it('reports a runtime exit mid-call as Runtime.ExitError with the exit status and replaces the instance', async () => {
    const reply = await invoke(emu.url, { action: 'exit', code: 9 });
    assert.equal(reply.headers['x-amz-function-error'], 'Unhandled');
    const error = JSON.parse(reply.body);
    assert.equal(error.errorType, 'Runtime.ExitError');
    assert.match(error.errorMessage, /Runtime exited with error: exit status 9/);
    assert.equal((await invoke(emu.url, { ok: 1 })).status, 200);
  });

  it('kills an instance over --memory with Runtime.OutOfMemory', async () => {
    const reply = await invoke(emu.url, { action: 'oom' });
    assert.equal(reply.headers['x-amz-function-error'], 'Unhandled');
    assert.equal(JSON.parse(reply.body).errorType, 'Runtime.OutOfMemory');
    assert.deepEqual(JSON.parse((await invoke(emu.url, { ok: 2 })).body), { ok: 2 });
  });

  it('fails a response over 6,291,556 bytes with Function.ResponseSizeTooLarge', async () => {
    const reply = await invoke(emu.url, { action: 'big', bytes: 6_291_557 });
    assert.equal(reply.headers['x-amz-function-error'], 'Unhandled');
    assert.equal(JSON.parse(reply.body).errorType, 'Function.ResponseSizeTooLarge');
    const fits = await invoke(emu.url, { action: 'big', bytes: 6_291_556 });
    assert.equal(fits.headers['x-amz-function-error'], undefined);
    assert.equal(fits.body.length, 6_291_556);
  });

  it('answers a stale request id 400, a second reply 403 and a late init error 403 (Runtime API)', async () => {
    await invoke(emu.url, { action: 'twice' });
    const statuses = JSON.parse((await invoke(emu.url, { action: 'statuses' })).body);
    assert.deepEqual(statuses, [400, 202, 403, 403]);
  });

  it('writes START / function output / END / REPORT and returns the last 4 KB with Tail', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(30)}`);
    const reply = await invoke(emu.url, { action: 'log', lines }, { 'X-Amz-Log-Type': 'Tail' });
    const tail = Buffer.from(String(reply.headers['x-amz-log-result']), 'base64');
    assert.equal(tail.length, 4096);
    const text = tail.toString('utf8');
    assert.match(
      text,
      /line 199 x+\nEND RequestId: [0-9a-f-]{36}\nREPORT RequestId: [0-9a-f-]{36}\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\t\n$/,
    );
    const id = String(reply.headers['x-amzn-requestid']);
    const all = emu.logs.join('');
    const start = all.indexOf(`START RequestId: ${id} Version: $LATEST\n`);
    assert.ok(
      start >= 0 &&
        all.indexOf('line 0 ', start) > start &&
        all.indexOf(`END RequestId: ${id}`) > all.indexOf('line 199 ', start),
    );
  });

  it('gives each instance the standard Lambda environment and the invocation headers', async () => {
    const ctx = Buffer.from(JSON.stringify({ custom: { a: 1 } })).toString('base64');
    const reply = await invoke(emu.url, { action: 'env' }, { 'X-Amz-Client-Context': ctx });
    const { env, headers } = JSON.parse(reply.body);
    assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'my-fn');
    assert.equal(env.AWS_LAMBDA_FUNCTION_VERSION, '$LATEST');
    assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '128');
    assert.equal(env.AWS_LAMBDA_LOG_GROUP_NAME, '/aws/lambda/my-fn');
    assert.match(env.AWS_LAMBDA_RUNTIME_API, /^127\.0\.0\.1:\d+$/);
    assert.equal(env.TZ, ':UTC');
    for (const key of ['AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_REGION', 'LAMBDA_TASK_ROOT', '_HANDLER'])
      assert.ok(env[key], key);
    assert.equal(
      headers['lambda-runtime-invoked-function-arn'],
      'arn:aws:lambda:us-east-1:012345678912:function:my-fn',
    );
    assert.match(headers['lambda-runtime-trace-id'], /^Root=1-/);
    assert.ok(Number(headers['lambda-runtime-deadline-ms']) > Date.now());
    assert.deepEqual(JSON.parse(headers['lambda-runtime-client-context']), { custom: { a: 1 } });
  });

  it('DryRun answers 204 without running; Event answers 202 and runs from the queue', async () => {
    const before = emu.logs.join('').split('START RequestId').length;
    const dry = await invoke(
      emu.url,
      { action: 'log', lines: ['dry'] },
      { 'X-Amz-Invocation-Type': 'DryRun' },
    );
    assert.equal(dry.status, 204);
    const event = await invoke(
      emu.url,
      { action: 'log', lines: ['from-the-queue'] },
      { 'X-Amz-Invocation-Type': 'Event' },
    );
    assert.equal(event.status, 202);
    assert.equal(event.body, '');
    const id = String(event.headers['x-amzn-requestid']);
    assert.ok(await waitFor(() => emu.logs.join('').includes(`END RequestId: ${id}`)));
    assert.ok(emu.logs.join('').includes('from-the-queue'));
    assert.ok(!emu.logs.join('').includes('\ndry\n'));
    assert.equal(emu.logs.join('').split('START RequestId').length, before + 1);
  });

  it('limits Event bodies to 1 MB and rejects unknown invocation and log types', async () => {
    const big = await call(emu.url, {
      body: `"${'a'.repeat(1_048_577)}"`,
      headers: { 'X-Amz-Invocation-Type': 'Event' },
    });
    assert.equal(big.status, 413);
    assert.equal(big.headers['x-amzn-errortype'], 'RequestEntityTooLargeException');
    assert.equal(
      JSON.parse(big.body).Message,
      '1048579 byte payload is too large for the Event invocation type (limit 1048576 bytes)',
    );
    const type = await invoke(emu.url, {}, { 'X-Amz-Invocation-Type': 'Later' });
    const log = await invoke(emu.url, {}, { 'X-Amz-Log-Type': 'All' });
    assert.equal(type.status, 400);
    assert.equal(log.status, 400);
    assert.equal(type.headers['x-amzn-errortype'], 'InvalidParameterValueException');
  });
});
