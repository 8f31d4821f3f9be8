// The runtime loop with every I/O injected: Runtime API in memory, process hooks and clock faked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Invocation, RuntimeApi } from './api-client.js';
import type { ErrorBody } from './errors.js';
import { EXIT_FATAL, type RuntimeDeps, startRuntime } from './runtime.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/runtime/', import.meta.url));

interface Harness {
  readonly calls: string[];
  readonly errors: ErrorBody[];
  readonly exits: number[];
  readonly warnings: string[];
  sigterm(): void;
  fatal(error: unknown): void;
  /** Resolves once `exit` has been called. */
  readonly exited: Promise<number>;
}

function harness(events: string[], overrides: Partial<RuntimeApi> = {}): { deps: RuntimeDeps; h: Harness } {
  const calls: string[] = [];
  const errors: ErrorBody[] = [];
  const exits: number[] = [];
  const warnings: string[] = [];
  let sigterm = () => {};
  let fatal: (error: unknown) => void = () => {};
  let exited: (code: number) => void = () => {};
  const exitedPromise = new Promise<number>((resolve) => {
    exited = resolve;
  });
  let served = 0;
  const api: RuntimeApi = {
    next: () => {
      calls.push('next');
      const body = events[served];
      if (body === undefined) return new Promise<Invocation>(() => {});
      served++;
      return Promise.resolve({
        requestId: `r${served}`,
        deadlineMs: 60_000,
        invokedFunctionArn: 'arn',
        traceId: `trace-${served}`,
        clientContext: undefined,
        cognitoIdentity: undefined,
        body,
      });
    },
    respond: async (id, json) => {
      calls.push(`respond ${id} ${json}`);
    },
    fail: async (id, error) => {
      calls.push(`fail ${id} ${error.errorType}`);
      errors.push(error);
    },
    initError: async (error) => {
      calls.push(`initError ${error.errorType}`);
      errors.push(error);
    },
    abandon: () => void calls.push('abandon'),
    ...overrides,
  };
  const deps: RuntimeDeps = {
    api,
    taskRoot: FIXTURES,
    env: {},
    clock: { now: () => 1_000 },
    eventLoop: { whenEmpty: () => {}, clear: () => {} },
    process: {
      onSigterm: (listener) => {
        sigterm = listener;
      },
      onFatal: (listener) => {
        fatal = listener;
      },
      exit: (code) => {
        exits.push(code);
        exited(code);
      },
    },
    logError: () => {},
    warn: (message) => warnings.push(message),
  };
  const h: Harness = {
    calls,
    errors,
    exits,
    warnings,
    sigterm: () => sigterm(),
    fatal: (error) => fatal(error),
    exited: exitedPromise,
  };
  return { deps, h };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('startRuntime', () => {
  it('answers each event in order and sets the trace id per invocation', async () => {
    const { deps, h } = harness(['{"n":1}', '{"n":2}']);
    startRuntime('deep/nested/app.handler', deps);
    while (h.calls.filter((c) => c === 'next').length < 3) await settle();
    assert.deepEqual(h.calls, [
      'next',
      'respond r1 {"nested":true,"requestId":"r1","event":{"n":1}}',
      'next',
      'respond r2 {"nested":true,"requestId":"r2","event":{"n":2}}',
      'next',
    ]);
    assert.equal(deps.env._X_AMZN_TRACE_ID, 'trace-2');
  });

  it('asks for the next invocation right behind its answer, and runs it only after a refused answer is logged', async () => {
    let refuse: (error: Error) => void = () => {};
    const { deps, h } = harness(['{"n":1}', '{"n":2}'], {
      respond: (id, json) => {
        h.calls.push(`respond ${id} ${json}`);
        if (id !== 'r1') return Promise.resolve();
        return new Promise<void>((_, reject) => {
          refuse = reject;
        });
      },
    });
    startRuntime('deep/nested/app.handler', deps);
    while (h.calls.length < 2) await settle();
    // The GET /next is asked in the same turn as the answer; later turns must not start r2.
    for (let i = 0; i < 5; i++) await settle();
    // GET /next went out while the answer to r1 was still unacknowledged; r2 waits for that answer.
    assert.deepEqual(h.calls, [
      'next',
      'respond r1 {"nested":true,"requestId":"r1","event":{"n":1}}',
      'next',
    ]);
    assert.deepEqual(h.warnings, []);
    refuse(new Error('POST /2018-06-01/runtime/invocation/r1/response answered 413: too large'));
    while (h.calls.length < 5) await settle();
    assert.deepEqual(h.warnings, [
      'lambda-ml runtime: POST /2018-06-01/runtime/invocation/r1/response answered 413: too large',
    ]);
    assert.deepEqual(h.calls.slice(3), [
      'respond r2 {"nested":true,"requestId":"r2","event":{"n":2}}',
      'next',
    ]);
  });

  it('posts an init error and exits 129 when the handler cannot load', async () => {
    const { deps, h } = harness([]);
    startRuntime('async.absent', deps);
    assert.equal(await h.exited, EXIT_FATAL);
    assert.deepEqual(h.calls, ['initError Runtime.HandlerNotFound']);
  });

  it('on SIGTERM mid-invocation answers, then exits 0 without another next', async () => {
    const { deps, h } = harness(['{"sleepMs":50}']);
    startRuntime('slow.handler', deps);
    while (h.calls.length < 1) await settle();
    h.sigterm();
    assert.equal(await h.exited, 0);
    assert.equal(h.calls.length, 2);
    assert.match(h.calls[1] ?? '', /^respond r1 \{"before":59000,"after":59000\}$/);
  });

  it('reports a fatal error as the running invocation error, then exits 129 (a normal close, no reset)', async () => {
    const { deps, h } = harness(['{"sleepMs":300}']);
    startRuntime('slow.handler', deps);
    while (h.calls.length < 1) await settle();
    await settle();
    h.fatal(new EvalError('escaped'));
    assert.equal(await h.exited, EXIT_FATAL);
    assert.deepEqual(h.calls, ['next', 'fail r1 EvalError']);
    assert.equal(h.errors[0]?.errorMessage, 'escaped');
  });

  it('a late fatal error after the answer resets the connection (the pipelined next call is never run)', async () => {
    const { deps, h } = harness(['{"n":1}']);
    startRuntime('deep/nested/app.handler', deps);
    while (h.calls.length < 3) await settle();
    h.fatal(new Error('late'));
    assert.equal(await h.exited, EXIT_FATAL);
    assert.deepEqual(h.calls, [
      'next',
      'respond r1 {"nested":true,"requestId":"r1","event":{"n":1}}',
      'next',
      'abandon',
    ]);
  });

  it('keeps serving when the Runtime API refuses an answer, and exits 1 when /next fails', async () => {
    let nexts = 0;
    const { deps, h } = harness(['{}'], {
      respond: async () => {
        throw new Error('POST answered 413');
      },
      next: async () => {
        nexts++;
        if (nexts === 1) {
          return {
            requestId: 'r1',
            deadlineMs: 1,
            invokedFunctionArn: '',
            traceId: undefined,
            clientContext: undefined,
            cognitoIdentity: undefined,
            body: '{}',
          };
        }
        throw new Error('connect ECONNREFUSED');
      },
    });
    startRuntime('async.nested.deeper.fn', deps);
    assert.equal(await h.exited, 1);
    assert.deepEqual(h.warnings, [
      'lambda-ml runtime: POST answered 413',
      'lambda-ml runtime: connect ECONNREFUSED',
    ]);
  });
});
