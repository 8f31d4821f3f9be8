// Function URL response mapping: structured results, plain values, base64 bodies, cookies, bad status codes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHandlerResult } from './function-url.js';

const result = (value: unknown) => fromHandlerResult(Buffer.from(JSON.stringify(value)));

describe('fromHandlerResult', () => {
  it('uses statusCode, headers, cookies and a base64 body', () => {
    const r = result({
      statusCode: 418,
      headers: { 'X-A': 'b' },
      cookies: ['k=v'],
      body: 'AAE=',
      isBase64Encoded: true,
    });
    assert.equal(r.status, 418);
    assert.deepEqual(r.headers, { 'x-a': 'b', 'set-cookie': ['k=v'] });
    assert.deepEqual([...r.body], [0, 1]);
  });

  it('sends anything without statusCode as JSON with 200', () => {
    for (const value of [{ a: 1 }, 5, 'text', null]) {
      const r = result(value);
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.body.toString(), JSON.stringify(value));
    }
  });

  it('serialises a non-string body and refuses an impossible status with 502', () => {
    assert.equal(result({ statusCode: 200, body: { x: 1 } }).body.toString(), '{"x":1}');
    assert.equal(result({ statusCode: 99 }).status, 502);
  });
});
