// One Runtime API endpoint over a real socket with a scripted handler: routes, headers, the error table.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { call as httpCall } from '../../../test/emulator-helpers.js';
import type { Invocation, RuntimeApiHandler, RuntimeEndpoint } from '../contract.js';
import { StateTransitionError } from '../errors.js';
import { createRuntimeEndpoint } from './server.js';

/** One Runtime API call on a fresh connection (the shared test helper, with the API's base path). */
function call(
  address: string,
  method: string,
  path: string,
  body?: Buffer | string,
  headers: Record<string, string> = {},
) {
  return httpCall(`http://${address}`, {
    method,
    path: `/2018-06-01${path}`,
    headers,
    ...(body === undefined ? {} : { body }),
  });
}

describe('Runtime API endpoint', () => {
  const seen: string[] = [];
  const invocation: Invocation = {
    requestId: 'req-1',
    payload: Buffer.from('{"a":1}'),
    functionArn: 'arn:aws:lambda:us-east-1:012345678912:function:f',
    traceId: 'Root=1-abc',
    clientContext: '{"c":1}',
    deadlineMs: 1234,
  };
  const handler: RuntimeApiHandler = {
    next: async () => invocation,
    respond: (id, body) => {
      if (id === 'stale') throw new StateTransitionError('InvalidRequestID', 'unknown id');
      if (id === 'twice') throw new StateTransitionError('InvalidStateTransition', 'already answered');
      seen.push(`response ${id} ${body}`);
    },
    fail: (id, body, type) => void seen.push(`error ${id} ${type} ${body}`),
    responseTooLarge: (id) => void seen.push(`too large ${id}`),
    initError: () => {
      throw new StateTransitionError('InvalidStateTransition', 'not initialising');
    },
  };
  let endpoint: RuntimeEndpoint;
  before(async () => {
    endpoint = await createRuntimeEndpoint(handler);
  });
  after(() => endpoint.close());

  it('hands out the invocation with the Lambda headers', async () => {
    const r = await call(endpoint.address, 'GET', '/runtime/invocation/next');
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"a":1}');
    assert.equal(r.headers['lambda-runtime-aws-request-id'], 'req-1');
    assert.equal(r.headers['lambda-runtime-deadline-ms'], '1234');
    assert.equal(r.headers['lambda-runtime-invoked-function-arn'], invocation.functionArn);
    assert.equal(r.headers['lambda-runtime-trace-id'], 'Root=1-abc');
    assert.equal(r.headers['lambda-runtime-client-context'], '{"c":1}');
  });

  it('accepts responses and errors with 202 and passes the error type header', async () => {
    assert.equal(
      (await call(endpoint.address, 'POST', '/runtime/invocation/r1/response', '"x"')).status,
      202,
    );
    const headers = { 'Lambda-Runtime-Function-Error-Type': 'Runtime.HandlerNotFound' };
    assert.equal(
      (await call(endpoint.address, 'POST', '/runtime/invocation/r2/error', '{}', headers)).status,
      202,
    );
    assert.deepEqual(seen.slice(-2), ['response r1 "x"', 'error r2 Runtime.HandlerNotFound {}']);
  });

  it('maps state-machine errors through the one table: 400, 403', async () => {
    const stale = await call(endpoint.address, 'POST', '/runtime/invocation/stale/response', '1');
    const twice = await call(endpoint.address, 'POST', '/runtime/invocation/twice/response', '1');
    const init = await call(endpoint.address, 'POST', '/runtime/init/error', '{}');
    assert.deepEqual([stale.status, twice.status, init.status], [400, 403, 403]);
    assert.equal(JSON.parse(stale.body).errorType, 'InvalidRequestID');
    assert.equal(JSON.parse(twice.body).errorType, 'InvalidStateTransition');
  });

  it('answers 413 for a response over 6,291,556 bytes and tells the sandbox', async () => {
    const r = await call(
      endpoint.address,
      'POST',
      '/runtime/invocation/big/response',
      Buffer.alloc(6_291_557, 0x61),
    );
    assert.equal(r.status, 413);
    assert.equal(JSON.parse(r.body).errorType, 'RequestEntityTooLarge');
    assert.equal(seen.at(-1), 'too large big');
  });

  it('answers 404 for unknown paths and 405 for wrong methods', async () => {
    assert.equal((await call(endpoint.address, 'GET', '/runtime/nothing')).status, 404);
    assert.equal((await call(endpoint.address, 'POST', '/runtime/invocation/next', '')).status, 405);
    assert.equal((await call(endpoint.address, 'GET', '/runtime/invocation/r/response')).status, 405);
  });

  it('serves requests pipelined on one connection in order: GET /next only after the answer ahead of it', async () => {
    const order: string[] = [];
    const ordered = await createRuntimeEndpoint({
      ...handler,
      next: async () => {
        order.push('next');
        return invocation;
      },
      respond: (id) => void order.push(`response ${id}`),
    });
    const [host, port] = ordered.address.split(':');
    const socket = net.connect({ host, port: Number(port) });
    try {
      const received = new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString('latin1');
          if (text.endsWith('{"a":1}')) resolve(text);
        });
      });
      // An answer and the next GET /next in one write, as the built-in runtime sends them.
      socket.write(
        'POST /2018-06-01/runtime/invocation/r7/response HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n"ok"' +
          'GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n',
      );
      const text = await received;
      assert.deepEqual(order, ['response r7', 'next']);
      assert.match(
        text,
        /^HTTP\/1\.1 202 [\s\S]*\{"status":"OK"\}HTTP\/1\.1 200 [\s\S]*lambda-runtime-aws-request-id: req-1\r\n/i,
      );
    } finally {
      socket.destroy();
      await ordered.close();
    }
  });
});
