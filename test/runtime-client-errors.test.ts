// The compiled runtime client's failure paths: init errors, handler errors, crashes, marshalling, deadline, SIGTERM.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { FakeRuntimeApi, RecordedRequest } from './runtime-fake-api.js';
import {
  BASE_ENV,
  errorPath,
  FIXTURES,
  INIT_ERROR,
  NEXT,
  responsePath,
  runtimeLauncher,
  spawnRuntime,
} from './runtime-process.js';

const runtimes = runtimeLauncher();
after(() => runtimes.stopAll());
const launch = (args: string[], env: Record<string, string> = {}) => runtimes.launch(args, env);

async function invoke(api: FakeRuntimeApi, requestId: string, event: unknown, extra = {}) {
  api.enqueue({ requestId, body: JSON.stringify(event), ...extra });
  return api.waitFor((r) => r.path === responsePath(requestId) || r.path === errorPath(requestId));
}

function assertErrorPost(request: RecordedRequest, errorType: string, message: RegExp) {
  assert.equal(request.method, 'POST');
  assert.match(String(request.headers['user-agent']), /^lambda-ml-runtime\//);
  assert.equal(request.headers['content-type'], 'application/vnd.aws.lambda.error+json');
  assert.equal(request.headers['lambda-runtime-function-error-type'], errorType);
  assert.equal(Number(request.headers['content-length']), Buffer.byteLength(request.body));
  const body = JSON.parse(request.body) as { errorType: string; errorMessage: string; stackTrace: string[] };
  assert.deepEqual(Object.keys(body).sort(), ['errorMessage', 'errorType', 'stackTrace']);
  assert.equal(body.errorType, errorType);
  assert.match(body.errorMessage, message);
  assert.ok(Array.isArray(body.stackTrace));
  return body;
}

describe('runtime client: init errors', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['nope.handler', 'Runtime.ImportModuleError', /Cannot find module 'nope'/],
    ['missing-dependency.handler', 'Runtime.ImportModuleError', /lambda-ml-no-such-package/],
    ['async.missing', 'Runtime.HandlerNotFound', /^async\.missing is undefined or not exported$/],
    ['not-a-function.handler', 'Runtime.HandlerNotFound', /^not-a-function\.handler is not a function$/],
    [
      'syntax-error.handler',
      'Runtime.UserCodeSyntaxError',
      /^SyntaxError: Identifier 'handler' has already been declared/,
    ],
    ['init-throw.handler', 'ConfigError', /^init failed: TABLE_NAME is not set$/],
    ['index', 'Runtime.MalformedHandlerName', /expected module\.function/],
    ['../outside.handler', 'Runtime.MalformedHandlerName', /may not leave the task root/],
  ];
  for (const [handler, errorType, message] of cases) {
    it(`${handler} → POST /runtime/init/error ${errorType}, no /next, exit 129`, async () => {
      const { api, runtime } = await launch([handler]);
      const posted = await api.waitFor((r) => r.path === INIT_ERROR);
      assertErrorPost(posted, errorType, message);
      const { code } = await runtime.exited;
      assert.equal(code, 129);
      assert.equal(
        api.requests.some((r) => r.path === NEXT),
        false,
      );
      assert.match(
        runtime.stdout(),
        new RegExp(`\\tundefined\\tERROR\\tInit Error \\t\\{"errorType":"${errorType}"`),
      );
    });
  }

  it('takes the handler from _HANDLER when no argument is given', async () => {
    const { api } = await launch([], { _HANDLER: 'deep/nested/app.handler' });
    const reply = await invoke(api, 'h', { v: 1 });
    assert.deepEqual(JSON.parse(reply.body), { nested: true, requestId: 'h', event: { v: 1 } });
  });

  it('exits 1 with a message when AWS_LAMBDA_RUNTIME_API is missing', async () => {
    const runtime = spawnRuntime(['async.handler'], { ...BASE_ENV, LAMBDA_TASK_ROOT: FIXTURES });
    try {
      assert.equal((await runtime.exited).code, 1);
      assert.match(runtime.stderr(), /AWS_LAMBDA_RUNTIME_API is not set; expected host:port/);
    } finally {
      await runtime.stop();
    }
  });
});

