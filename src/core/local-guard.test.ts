// The Host and Origin checks shared by the emulator's Invoke API and the console.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHostCheck, crossOriginProblem } from './local-guard.js';

describe('local guard', () => {
  it('accepts loopback Hosts on any port, the bound address, and the allowed names only', () => {
    const check = createHostCheck('127.0.0.1');
    for (const host of [
      'localhost:9000',
      '127.0.0.1',
      '127.0.0.1:1',
      '[::1]:9000',
      'LOCALHOST:9',
      'a.localhost:9',
    ])
      assert.equal(check(host), null, host);
    for (const host of [
      'evil.example:9000',
      'localhost.evil.example',
      '0.0.0.0:9000',
      '10.0.0.1:9000',
      '[::]:9',
    ])
      assert.match(check(host) ?? '', /is not a loopback address/, host);
    assert.match(check(undefined) ?? '', /no Host header/);
    assert.match(check('') ?? '', /no Host header/);

    const lan = createHostCheck('192.168.1.5', ['model', 'api.test:8080', 'fd00::1']);
    for (const host of ['192.168.1.5:9000', 'model:8080', 'MODEL', 'api.test:1', '[fd00::1]:80', 'localhost'])
      assert.equal(lan(host), null, host);
    assert.notEqual(lan('192.168.1.6:9000'), null);
    assert.equal(createHostCheck('fe80::2')('[fe80::2]:9000'), null);
    // A wildcard bind is not a name anyone should use: only loopback names (and allowed ones) pass.
    assert.notEqual(createHostCheck('0.0.0.0')('0.0.0.0:9000'), null);
    assert.equal(createHostCheck('0.0.0.0', ['*'])('anything.example'), null);
  });

  it('refuses browser requests from another origin; curl and SDK requests carry neither header', () => {
    const host = '127.0.0.1:9000';
    assert.equal(crossOriginProblem({ host }), null);
    assert.equal(
      crossOriginProblem({ host, origin: 'http://127.0.0.1:9000', 'sec-fetch-site': 'same-origin' }),
      null,
    );
    assert.equal(crossOriginProblem({ host, 'sec-fetch-site': 'none' }), null);
    assert.match(crossOriginProblem({ host, origin: 'https://evil.example' }) ?? '', /another site/);
    assert.match(crossOriginProblem({ host, origin: 'null' }) ?? '', /not a URL/);
    assert.match(crossOriginProblem({ host, 'sec-fetch-site': 'cross-site' }) ?? '', /cross-site/);
    assert.match(crossOriginProblem({ host, 'sec-fetch-site': 'same-site' }) ?? '', /same-site/);
  });
});
