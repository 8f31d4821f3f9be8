// The Invoke API server's HTTP edges over raw sockets (node:net, so nothing on our side normalises or
// validates): Function URL raw paths and response checks, timeouts, connection limit, parse errors,
// pipelining, header limits and the Host guard.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawExchange, rawHeader, startFixtureEmulator, type TestEmulator } from './emulator-helpers.js';

/** One request as bytes; `close` adds `Connection: close` so the server ends the exchange. */
function http(method: string, target: string, body = '', headers: string[] = [], close = true): string {
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', ...headers];
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
