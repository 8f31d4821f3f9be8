// The Invoke API server's HTTP edges over raw sockets (node:net, so nothing on our side normalises or
// validates): Function URL raw paths and response checks, timeouts, connection limit, parse errors,
// pipelining, header limits and the Host guard.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MAX_HEADER_FIELDS, MAX_PIPELINED } from '../src/emulator/http-edges.js';
import {
  INVOKE_PATH,
  type RawExchange,
  type RawResponse,
  rawExchange,
  rawHeader,
  startFixtureEmulator,
  type TestEmulator,
} from './emulator-helpers.js';

/** One request as bytes; `close` adds `Connection: close` so the server ends the exchange. */
function http(method: string, target: string, body = '', headers: string[] = [], close = true): string {
  const ownHost = headers.some((line) => /^host:/i.test(line));
  const lines = [`${method} ${target} HTTP/1.1`, ...(ownHost ? [] : ['Host: 127.0.0.1']), ...headers];
  if (body !== '' || method === 'POST') lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  if (close) lines.push('Connection: close');
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

describe('Function URL mode over raw sockets', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startFixtureEmulator({ functionUrl: true, timeout: 30 });
  });
  after(async () => {
    await emu.close();
  });

  it('hands the handler rawPath exactly as sent (no /../ resolution, no // folding)', async () => {
    for (const target of ['/../../etc/passwd', '//evil.example/x', '/a/./b/%2e%2e/c']) {
      const { responses } = await rawExchange(emu.port, http('GET', `${target}?q=1`));
      assert.equal(responses.length, 1, target);
      assert.equal(responses[0]?.status, 200, target);
      const event = JSON.parse(responses[0]?.body ?? '');
      assert.equal(event.rawPath, target);
      assert.equal(event.requestContext.http.path, target);
      assert.equal(event.rawQueryString, 'q=1');
    }
  });

  it('answers 502 Runtime.InvalidResponse for a response no HTTP server may send, and logs why', async () => {
    const invalid: Array<[unknown, RegExp]> = [
      [{ statusCode: 101 }, /statusCode 101 is not a final HTTP status/],
      [{ statusCode: 100, body: 'x' }, /statusCode 100/],
      [{ statusCode: 700 }, /statusCode 700/],
      [
        { statusCode: 200, headers: { 'X-A': 'v\r\nSet-Cookie: evil=1' } },
        /header 'X-A' has a control character/,
      ],
      [{ statusCode: 200, headers: { 'X A': 'v' } }, /header name "X A" is not valid/],
      [
        { statusCode: 200, headers: { 'Transfer-Encoding': 'chunked', 'Content-Length': '3' }, body: 'abc' },
        /both transfer-encoding and content-length/,
      ],
    ];
    for (const [handlerResult, why] of invalid) {
      const { responses, text } = await rawExchange(
        emu.port,
        http('POST', '/respond', JSON.stringify(handlerResult), ['Content-Type: application/json']),
      );
      assert.equal(responses.length, 1, text);
      const response = responses[0];
      assert.equal(response?.status, 502, JSON.stringify(handlerResult));
      assert.equal(rawHeader(response, 'x-amzn-errortype'), 'Runtime.InvalidResponse');
      assert.equal(rawHeader(response, 'set-cookie'), undefined);
      assert.equal(rawHeader(response, 'transfer-encoding'), undefined);
      const body = JSON.parse(response.body);
      assert.equal(body.errorType, 'Runtime.InvalidResponse');
      assert.match(body.errorMessage, why);
      assert.match(emu.logs.join(''), why);
    }
  });

  it('refuses a foreign Host (a DNS-rebinding page) with 403 but serves pages of any origin', async () => {
    const rebound = await rawExchange(
      emu.port,
      http('GET', '/x', '', [`Host: rebind.evil.example:${emu.port}`]),
    );
    assert.equal(rebound.responses[0]?.status, 403, rebound.text);
    assert.match(JSON.parse(rebound.responses[0]?.body ?? '').Message, /is not a loopback address/);
    const page = await rawExchange(
      emu.port,
      http('GET', '/x', '', [
        `Host: localhost:${emu.port}`,
        'Origin: https://app.example',
        'Sec-Fetch-Site: cross-site',
      ]),
    );
    assert.equal(page.responses[0]?.status, 200, page.text);
  });

  it('drops hop-by-hop headers from a handler response and keeps the connection its own', async () => {
    const handlerResult = {
      statusCode: 200,
      headers: {
        Connection: 'close, X-Private',
        'Keep-Alive': 'timeout=1',
        Upgrade: 'websocket',
        'Proxy-Authenticate': 'Basic',
        Trailer: 'X-T',
        'Transfer-Encoding': 'chunked',
        'X-Private': 'p',
        'X-Kept': 'k',
      },
      body: 'hello',
    };
    // Two requests on one connection: the handler's `Connection: close` must not end it.
    const { responses } = await rawExchange(emu.port, [
      http('POST', '/respond', JSON.stringify(handlerResult), ['Content-Type: application/json'], false),
      http('GET', '/second'),
    ]);
    assert.equal(responses.length, 2);
    const [first, second] = responses as [(typeof responses)[0], (typeof responses)[0]];
    assert.equal(first.status, 200);
    assert.equal(first.body, 'hello');
    assert.equal(rawHeader(first, 'content-length'), '5');
    assert.equal(rawHeader(first, 'x-kept'), 'k');
    // Node's own keep-alive header (the server's timeout) is ours to send; the handler's is not.
    assert.notEqual(rawHeader(first, 'keep-alive'), 'timeout=1');
    for (const name of ['upgrade', 'proxy-authenticate', 'trailer', 'transfer-encoding', 'x-private'])
      assert.equal(rawHeader(first, name), undefined, name);
    assert.notEqual(rawHeader(first, 'connection'), 'close');
    assert.equal(second.status, 200);
    assert.equal(JSON.parse(second.body).rawPath, '/second');
  });
});

