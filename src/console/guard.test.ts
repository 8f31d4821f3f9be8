// Who may use the console: loopback Host only (DNS rebinding), the run's token, same-origin writes.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { createGuard, hostnameOf, isLoopbackName, newToken } from './guard.js';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('console guard', () => {
  it('accepts loopback names and addresses only', () => {
    for (const host of ['localhost', 'app.localhost', '127.0.0.1', '127.1.2.3', '::1'])
      assert.equal(isLoopbackName(host), true, host);
    for (const host of ['evil.example', 'localhost.evil.example', '10.0.0.1', '0.0.0.0', '::', '128.0.0.1'])
      assert.equal(isLoopbackName(host), false, host);
    assert.equal(hostnameOf('[::1]:8080'), '::1');
    assert.equal(hostnameOf('LocalHost:9'), 'localhost');
  });

  it('refuses a foreign Host (a DNS-rebinding page), a missing Host, and allows the bound address', () => {
    const guard = createGuard('t', 1234, '127.0.0.1');
    assert.equal(guard.hostProblem(req({ host: '127.0.0.1:1234' })), null);
    assert.equal(guard.hostProblem(req({ host: 'localhost:1234' })), null);
    assert.match(guard.hostProblem(req({ host: 'rebind.evil.example:1234' })) ?? '', /not a loopback/);
    assert.match(guard.hostProblem(req({})) ?? '', /no Host/);
    const lan = createGuard('t', 1234, '192.168.1.5');
    assert.equal(lan.hostProblem(req({ host: '192.168.1.5:1234' })), null);
    assert.notEqual(createGuard('t', 1, '0.0.0.0').hostProblem(req({ host: '0.0.0.0:1' })), null);
  });

  it('authorises by the cookie of its own port or a bearer token, nothing else', () => {
    const token = newToken();
    assert.match(token, /^[A-Za-z0-9_-]{32}$/);
    assert.notEqual(newToken(), token);
    const guard = createGuard(token, 4000, '127.0.0.1');
    assert.match(
      guard.cookie,
      new RegExp(`^lambda_ml_console_4000=${token}; HttpOnly; SameSite=Strict; Path=/$`),
    );
    assert.equal(guard.authorised(req({ cookie: `a=b; lambda_ml_console_4000=${token}` })), true);
    assert.equal(guard.authorised(req({ cookie: `lambda_ml_console_4001=${token}` })), false);
    assert.equal(guard.authorised(req({ authorization: `Bearer ${token}` })), true);
    assert.equal(guard.authorised(req({ authorization: 'Bearer nope' })), false);
    assert.equal(guard.authorised(req({})), false);
    assert.equal(guard.tokenMatches(token), true);
    assert.equal(guard.tokenMatches(`${token}x`), false);
    assert.equal(guard.tokenMatches(null), false);
  });

  it('lets only same-origin requests change anything', () => {
    const guard = createGuard('t', 1, '127.0.0.1');
    const host = '127.0.0.1:1';
    assert.equal(guard.originProblem(req({ host })), null);
    assert.equal(
      guard.originProblem(req({ host, origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-origin' })),
      null,
    );
    assert.match(guard.originProblem(req({ host, origin: 'http://evil.example' })) ?? '', /another site/);
    assert.match(guard.originProblem(req({ host, 'sec-fetch-site': 'cross-site' })) ?? '', /cross-site/);
  });
});
