// The console over real sockets, without a browser: token and Host checks, the event stream with replay after a
// reconnect, invocation details, try-it and replay through the Invoke API, stopping an instance, clearing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConsoleError } from '../src/console/errors.js';
import { startConsole } from '../src/console/server.js';
import type { InvocationDetail, InvokeReply } from '../src/console/wire.js';
import { bearer, type Fixture, openEvents, rowsOf, send, startConsoleFixture } from './console-helpers.js';
import { invoke } from './emulator-helpers.js';

const SECRET = 'shh-do-not-show-7f3a9';

describe('console server', () => {
  let f: Fixture;
  before(async () => {
    f = await startConsoleFixture({ env: { CONSOLE_TEST_SECRET: SECRET } }, { historySize: 50 });
  });
  after(async () => {
    await f?.close();
  });

  it('prints a loopback URL with a per-run token, on its own port', () => {
    assert.match(f.console.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
    assert.notEqual(f.console.port, f.emulator.port);
  });

  it('refuses every request without the token, and a wrong token', async () => {
    for (const path of ['/', '/app.js', '/api/info', '/api/events']) {
      const answer = await send(f.origin, path);
      assert.equal(answer.status, 401, path);
      assert.match(answer.body, /URL lambda-ml printed/);
    }
    const wrong = await send(f.origin, '/?token=not-the-token');
    assert.equal(wrong.status, 401);
  });

  it('turns the token in the URL into an HttpOnly SameSite cookie, then serves the page with a strict CSP', async () => {
    const entry = await send(f.origin, `/?token=${f.token}`);
    assert.equal(entry.status, 303);
    assert.equal(entry.headers.location, '/');
    const cookie = String(entry.headers['set-cookie']).split(';')[0] as string;
    assert.match(String(entry.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
    const page = await send(f.origin, '/', { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>lambda-ml console<\/title>/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'; script-src 'self'/);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    const script = await send(f.origin, '/app.js', { headers: { cookie, 'accept-encoding': 'gzip' } });
    assert.equal(script.status, 200);
    assert.equal(script.headers['content-encoding'], 'gzip');
  });

  it('refuses a foreign Host even with the token (no DNS rebinding)', async () => {
    for (const host of [`rebind.evil.example:${f.console.port}`, 'attacker.test']) {
      const answer = await send(f.origin, `/?token=${f.token}`, { headers: { host } });
      assert.equal(answer.status, 403, host);
      assert.match(answer.body, /not a loopback address/);
      const api = await send(f.origin, '/api/info', { headers: { host, ...bearer(f.token) } });
      assert.equal(api.status, 403);
    }
    const local = await send(f.origin, '/api/info', {
      headers: { host: `localhost:${f.console.port}`, ...bearer(f.token) },
    });
    assert.equal(local.status, 200);
  });

  it('streams invocations live (cold start flagged, error type named) and resumes after a reconnect', async () => {
    const stream = await openEvents(f.origin, bearer(f.token));
    await stream.until((events) => events.some((e) => e.event === 'stats'));
    assert.equal(stream.events[0]?.event, 'reset');
    await invoke(f.emulator.url, { action: 'log', lines: ['hello from the function'] });
    await invoke(f.emulator.url, { action: 'throw', message: 'bad day' });
    const events = await stream.until((e) => rowsOf(e).length >= 2);
    const [first, second] = rowsOf(events);
    assert.equal(first?.cold, true);
    assert.equal(typeof first?.initDurationMs, 'number');
    assert.equal(first?.ok, true);
    assert.equal(second?.cold, false);
    assert.equal(second?.ok, false);
    assert.equal(second?.errorType, 'Error');
    const lastId = [...events].reverse().find((e) => e.event === 'invocations')?.id;
    assert.ok(lastId);
    stream.close();

    await invoke(f.emulator.url, { action: 'echo', n: 3 });
    const resumed = await openEvents(f.origin, { ...bearer(f.token), 'last-event-id': lastId });
    const again = await resumed.until((e) => rowsOf(e).length >= 1 && e.some((x) => x.event === 'stats'));
    assert.equal(
      again.some((e) => e.event === 'reset'),
      false,
    );
    assert.deepEqual(
      rowsOf(again).map((r) => r.seq),
      [(second?.seq as number) + 1],
    );
    resumed.close();

    const fresh = await openEvents(f.origin, bearer(f.token));
    const all = await fresh.until((e) => rowsOf(e).length >= 3);
    assert.equal(all[0]?.event, 'reset');
    fresh.close();
  });

  it('opens one invocation: request, response and its own log lines', async () => {
    await invoke(f.emulator.url, { action: 'log', lines: ['only-mine-42'] });
    const info = await send(f.origin, '/api/info', { headers: bearer(f.token) });
    assert.equal(info.status, 200);
    const stream = await openEvents(f.origin, bearer(f.token));
    const rows = rowsOf(await stream.until((e) => rowsOf(e).length > 0));
    stream.close();
    const last = rows[rows.length - 1] as { seq: number; requestId: string };
    const answer = await send(f.origin, `/api/invocations/${last.seq}`, { headers: bearer(f.token) });
    const detail = JSON.parse(answer.body) as InvocationDetail;
    assert.equal(detail.request, '{"action":"log","lines":["only-mine-42"]}');
    assert.equal(detail.response, '{"logged":1}');
    assert.match(detail.log, new RegExp(`^START RequestId: ${last.requestId}`));
    assert.match(detail.log, /only-mine-42\n/);
    assert.match(detail.log, new RegExp(`REPORT RequestId: ${last.requestId}\\tDuration: `));
    assert.doesNotMatch(detail.log, /hello from the function/);
  });

  it('sends a try-it payload and replays a past invocation through the Invoke API', async () => {
    const tried = await send(f.origin, '/api/invoke', {
      method: 'POST',
      headers: { ...bearer(f.token), 'content-type': 'application/json' },
      body: JSON.stringify({ payload: '{"action":"echo","x":1}' }),
    });
    assert.equal(tried.status, 200);
    const reply = JSON.parse(tried.body) as InvokeReply;
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body), { action: 'echo', x: 1 });
    assert.match(reply.log, /REPORT RequestId: /);
    assert.ok(reply.requestId);

    const stream = await openEvents(f.origin, bearer(f.token));
    const rows = rowsOf(await stream.until((e) => rowsOf(e).some((r) => r.requestId === reply.requestId)));
    const original = rows.find((r) => r.requestId === reply.requestId) as { seq: number };
    const replayed = await send(f.origin, `/api/invocations/${original.seq}/replay`, {
      method: 'POST',
      headers: bearer(f.token),
    });
    assert.equal(replayed.status, 200);
    const second = JSON.parse(replayed.body) as InvokeReply;
    assert.notEqual(second.requestId, reply.requestId);
    assert.deepEqual(JSON.parse(second.body), { action: 'echo', x: 1 });
    await stream.until((e) => rowsOf(e).some((r) => r.requestId === second.requestId));
    stream.close();
  });

  it('answers bad API input with a clear error', async () => {
    const post = (path: string, body?: string, headers: Record<string, string> = {}) =>
      send(f.origin, path, {
        method: 'POST',
        headers: { ...bearer(f.token), ...headers },
        ...(body ? { body } : {}),
      });
    const cases: [Promise<{ status: number; body: string }>, number, RegExp][] = [
      [post('/api/invoke', 'not json'), 400, /expected a JSON body like/],
      [post('/api/invoke', '{"payload": {"data": [0]}}'), 400, /"payload" must be the event as JSON text/],
      [post('/api/invocations/999999/replay'), 404, /no longer in the console's history/],
      [post('/api/instances/999/stop'), 404, /no running instance 999/],
      [send(f.origin, '/api/invocations/999999', { headers: bearer(f.token) }), 404, /no longer/],
      [send(f.origin, '/api/nothing', { headers: bearer(f.token) }), 404, /no GET \/api\/nothing/],
      [post('/api/clear', undefined, { origin: 'http://evil.example' }), 403, /another site/],
    ];
    for (const [answer, status, message] of cases) {
      const { status: got, body } = await answer;
      assert.equal(got, status, body);
      assert.match(JSON.parse(body).error, message);
    }
    const invalid = JSON.parse(
      (await post('/api/invoke', JSON.stringify({ payload: '{not json' }), {})).body,
    ) as InvokeReply;
    assert.equal(invalid.status, 400);
    assert.match(invalid.body, /InvalidRequestContentException|Could not parse request body into json/);
  });

  it('stops an instance on request (the next call is cold) and clears the history', async () => {
    const live = f.emulator.instances().filter((i) => i.state !== 'stopped');
    assert.ok(live.length > 0);
    const stopped = await send(f.origin, `/api/instances/${live[0]?.id}/stop`, {
      method: 'POST',
      headers: bearer(f.token),
    });
    assert.equal(stopped.status, 202);
    const stream = await openEvents(f.origin, bearer(f.token));
    await stream.until((e) => e.some((x) => x.event === 'stats'));
    const before = rowsOf(stream.events).length;
    await invoke(f.emulator.url, { action: 'echo' });
    const rows = rowsOf(await stream.until((e) => rowsOf(e).length > before));
    assert.equal(rows[rows.length - 1]?.cold, true);

    const cleared = await send(f.origin, '/api/clear', { method: 'POST', headers: bearer(f.token) });
    assert.equal(cleared.status, 200);
    await stream.until((e) => e.filter((x) => x.event === 'reset').length >= 2);
    stream.close();
    const after = await openEvents(f.origin, bearer(f.token));
    await after.until((e) => e.some((x) => x.event === 'stats'));
    assert.equal(rowsOf(after.events).length, 0);
    after.close();
  });

  it('never shows the function environment', async () => {
    const answers = await Promise.all(
      ['/api/info', '/api/schema', '/'].map((p) => send(f.origin, p, { headers: bearer(f.token) })),
    );
    const stream = await openEvents(f.origin, bearer(f.token));
    await stream.until((e) => e.some((x) => x.event === 'stats'));
    stream.close();
    for (const text of [...answers.map((a) => a.body), JSON.stringify(stream.events)])
      assert.equal(text.includes(SECRET), false);
  });
});

describe('console startup errors', () => {
  it('names a taken console port and a page that was not built', async () => {
    const f = await startConsoleFixture();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const empty = mkdtempSync(join(tmpdir(), 'lambda-ml-console-'));
    try {
      await assert.rejects(startConsole(f.emulator, { port }), (error: unknown) => {
        assert.ok(error instanceof ConsoleError);
        assert.match(
          error.message,
          new RegExp(`console port ${port} .* already in use; choose another with --console-port`),
        );
        return true;
      });
      await assert.rejects(
        startConsole(f.emulator, { assetsDir: empty }),
        /console page is not built .* run npm run build/,
      );
    } finally {
      blocker.close();
      rmSync(empty, { recursive: true, force: true });
      await f.close();
    }
  });
});