describe('runtime client: invocation errors', () => {
  it('reports a thrown error with its type and stack, then keeps serving', async () => {
    const { api, runtime } = await launch(['throws.handler']);
    const body = assertErrorPost(
      await invoke(api, 't-1', {}),
      'ValidationError',
      /^quantity must be positive$/,
    );
    assert.match(body.stackTrace[0] ?? '', /^ValidationError: quantity must be positive/);
    assert.match(body.stackTrace[1] ?? '', /throws\.mjs/);
    assertErrorPost(await invoke(api, 't-2', {}), 'ValidationError', /quantity/);
    assert.match(runtime.stdout(), /\tt-1\tERROR\tInvoke Error \t\{"errorType":"ValidationError"/);
    assert.equal(runtime.child.exitCode, null);
  });

  it('reports a thrown non-Error value by its type', async () => {
    const { api } = await launch(['throws.throwsString']);
    const body = assertErrorPost(await invoke(api, 's-1', {}), 'string', /^plain string thrown$/);
    assert.deepEqual(body.stackTrace, []);
  });

  it('reports an unhandled rejection as the invocation error, then exits 129', async () => {
    const { api, runtime } = await launch(['crashes.unhandledRejection']);
    const posted = await invoke(api, 'u-1', {});
    const body = assertErrorPost(posted, 'Runtime.UnhandledPromiseRejection', /^Error: nobody awaited this$/);
    assert.match(body.stackTrace[1] ?? '', /crashes\.mjs/);
    assert.equal((await runtime.exited).code, 129);
    assert.equal(api.requests.filter((r) => r.path === NEXT).length, 1);
  });

  it('reports an uncaught exception from a timer as the invocation error, then exits 129', async () => {
    const { api, runtime } = await launch(['crashes.uncaughtException']);
    assertErrorPost(await invoke(api, 'x-1', {}), 'Error', /^thrown from a timer$/);
    assert.equal((await runtime.exited).code, 129);
    assert.match(runtime.stdout(), /\tx-1\tERROR\tUncaught Exception \t/);
  });

  it('reports results JSON cannot hold as Runtime.MarshalError, and undefined as null', async () => {
    const { api } = await launch(['unserialisable.circular']);
    assertErrorPost(
      await invoke(api, 'm-1', {}),
      'Runtime.MarshalError',
      /^Unable to stringify response body: .*circular/,
    );
    const { api: bigApi } = await launch(['unserialisable.bigint']);
    assertErrorPost(await invoke(bigApi, 'm-2', {}), 'Runtime.MarshalError', /BigInt/);
    const { api: nothingApi } = await launch(['unserialisable.nothing']);
    assert.equal((await invoke(nothingApi, 'm-3', {})).body, 'null');
  });

  it('reports an event that is not JSON as Runtime.UnmarshalError and keeps serving', async () => {
    const { api } = await launch(['async.nested.deeper.fn']);
    api.enqueue({ requestId: 'bad', body: '{not json' });
    assertErrorPost(
      await api.waitFor((r) => r.path === errorPath('bad')),
      'Runtime.UnmarshalError',
      /^Unable to parse the event as JSON/,
    );
    assert.equal((await invoke(api, 'good', {})).body, '"nested property"');
  });
});

describe('runtime client: deadline and shutdown', () => {
  it('counts getRemainingTimeInMillis() down from Lambda-Runtime-Deadline-Ms', async () => {
    const { api } = await launch(['slow.handler']);
    const reply = await invoke(api, 'slow-1', { sleepMs: 200 }, { deadlineMs: Date.now() + 5_000 });
    const { before, after } = JSON.parse(reply.body) as { before: number; after: number };
    assert.ok(before <= 5_000 && before > 1_000, `before = ${before}`);
    assert.ok(before - after >= 180 && before - after < 4_000, `before ${before}, after ${after}`);
  });

  it('on SIGTERM mid-invocation finishes and answers it, then exits 0 without asking for more', async () => {
    const { api, runtime } = await launch(['slow.handler']);
    api.enqueue({ requestId: 'term-1', body: JSON.stringify({ sleepMs: 1_500 }) });
    await runtime.waitForStdout(/slow handler started/);
    const killedAt = Date.now();
    runtime.child.kill('SIGTERM');
    const reply = await api.waitFor((r) => r.path === responsePath('term-1'));
    assert.ok(reply.at >= killedAt, 'the answer came before the signal: the test proved nothing');
    assert.deepEqual(Object.keys(JSON.parse(reply.body)).sort(), ['after', 'before']);
    const { code, signal } = await runtime.exited;
    assert.equal(signal, null);
    assert.equal(code, 0);
    assert.equal(api.requests.filter((r) => r.path === NEXT).length, 1);
  });

  it('on SIGTERM while waiting for an event exits 0 at once', async () => {
    const { api, runtime } = await launch(['slow.handler']);
    await api.waitFor((r) => r.path === NEXT);
    runtime.child.kill('SIGTERM');
    assert.deepEqual(await runtime.exited, { code: 0, signal: null });
  });
});
