// Unit tests of the runtime's pure parts: handler names, error bodies, log lines, one invocation's rules.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHttpRuntimeApi, type Invocation } from './api-client.js';
import {
  errorTypeHeader,
  HandlerNotFoundError,
  MalformedHandlerNameError,
  RuntimeApiError,
  toErrorBody,
  UnhandledPromiseRejectionError,
} from './errors.js';
import { type Handler, parseHandlerString } from './handler-loader.js';
import { type EventLoop, invokeHandler } from './invoke.js';
import { formatLogLine, type LogOptions, logOptionsFromEnv, patchConsole } from './logging.js';

describe('parseHandlerString', () => {
  const valid: Array<[string, string, string, string]> = [
    ['index.handler', '', 'index', 'handler'],
    ['dir/app.handler', 'dir/', 'app', 'handler'],
    ['a/b/c/app.obj.fn', 'a/b/c/', 'app', 'obj.fn'],
    ['function/handler.handler', 'function/', 'handler', 'handler'],
  ];
  for (const [input, moduleDir, moduleName, functionPath] of valid) {
    it(`splits ${input}`, () =>
      assert.deepEqual(parseHandlerString(input), { moduleDir, moduleName, functionPath }));
  }
  for (const bad of ['index', '.handler', 'index.', 'dir/', '', '../up.handler', 'a/../../b.handler']) {
    it(`refuses ${JSON.stringify(bad)}`, () =>
      assert.throws(() => parseHandlerString(bad), MalformedHandlerNameError));
  }
});

describe('toErrorBody', () => {
  it('keeps name, message and stack lines of an Error', () => {
    class QuotaError extends Error {
      override name = 'QuotaError';
    }
    const body = toErrorBody(new QuotaError('over quota'));
    assert.equal(body.errorType, 'QuotaError');
    assert.equal(body.errorMessage, 'over quota');
    assert.equal(body.stackTrace[0], 'QuotaError: over quota');
    assert.match(body.stackTrace[1] ?? '', /^ {4}at /);
  });

  it('uses the Lambda error type of runtime errors', () => {
    assert.equal(toErrorBody(new HandlerNotFoundError('x')).errorType, 'Runtime.HandlerNotFound');
    const rejection = toErrorBody(new UnhandledPromiseRejectionError(new TypeError('bad')));
    assert.equal(rejection.errorType, 'Runtime.UnhandledPromiseRejection');
    assert.equal(rejection.errorMessage, 'TypeError: bad');
    assert.equal(rejection.stackTrace[0], 'TypeError: bad');
  });

  it('describes thrown non-Errors by their type', () => {
    assert.deepEqual(toErrorBody('text'), { errorType: 'string', errorMessage: 'text', stackTrace: [] });
    assert.deepEqual(toErrorBody(null), { errorType: 'null', errorMessage: 'null', stackTrace: [] });
    assert.deepEqual(toErrorBody({ code: 7 }), {
      errorType: 'object',
      errorMessage: '{"code":7}',
      stackTrace: [],
    });
    assert.deepEqual(toErrorBody(42), { errorType: 'number', errorMessage: '42', stackTrace: [] });
  });

  it('keeps the error type header printable and bounded', () => {
    const header = (errorType: string) => errorTypeHeader({ errorType, errorMessage: '', stackTrace: [] });
    assert.equal(header('Bad\nName\u00e9'), 'BadName');
    assert.equal(header('\n'), 'Runtime.Unknown');
    assert.equal(header('x'.repeat(1000)).length, 256);
  });
});

describe('log lines', () => {
  const at = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
  const options = (format: 'text' | 'json', requestId?: string): LogOptions => ({
    format,
    minLevel: 'INFO',
    write: () => {},
    clock: { now: () => at },
    requestId: () => requestId,
  });

  it('text: timestamp, request id, level, message with newlines as \\r', () => {
    assert.equal(
      formatLogLine(options('text', 'abc'), 'WARN', ['two\nlines %d', 5]),
      '2026-01-02T03:04:05.678Z\tabc\tWARN\ttwo\rlines 5\n',
    );
    assert.equal(
      formatLogLine(options('text'), 'INFO', ['init']),
      '2026-01-02T03:04:05.678Z\tundefined\tINFO\tinit\n',
    );
    assert.ok(formatLogLine(options('text'), 'DEBUG', ['kept in text format']));
  });

  it('json: one object per line, errors expanded, levels below the minimum dropped', () => {
    assert.deepEqual(JSON.parse(formatLogLine(options('json', 'abc'), 'INFO', ['hi', { a: 1 }]) ?? ''), {
      timestamp: '2026-01-02T03:04:05.678Z',
      level: 'INFO',
      requestId: 'abc',
      message: 'hi { a: 1 }',
    });
    const error = JSON.parse(formatLogLine(options('json'), 'ERROR', [new RangeError('r')]) ?? '');
    assert.equal(error.errorType, 'RangeError');
    assert.equal(error.errorMessage, 'r');
    assert.equal('requestId' in error, false);
    assert.equal(formatLogLine(options('json'), 'DEBUG', ['dropped']), undefined);
  });

  it('reads AWS_LAMBDA_LOG_FORMAT and AWS_LAMBDA_LOG_LEVEL', () => {
    const rest = { write: () => {}, clock: { now: () => 0 }, requestId: () => undefined };
    const json = logOptionsFromEnv({ AWS_LAMBDA_LOG_FORMAT: 'json', AWS_LAMBDA_LOG_LEVEL: 'debug' }, rest);
    assert.equal(json.format, 'json');
    assert.equal(json.minLevel, 'DEBUG');
    const text = logOptionsFromEnv({ AWS_LAMBDA_LOG_LEVEL: 'nonsense' }, rest);
    assert.equal(text.format, 'text');
    assert.equal(text.minLevel, 'INFO');
  });

  it('patches every console method with its level', () => {
    const lines: string[] = [];
    const target = {} as Console;
    patchConsole(target, { ...options('text', 'id'), write: (line) => lines.push(line) });
    target.log('a');
    target.info('b');
    target.debug('c');
    target.warn('d');
    target.error('e');
    target.trace('f');
    assert.deepEqual(
      lines.map((l) => l.split('\t')[2]),
      ['INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR', 'TRACE'],
    );
  });
});

