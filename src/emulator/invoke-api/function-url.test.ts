// Function URL mapping: raw paths as sent, structured results, plain values, base64 bodies, cookies, and the
// responses no HTTP server may send (bad status, CR/LF, smuggling headers) refused; hop-by-hop headers dropped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHandlerResult, splitTarget, type UrlResponse } from './function-url.js';

const result = (value: unknown) => fromHandlerResult(Buffer.from(JSON.stringify(value)));
const sent = (r: UrlResponse) => {
  assert.ok(r.ok, r.ok ? '' : r.problem);
  return r;
};
const refused = (r: UrlResponse) => {
  assert.equal(r.ok, false, 'expected the response to be refused');
  return r.ok ? '' : r.problem;
};

describe('splitTarget', () => {
  it('keeps the path exactly as sent: dot segments, double slashes and escapes untouched', () => {
    assert.deepEqual(splitTarget('/../../etc/passwd'), { path: '/../../etc/passwd', query: '' });
    assert.deepEqual(splitTarget('//evil.example/x?a=1'), { path: '//evil.example/x', query: 'a=1' });
    assert.deepEqual(splitTarget('/a/./b/%2e%2e/c?x=%20&y'), { path: '/a/./b/%2e%2e/c', query: 'x=%20&y' });
    assert.deepEqual(splitTarget('/?'), { path: '/', query: '' });
    assert.deepEqual(splitTarget('http://h:1//p/../q?z'), { path: '//p/../q', query: 'z' });
    assert.deepEqual(splitTarget('http://h:1'), { path: '/', query: '' });
  });
});

describe('fromHandlerResult', () => {
  it('uses statusCode, headers, cookies and a base64 body', () => {
    const r = sent(
      result({
        statusCode: 418,
        headers: { 'X-A': 'b', 'X-N': 3 },
        cookies: ['k=v'],
        body: 'AAE=',
        isBase64Encoded: true,
      }),
    );
    assert.equal(r.status, 418);
    assert.deepEqual(r.headers, { 'x-a': 'b', 'x-n': '3', 'set-cookie': ['k=v'] });
    assert.deepEqual([...r.body], [0, 1]);
  });

  it('sends anything without statusCode as JSON with 200', () => {
    for (const value of [{ a: 1 }, 5, 'text', null]) {
      const r = sent(result(value));
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.body.toString(), JSON.stringify(value));
    }
  });

  it('serialises a non-string body', () => {
    assert.equal(sent(result({ statusCode: 200, body: { x: 1 } })).body.toString(), '{"x":1}');
  });

  it('refuses a status that is not a final HTTP status (1xx, out of range, not an integer)', () => {
    for (const statusCode of [99, 100, 101, 199, 600, 1000, 200.5, -1, 'abc', true, null]) {
      assert.match(
        refused(result({ statusCode })),
        /not a final HTTP status \(expected an integer from 200 to 599\)/,
      );
    }
    assert.equal(sent(result({ statusCode: '201' })).status, 201);
    assert.equal(sent(result({ statusCode: 599 })).status, 599);
  });

  it('refuses header names and values no HTTP server may send', () => {
    for (const [name, value, why] of [
      ['X-Ok', 'a\r\nSet-Cookie: evil=1', /control character/],
      ['X-Ok', 'a\nb', /control character/],
      ['X-Ok', 'nul\u0000', /control character/],
      ['X-Ok', 'snowman \u2603', /past Latin-1/],
      ['Bad Name', 'v', /header name "Bad Name" is not valid/],
      ['X-A\r\nX-B', 'v', /is not valid/],
      ['', 'v', /is not valid/],
      ['X-Obj', { a: 1 }, /must be a string/],
    ] as const) {
      assert.match(
        refused(result({ statusCode: 200, headers: { [name]: value } })),
        why,
        JSON.stringify(name),
      );
    }
    assert.match(refused(result({ statusCode: 200, headers: 'x' })), /headers must be an object/);
    assert.match(
      refused(result({ statusCode: 200, cookies: ['a=1\r\nX: y'] })),
      /cookie .* control character/,
    );
    assert.match(refused(result({ statusCode: 200, cookies: 'a=1' })), /cookies must be an array/);
  });

  it('refuses transfer-encoding together with content-length (request smuggling)', () => {
    const problem = refused(
      result({
        statusCode: 200,
        headers: { 'Transfer-Encoding': 'chunked', 'Content-Length': '3' },
        body: 'abc',
      }),
    );
    assert.match(problem, /both transfer-encoding and content-length/);
  });

  it('drops hop-by-hop headers, the ones connection names, and the handler content-length', () => {
    const r = sent(
      result({
        statusCode: 200,
        headers: {
          Connection: 'close, X-Private',
          'Keep-Alive': 'timeout=5',
          'Transfer-Encoding': 'chunked',
          Upgrade: 'websocket',
          'Proxy-Authenticate': 'Basic',
          TE: 'trailers',
          Trailer: 'X-T',
          'X-Private': 'p',
          'X-Kept': 'k',
        },
        body: 'hi',
      }),
    );
    assert.deepEqual(r.headers, { 'x-kept': 'k' });
    assert.equal(r.body.toString(), 'hi');
    const wrongLength = sent(result({ statusCode: 200, headers: { 'Content-Length': '999' }, body: 'hi' }));
    assert.deepEqual(wrongLength.headers, {});
  });
});
