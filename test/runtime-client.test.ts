// The compiled runtime client as a child process against a fake Runtime API: every header and body it sends.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ARN, type FakeRuntimeApi, type RecordedRequest } from './runtime-fake-api.js';
import { errorPath, NEXT, responsePath, runtimeLauncher } from './runtime-process.js';

const runtimes = runtimeLauncher();
after(() => runtimes.stopAll());
const launch = (handler: string, env: Record<string, string> = {}) => runtimes.launch([handler], env);

const byPath = (path: string) => (r: RecordedRequest) => r.path === path;

async function invoke(api: FakeRuntimeApi, requestId: string, event: unknown, extra = {}) {
  api.enqueue({ requestId, body: JSON.stringify(event), ...extra });
  return api.waitFor((r) => r.path === responsePath(requestId) || r.path === errorPath(requestId));
}

function assertCommonHeaders(request: RecordedRequest): void {
  assert.match(String(request.headers['user-agent']), /^lambda-ml-runtime\/\d+\.\d+\.\d+ node\/v\d+/);
  assert.equal(request.headers.connection, 'keep-alive');
}

function assertErrorPost(request: RecordedRequest, errorType: string, message: RegExp): void {
  assertCommonHeaders(request);
  assert.equal(request.method, 'POST');
  assert.equal(request.headers['content-type'], 'application/vnd.aws.lambda.error+json');
  assert.equal(request.headers['lambda-runtime-function-error-type'], errorType);
  assert.equal(Number(request.headers['content-length']), Buffer.byteLength(request.body));
  const body = JSON.parse(request.body) as { errorType: string; errorMessage: string; stackTrace: unknown };
  assert.deepEqual(Object.keys(body).sort(), ['errorMessage', 'errorType', 'stackTrace']);
  assert.equal(body.errorType, errorType);
  assert.match(body.errorMessage, message);
  assert.ok(Array.isArray(body.stackTrace));
}