/** How many invocations have started (START lines in the emulator's log). */
const starts = (emu: TestEmulator) => emu.logs.join('').split('START RequestId').length - 1;
const invokeRequest = (event: unknown, headers: string[] = [], close = false) =>
  http('POST', INVOKE_PATH, JSON.stringify(event), headers, close);

describe('Invoke API connection handling over raw sockets', () => {
  let emu: TestEmulator;
  before(async () => {
    // Concurrency 1 makes overlapping calls visible (a 429); a 1 s request timeout keeps the 408 test short.
    emu = await startFixtureEmulator({
      concurrency: 1,
      timeout: 30,
      requestTimeout: 1,
      maxConnections: 3,
      allowedHosts: ['model.internal'],
    });
  });
  after(async () => {
    await emu.close();
  });

  it('answers 408 and closes when a body never ends (or headers never end); nothing runs', async () => {
    const before = starts(emu);
    const partial = `POST ${INVOKE_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"n":`;
    const body = await rawExchange(emu.port, partial);
    assert.equal(body.responses.length, 1, body.text);
    assert.equal(body.responses[0]?.status, 408);
    assert.match(JSON.parse(body.responses[0]?.body ?? '').Message, /did not arrive in full within 1 s/);
    const headers = await rawExchange(
      emu.port,
      `POST ${INVOKE_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: 1\r\n`,
    );
    assert.equal(headers.responses[0]?.status, 408, headers.text);
    assert.equal(starts(emu), before);
  });

  it('still answers a call that runs longer than the request timeout (it arrived in full)', async () => {
    const { responses } = await rawExchange(emu.port, invokeRequest({ action: 'sleep', ms: 2500 }, [], true));
    assert.equal(responses[0]?.status, 200);
    assert.deepEqual(JSON.parse(responses[0]?.body ?? ''), { slept: 2500 });
  });

  it('answers a valid request before the 400 for garbage after it on the same connection', async () => {
    const before = starts(emu);
    const { responses, text } = await rawExchange(emu.port, [
      invokeRequest({ action: 'sleep', ms: 300 }),
      'GARBAGE \u0001\r\n\r\n',
    ]);
    assert.deepEqual(
      responses.map((r) => r.status),
      [200, 400],
      text,
    );
    assert.deepEqual(JSON.parse(responses[0]?.body ?? ''), { slept: 300 });
    assert.match(JSON.parse(responses[1]?.body ?? '').Message, /malformed HTTP request/);
    assert.equal(rawHeader(responses[1] as RawResponse, 'connection'), 'close');
    assert.equal(starts(emu), before + 1);
  });

  it('runs pipelined requests one at a time, answered in order (no 429 at concurrency 1)', async () => {
    const delays = [120, 10, 80, 30, 60];
    const { responses, text } = await rawExchange(
      emu.port,
      delays.map((ms, i) => invokeRequest({ action: 'sleep', ms }, [], i === delays.length - 1)).join(''),
    );
    assert.deepEqual(
      responses.map((r) => r.status),
      delays.map(() => 200),
      text,
    );
    assert.deepEqual(
      responses.map((r) => JSON.parse(r.body).slept),
      delays,
    );
  });

  it(`bounds the requests waiting on one connection (${MAX_PIPELINED}); each is answered in order`, async () => {
    const count = MAX_PIPELINED + 20;
    const requests = Array.from({ length: count }, (_, i) =>
      invokeRequest({}, ['X-Amz-Invocation-Type: DryRun'], i === count - 1),
    );
    const { responses, text } = await rawExchange(emu.port, requests.join(''));
    assert.equal(responses.length, count, text.slice(0, 500));
    for (const response of responses) {
      assert.ok(response.status === 204 || response.status === 429, String(response.status));
      if (response.status === 429)
        assert.match(JSON.parse(response.body).Message, /requests are waiting on this connection/);
    }
    assert.ok(responses.filter((r) => r.status === 204).length > MAX_PIPELINED);
  });

  it(`refuses more than ${MAX_HEADER_FIELDS} header fields with 431 instead of dropping them (a late DryRun)`, async () => {
    const before = starts(emu);
    const filler = Array.from({ length: MAX_HEADER_FIELDS + 100 }, (_, i) => `x-f${i % 10}: v`);
    const many = await rawExchange(
      emu.port,
      invokeRequest({}, [...filler, 'X-Amz-Invocation-Type: DryRun'], true),
    );
    assert.equal(many.responses[0]?.status, 431, many.text.slice(0, 300));
    assert.match(JSON.parse(many.responses[0]?.body ?? '').Message, /header fields; at most 1000/);
    const fewer = await rawExchange(
      emu.port,
      invokeRequest({}, [...filler.slice(0, MAX_HEADER_FIELDS - 10), 'X-Amz-Invocation-Type: DryRun'], true),
    );
    assert.equal(fewer.responses[0]?.status, 204);
    const huge = await rawExchange(emu.port, invokeRequest({}, [`x-big: ${'a'.repeat(20_000)}`], true));
    assert.equal(huge.responses[0]?.status, 431);
    assert.equal(starts(emu), before);
  });

  it('answers only loopback Hosts, the --host address and --allowed-hosts (DNS rebinding); nothing else runs', async () => {
    const before = starts(emu);
    const dryRun = (host: string, extra: string[] = []) =>
      rawExchange(
        emu.port,
        invokeRequest({}, [`Host: ${host}`, 'X-Amz-Invocation-Type: DryRun', ...extra], true),
      );
    for (const host of [
      `localhost:${emu.port}`,
      `127.0.0.1:${emu.port}`,
      `[::1]:${emu.port}`,
      'model.internal:8080',
    ]) {
      const { responses, text } = await dryRun(host);
      assert.equal(responses[0]?.status, 204, `${host}: ${text}`);
    }
    for (const host of [
      `rebind.evil.example:${emu.port}`,
      `0.0.0.0:${emu.port}`,
      `localhost.evil.example:${emu.port}`,
    ]) {
      const { responses, text } = await rawExchange(
        emu.port,
        invokeRequest({ n: 1 }, [`Host: ${host}`], true),
      );
      assert.equal(responses[0]?.status, 403, `${host}: ${text}`);
      const response = responses[0] as RawResponse;
      assert.equal(rawHeader(response, 'x-amzn-errortype'), 'AccessDeniedException');
      assert.match(JSON.parse(response.body).Message, /is not a loopback address.*--allowed-hosts/);
    }
    const health = await rawExchange(
      emu.port,
      http('GET', '/_lambda-ml/health', '', ['Host: rebind.evil.example']),
    );
    assert.equal(health.responses[0]?.status, 403);
    assert.equal(starts(emu), before);
  });

  it('refuses an invocation a web page of another site sends (Origin, Sec-Fetch-Site)', async () => {
    const before = starts(emu);
    for (const extra of [
      ['Origin: https://evil.example', 'Content-Type: text/plain'],
      ['Sec-Fetch-Site: cross-site'],
      ['Sec-Fetch-Site: same-site', `Origin: http://localhost:3000`],
    ]) {
      const { responses, text } = await rawExchange(emu.port, invokeRequest({ n: 1 }, extra, true));
      assert.equal(responses[0]?.status, 403, text);
      assert.match(JSON.parse(responses[0]?.body ?? '').Message, /may not invoke the function/);
    }
    assert.equal(starts(emu), before);
    const sameOrigin = await rawExchange(
      emu.port,
      invokeRequest({ n: 2 }, [`Host: 127.0.0.1:${emu.port}`, `Origin: http://127.0.0.1:${emu.port}`], true),
    );
    assert.deepEqual(JSON.parse(sameOrigin.responses[0]?.body ?? ''), { n: 2 });
  });

  it('closes connections past --max-connections at once, logs it, and accepts again when one closes', async () => {
    // Three keep-alive connections, each after one answered call, hold every slot.
    const held = await Promise.all([0, 1, 2].map(() => openKeptConnection(emu.port)));
    try {
      const refused = await rawExchange(emu.port, invokeRequest({}, ['X-Amz-Invocation-Type: DryRun'], true));
      assert.equal(refused.text, '');
      assert.match(emu.logs.join(''), /3 connections are open \(--max-connections\)/);
    } finally {
      held[0]?.destroy();
    }
    // The server notices the close asynchronously: retry (a hang guard bounds it, no timing assertion).
    let answered: RawExchange | null = null;
    for (let attempt = 0; attempt < 600 && answered?.responses[0]?.status !== 204; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 100));
      answered = await rawExchange(emu.port, invokeRequest({}, ['X-Amz-Invocation-Type: DryRun'], true));
    }
    assert.equal(answered?.responses[0]?.status, 204);
    for (const socket of held) socket.destroy();
  });
});

/** A connection that made one DryRun call and stays open (keep-alive). */
function openKeptConnection(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(invokeRequest({}, ['X-Amz-Invocation-Type: DryRun'])),
    );
    let seen = '';
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (seen.includes('\r\n\r\n')) resolve(socket);
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection closed before its answer: ${seen}`)));
  });
}