describe('invokeHandler', () => {
  const invocation: Invocation = {
    requestId: 'r1',
    deadlineMs: 10_000,
    invokedFunctionArn: 'arn',
    traceId: undefined,
    clientContext: undefined,
    cognitoIdentity: '{"cognitoIdentityId":"c"}',
    body: '{}',
  };
  /** An event loop the test drains by hand. */
  function manualLoop(): EventLoop & { drain(): void } {
    let listener: (() => void) | undefined;
    return {
      whenEmpty: (fn) => {
        listener = fn;
      },
      clear: () => {
        listener = undefined;
      },
      drain: () => listener?.(),
    };
  }
  const deps = (eventLoop: EventLoop, now = 4_000) => ({ env: {}, clock: { now: () => now }, eventLoop });

  it('settles with an async result and builds the context from the invocation', async () => {
    const handler: Handler = async (_event, context) => {
      const c = context as { getRemainingTimeInMillis(): number; identity: unknown; awsRequestId: string };
      return [c.getRemainingTimeInMillis(), c.identity, c.awsRequestId];
    };
    assert.deepEqual(await invokeHandler(handler, {}, invocation, deps(manualLoop())), {
      ok: true,
      result: [6_000, { cognitoIdentityId: 'c' }, 'r1'],
    });
  });

  it('holds a callback result until the event loop drains', async () => {
    const loop = manualLoop();
    let settled = false;
    const pending = invokeHandler((_e, _c, cb) => cb(null, 'late'), {}, invocation, deps(loop)).then((o) => {
      settled = true;
      return o;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false);
    loop.drain();
    assert.deepEqual(await pending, { ok: true, result: 'late' });
  });

  it('answers at once when callbackWaitsForEmptyEventLoop is false, or on callback(error)', async () => {
    const noWait: Handler = (_e, context, cb) => {
      (context as { callbackWaitsForEmptyEventLoop: boolean }).callbackWaitsForEmptyEventLoop = false;
      cb(undefined, 'now');
    };
    assert.deepEqual(await invokeHandler(noWait, {}, invocation, deps(manualLoop())), {
      ok: true,
      result: 'now',
    });
    const error = new Error('x');
    assert.deepEqual(await invokeHandler((_e, _c, cb) => cb(error), {}, invocation, deps(manualLoop())), {
      ok: false,
      error,
    });
  });

  it('answers null when the handler returns without answering and the loop drains', async () => {
    const loop = manualLoop();
    const pending = invokeHandler(() => undefined, {}, invocation, deps(loop));
    loop.drain();
    assert.deepEqual(await pending, { ok: true, result: null });
  });

  it('turns a synchronous throw or a rejection into an error outcome; first answer wins', async () => {
    const thrown = new TypeError('sync');
    const throws: Handler = () => {
      throw thrown;
    };
    assert.deepEqual(await invokeHandler(throws, {}, invocation, deps(manualLoop())), {
      ok: false,
      error: thrown,
    });
    const twice: Handler = async (_e, context) => {
      (context as { succeed(r: unknown): void }).succeed('first');
      throw new Error('ignored');
    };
    assert.deepEqual(await invokeHandler(twice, {}, invocation, deps(manualLoop())), {
      ok: true,
      result: 'first',
    });
  });
});

describe('createHttpRuntimeApi', () => {
  it('refuses an address that is not host:port', () => {
    assert.throws(() => createHttpRuntimeApi('http://127.0.0.1:9001'), RuntimeApiError);
    assert.throws(() => createHttpRuntimeApi('localhost'), /expected host:port such as 127\.0\.0\.1:9001/);
  });
});