describe('runtime client: invocations', () => {
  it('runs an async ESM handler with the full context, trace id and AWS-style log lines', async () => {
    const { api, runtime } = await launch('async.handler');
    const deadlineMs = Date.now() + 60_000;
    const first = await invoke(
      api,
      'req-1',
      { hello: 'world' },
      {
        deadlineMs,
        traceId: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
        clientContext: '{"custom":{"k":"v"}}',
        cognitoIdentity: '{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}',
      },
    );
    const next = await api.waitFor(byPath(NEXT));
    assert.equal(next.method, 'GET');
    assert.equal(next.body, '');
    assertCommonHeaders(next);
    assert.equal(first.method, 'POST');
    assert.equal(first.path, responsePath('req-1'));
    assertCommonHeaders(first);
    assert.equal(first.headers['content-type'], 'application/json');
    assert.equal(Number(first.headers['content-length']), Buffer.byteLength(first.body));
    assert.equal(first.headers['lambda-runtime-function-error-type'], undefined);
    assert.deepEqual(JSON.parse(first.body), {
      event: { hello: 'world' },
      traceId: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
      context: {
        functionName: 'test-fn',
        functionVersion: '$LATEST',
        invokedFunctionArn: ARN,
        memoryLimitInMB: '256',
        awsRequestId: 'req-1',
        logGroupName: '/aws/lambda/test-fn',
        logStreamName: '2026/01/01/[$LATEST]abc',
        identity: { cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1' },
        clientContext: { custom: { k: 'v' } },
        callbackWaitsForEmptyEventLoop: true,
        remainingType: 'number',
      },
    });
    // A second invocation without a trace header must not see the first one's trace id.
    const second = await invoke(api, 'req-2', [1, 2]);
    const body = JSON.parse(second.body) as { traceId: unknown; context: { awsRequestId: string } };
    assert.equal(body.traceId, null);
    assert.equal(body.context.awsRequestId, 'req-2');
    // Wait for req-2's own log line: a whole invocation can finish within the millisecond that
    // request timestamps resolve, so "the /next after the answer" is not a reliable signal.
    await runtime.waitForStdout(/\treq-2\tINFO\thello from async/);
    const lines = runtime.stdout().trimEnd().split('\n');
    const ts = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
    assert.match(lines[0] ?? '', new RegExp(`^${ts}\\treq-1\\tINFO\\thello from async \\{ n: 1 \\}$`));
    assert.match(lines[1] ?? '', new RegExp(`^${ts}\\treq-1\\tINFO\\tinfo line\\rsecond line$`));
    assert.match(lines[2] ?? '', new RegExp(`^${ts}\\treq-1\\tWARN\\twarn line$`));
    assert.match(lines[3] ?? '', new RegExp(`^${ts}\\treq-1\\tERROR\\tTypeError: logged error\\r    at `));
    assert.match(lines[4] ?? '', new RegExp(`^${ts}\\treq-1\\tDEBUG\\tdebug line$`));
    assert.match(lines[5] ?? '', new RegExp(`^${ts}\\treq-2\\tINFO\\thello from async`));
    assert.equal(runtime.stderr(), '');
  });

  it('writes one JSON object per log line with AWS_LAMBDA_LOG_FORMAT=JSON, dropping DEBUG at the INFO level', async () => {
    const { api, runtime } = await launch('async.handler', { AWS_LAMBDA_LOG_FORMAT: 'JSON' });
    await invoke(api, 'req-json', {});
    await runtime.waitForStdout(/warn line/);
    const records = runtime
      .stdout()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      records.map((r) => r.level),
      ['INFO', 'INFO', 'WARN', 'ERROR'],
    );
    assert.equal(records[0]?.message, 'hello from async { n: 1 }');
    assert.equal(records[1]?.message, 'info line\nsecond line');
    assert.equal(records[0]?.requestId, 'req-json');
    assert.match(String(records[0]?.timestamp), /^\d{4}-\d\d-\d\dT.*Z$/);
    assert.equal(records[3]?.errorType, 'TypeError');
    assert.equal(records[3]?.errorMessage, 'logged error');
    assert.ok(Array.isArray(records[3]?.stackTrace));
  });

  it('resolves nested properties, ESM and CommonJS .js files by package type, and nested directories', async () => {
    const cases: Array<[string, (body: Record<string, unknown>) => void]> = [
      ['async.nested.deeper.fn', (b) => assert.equal(b as unknown, 'nested property')],
      ['esm/app.handler', (b) => assert.deepEqual(b, { format: 'esm', file: 'app.js', event: { n: 1 } })],
      ['cjs/app.handler', (b) => assert.deepEqual(b, { format: 'cjs', file: 'app.js', event: { n: 1 } })],
      [
        'deep/nested/app.handler',
        (b) => assert.deepEqual(b, { nested: true, requestId: 'r', event: { n: 1 } }),
      ],
    ];
    await Promise.all(
      cases.map(async ([handler, check]) => {
        const { api } = await launch(handler);
        const reply = await invoke(api, 'r', { n: 1 });
        assert.equal(reply.path, responsePath('r'), `${handler}: ${reply.body}`);
        check(JSON.parse(reply.body) as Record<string, unknown>);
      }),
    );
  });

  it('answers callback handlers after the event loop drains unless callbackWaitsForEmptyEventLoop is false', async () => {
    const { api } = await launch('callback.handler');
    const plain = await invoke(api, 'cb-1', { x: 1 });
    assert.deepEqual(JSON.parse(plain.body), { kind: 'callback', event: { x: 1 } });
    const { api: waitsApi } = await launch('callback.waits');
    const waits = await invoke(waitsApi, 'cb-2', {});
    const fired = (JSON.parse(waits.body) as { timerFiredAfterMs: number }).timerFiredAfterMs;
    assert.ok(fired >= 140, `the answer came before the 150 ms timer (${fired})`);
    const { api: noWaitApi } = await launch('callback.noWait');
    const started = Date.now();
    const noWait = await invoke(noWaitApi, 'cb-3', {});
    assert.deepEqual(JSON.parse(noWait.body), { timerFired: 0 });
    assert.ok(Date.now() - started < 4_000, 'the 5 s timer held the answer back');
  });

  it('supports callback(error), context.succeed and handlers that never answer (null)', async () => {
    const { api } = await launch('callback.error');
    assertErrorPost(await invoke(api, 'e-1', {}), 'RangeError', /^callback error$/);
    const { api: doneApi } = await launch('callback.legacyDone');
    assert.deepEqual(JSON.parse((await invoke(doneApi, 'd-1', {})).body), { via: 'context.succeed' });
    const { api: nothingApi } = await launch('callback.returnsNothing');
    const nothing = await invoke(nothingApi, 'n-1', {});
    assert.equal(nothing.path, responsePath('n-1'));
    assert.equal(nothing.body, 'null');
  });
});
