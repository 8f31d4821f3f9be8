// The sandbox with injected fakes (no processes, no sockets): cold start, reuse, 429, timeout, OOM, exit.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { RuntimeApiHandler } from '../contract.js';
import { ConcurrencyLimitError } from '../errors.js';
import { type EmulatorEvent, EmulatorEvents } from '../events.js';
import { Pool } from './pool.js';
import type { SandboxDeps } from './types.js';

class FakeChild extends EventEmitter {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  constructor(readonly pid: number) {
    super();
  }
}

function harness(
  overrides: { timeoutMs?: number; rss?: () => number; limit?: number; events?: EmulatorEvents } = {},
) {
  let now = 1000;
  const handlers: RuntimeApiHandler[] = [];
  const children: FakeChild[] = [];
  const kills: Array<[number, string]> = [];
  const logs: string[] = [];
  const deps: SandboxDeps = {
    config: {
      command: ['fake'],
      env: {},
      timeoutMs: overrides.timeoutMs ?? 10_000,
      initTimeoutMs: 10_000,
      memoryMb: 128,
      functionArn: 'arn:aws:lambda:us-east-1:012345678912:function:f',
    },
    createEndpoint: async (handler) => {
      handlers.push(handler);
      return { address: `127.0.0.1:${handlers.length}`, close: async () => {} };
    },
    spawn: () => {
      const child = new FakeChild(5000 + children.length);
      children.push(child);
      return child as unknown as ChildProcess;
    },
    clock: { now: () => now },
    readRss: overrides.rss ?? (() => 50 * 2 ** 20),
    kill: (pid, signal) => {
      kills.push([pid, signal]);
      children.find((c) => c.pid === pid)?.emit('exit', null, signal);
    },
    writeLog: (text) => void logs.push(text),
    ...(overrides.events === undefined ? {} : { events: overrides.events }),
  };
  const pool = new Pool(deps, overrides.limit ?? 2);
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  const advance = (ms: number) => {
    now += ms;
  };
  return { pool, handlers, children, kills, logs, tick, advance };
}

/** Polls (real time) until `check` holds; false after 5 s. */
async function until(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return check();
}

const request = (event: unknown) => ({ payload: Buffer.from(JSON.stringify(event)) });

/** Runs call `id` to its answer on the first instance; returns that instance's Runtime API handler. */
async function answerOne(h: ReturnType<typeof harness>, id = 'one'): Promise<RuntimeApiHandler> {
  const first = h.pool.invoke(request({}), id);
  await h.tick();
  const handler = h.handlers[0] as RuntimeApiHandler;
  await handler.next();
  handler.respond(id, Buffer.from('1'));
  await first;
  return handler;
}

describe('Pool with injected spawn, endpoint and clock', () => {
  it('cold-starts lazily, reports Init Duration from the clock, then reuses the warm instance', async () => {
    const h = harness();
    const first = h.pool.invoke(request({ n: 1 }), 'id-1');
    await h.tick();
    assert.equal(h.children.length, 1);
    h.advance(25);
    const handler = h.handlers[0] as RuntimeApiHandler;
    const invocation = await handler.next();
    assert.equal(invocation.requestId, 'id-1');
    h.advance(2);
    handler.respond('id-1', Buffer.from('"ok"'));
    const result = await first;
    assert.equal(result.outcome.kind, 'success');
    assert.match(
      result.log,
      /^START RequestId: id-1 Version: \$LATEST\nEND RequestId: id-1\nREPORT RequestId: id-1\tDuration: 2\.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\tInit Duration: 25\.00 ms\t\n$/,
    );

    const polling = handler.next();
    const second = h.pool.invoke(request({ n: 2 }), 'id-2');
    assert.equal((await polling).requestId, 'id-2');
    handler.respond('id-2', Buffer.from('"again"'));
    const warm = await second;
    assert.equal(warm.outcome.body.toString(), '"again"');
    assert.doesNotMatch(warm.log, /Init Duration/);
    assert.equal(h.children.length, 1);
    await h.pool.close(0);
  });

  it('refuses a call beyond the limit with ConcurrencyLimitError', async () => {
    const h = harness({ limit: 1 });
    const busy = h.pool.invoke(request({}), 'busy');
    await assert.rejects(h.pool.invoke(request({})), ConcurrencyLimitError);
    await h.tick();
    const handler = h.handlers[0] as RuntimeApiHandler;
    await handler.next();
    handler.fail('busy', Buffer.from('{"errorType":"TypeError","errorMessage":"x"}'), undefined);
    const result = await busy;
    assert.equal(result.outcome.kind, 'error');
    assert.equal(result.outcome.kind === 'error' && result.outcome.errorType, 'TypeError');
    await h.pool.close(0);
  });

  it('kills a timed-out instance and answers Sandbox.Timedout; the next call starts a new one', async () => {
    const h = harness({ timeoutMs: 20 });
    const call = h.pool.invoke(request({}), 'slow');
    await h.tick();
    await (h.handlers[0] as RuntimeApiHandler).next();
    const result = await call;
    assert.equal(result.outcome.kind === 'error' && result.outcome.errorType, 'Sandbox.Timedout');
    assert.match(result.outcome.body.toString(), /RequestId: slow Error: Task timed out after 0\.02 seconds/);
    assert.deepEqual(h.kills, [[5000, 'SIGKILL']]);
    assert.equal(h.pool.size, 0);
    void h.pool.invoke(request({}), 'next');
    await h.tick();
    assert.equal(h.children.length, 2);
    await h.pool.close(0);
  });

  it('moves a call from a warm runtime that never asks for work again to a new instance', async () => {
    const h = harness({ timeoutMs: 20 });
    await answerOne(h);
    const second = h.pool.invoke(request({}), 'two');
    // The stuck instance is killed at the timeout; the call, never delivered, starts a new one.
    assert.ok(await until(() => h.handlers.length === 2));
    assert.deepEqual(h.kills, [[5000, 'SIGKILL']]);
    const other = h.handlers[1] as RuntimeApiHandler;
    assert.equal((await other.next()).requestId, 'two');
    other.respond('two', Buffer.from('2'));
    const result = await second;
    assert.equal(result.outcome.kind, 'success');
    assert.equal(result.outcome.body.toString(), '2');
    assert.match(result.log, /^START RequestId: two /);
    assert.match(
      h.logs.join(''),
      /instance 1 did not ask for work within the timeout before its runtime took request two; sent to another instance/,
    );
    await h.pool.close(0);
  });

  it('sends a call to another instance when the one it waited for exits before taking it', async () => {
    const h = harness({ limit: 1 });
    // The runtime answers, then dies (an uncaught exception after the answer) instead of asking for work.
    await answerOne(h);
    const second = h.pool.invoke(request({}), 'two');
    (h.children[0] as FakeChild).emit('exit', 129, null);
    // The whole process group goes, since the function's own processes would outlive the runtime.
    assert.deepEqual(h.kills, [[5000, 'SIGKILL']]);
    assert.ok(await until(() => h.handlers.length === 2));
    const other = h.handlers[1] as RuntimeApiHandler;
    assert.equal((await other.next()).requestId, 'two');
    other.respond('two', Buffer.from('"fine"'));
    const result = await second;
    assert.equal(result.outcome.body.toString(), '"fine"');
    assert.equal(h.pool.size, 1);
    await h.pool.close(0);
  });

  /** A delivery connection whose verdict the test gives; `disposed` once the environment lets go of it. */
  function connection() {
    let settle: (unread: boolean) => void = () => {};
    const watched = {
      disposed: false,
      unread: new Promise<boolean>((resolve) => {
        settle = resolve;
      }),
      dispose: () => {
        watched.disposed = true;
      },
      settle: (unread: boolean) => settle(unread),
    };
    return watched;
  }

  /** One answered call, then a second one delivered on `conn` to the same runtime (which asked /next). */
  async function deliveredSecond(h: ReturnType<typeof harness>, conn: ReturnType<typeof connection>) {
    const handler = await answerOne(h);
    const polling = handler.next();
    const second = h.pool.invoke(request({}), 'two');
    assert.equal((await polling).requestId, 'two');
    handler.delivered?.('two', conn);
    return { second };
  }

  for (const order of ['exit, then the reset', 'the reset, then exit'] as const) {
    it(`moves a delivered call its dying runtime left unread (${order}); it runs once`, async () => {
      const h = harness();
      const conn = connection();
      const { second } = await deliveredSecond(h, conn);
      const child = h.children[0] as FakeChild;
      if (order === 'exit, then the reset') {
        child.emit('exit', 129, null);
        await h.tick();
        // No verdict on the connection yet: nothing is decided, no instance started for it.
        assert.equal(h.handlers.length, 1);
        conn.settle(true);
      } else {
        conn.settle(true);
        await h.tick();
        assert.equal(h.handlers.length, 1, 'a reset alone (the runtime may live on) moves nothing');
        child.emit('exit', 129, null);
      }
      assert.ok(await until(() => h.handlers.length === 2));
      const other = h.handlers[1] as RuntimeApiHandler;
      assert.equal((await other.next()).requestId, 'two');
      other.respond('two', Buffer.from('"moved"'));
      const result = await second;
      assert.equal(result.outcome.kind, 'success');
      assert.equal(result.outcome.body.toString(), '"moved"');
      const log = h.logs.join('');
      assert.match(
        log,
        /instance 1 exited \(exit status 129\) before its runtime read request two \(its connection was reset with the invocation unread\); sent to another instance/,
      );
      // One START (written at the first delivery), one END and REPORT; the call's own log has all three.
      assert.equal(log.split('START RequestId: two ').length - 1, 1);
      assert.equal(log.split('REPORT RequestId: two\t').length - 1, 1);
      assert.match(result.log, /^START RequestId: two [\s\S]*END RequestId: two\nREPORT RequestId: two\t/);
      assert.ok(conn.disposed);
      await h.pool.close(0);
    });
  }

  it('keeps the slot of a dead instance whose delivered call awaits its verdict, so the call can move', async () => {
    const h = harness({ limit: 1 });
    const conn = connection();
    const { second } = await deliveredSecond(h, conn);
    (h.children[0] as FakeChild).emit('exit', 129, null);
    // The only slot is still the moving call's: another caller gets a 429, not the slot.
    await assert.rejects(h.pool.invoke(request({}), 'three'), ConcurrencyLimitError);
    conn.settle(true);
    assert.ok(await until(() => h.handlers.length === 2));
    const other = h.handlers[1] as RuntimeApiHandler;
    assert.equal((await other.next()).requestId, 'two');
    other.respond('two', Buffer.from('"moved"'));
    assert.equal((await second).outcome.body.toString(), '"moved"');
    await h.pool.close(0);
  });

  it('fails a delivered call with Runtime.ExitError when its runtime read it before exiting', async () => {
    const h = harness();
    const conn = connection();
    const { second } = await deliveredSecond(h, conn);
    (h.children[0] as FakeChild).emit('exit', 129, null);
    conn.settle(false);
    const result = await second;
    assert.equal(result.outcome.kind === 'error' && result.outcome.errorType, 'Runtime.ExitError');
    assert.equal(h.handlers.length, 1, 'nothing ran it again');
    await h.pool.close(0);
  });

  it('prefers an instance waiting in /next over one still finishing its last call', async () => {
    const h = harness();
    const a = h.pool.invoke(request({}), 'a');
    const b = h.pool.invoke(request({}), 'b');
    await h.tick();
    const [ha, hb] = h.handlers as [RuntimeApiHandler, RuntimeApiHandler];
    await ha.next();
    await hb.next();
    hb.respond('b', Buffer.from('1'));
    await b;
    void hb.next();
    ha.respond('a', Buffer.from('1'));
    await a;
    // Instance 1 answered last (most recently used) but has not come back to /next; instance 2 has.
    const polled = h.pool.invoke(request({}), 'c');
    await h.tick();
    assert.deepEqual(
      h.pool.instances().map((i) => [i.id, i.state]),
      [
        [1, 'idle'],
        [2, 'busy'],
      ],
    );
    hb.respond('c', Buffer.from('"two"'));
    assert.equal((await polled).outcome.body.toString(), '"two"');
    await h.pool.close(0);
  });

  it('answers Runtime.OutOfMemory when the polled RSS exceeds the limit', async () => {
    let rss = 50 * 2 ** 20;
    const h = harness({ rss: () => rss });
    const call = h.pool.invoke(request({}), 'hungry');
    await h.tick();
    await (h.handlers[0] as RuntimeApiHandler).next();
    rss = 129 * 2 ** 20;
    const result = await call;
    assert.equal(result.outcome.kind === 'error' && result.outcome.errorType, 'Runtime.OutOfMemory');
    assert.match(result.log, /Max Memory Used: 129 MB/);
    await h.pool.close(0);
  });

  it('answers Runtime.ExitError with the signal when the process dies mid-call', async () => {
    const h = harness();
    const call = h.pool.invoke(request({}), 'crash');
    await h.tick();
    await (h.handlers[0] as RuntimeApiHandler).next();
    (h.children[0] as FakeChild).emit('exit', null, 'SIGSEGV');
    const result = await call;
    assert.match(
      result.outcome.body.toString(),
      /"errorType":"Runtime.ExitError".*Runtime exited with error: signal: SIGSEGV/,
    );
    assert.equal(h.pool.size, 0);
    await h.pool.close(0);
  });
});

describe('Pool events (what the console observes)', () => {
  it('publishes nothing, and builds no event, while nobody subscribes', async () => {
    const events = new EmulatorEvents();
    let built = 0;
    const publish = events.publish.bind(events);
    events.publish = (event) => {
      built++;
      publish(event);
    };
    const h = harness({ events });
    await answerOne(h, 'quiet');
    await h.pool.close(0);
    assert.equal(built, 0);
  });

  it('reports instance states, the finished invocation with its REPORT figures, and a throttle', async () => {
    const events = new EmulatorEvents();
    const seen: EmulatorEvent[] = [];
    let answered = false;
    let answeredBeforeEvent: boolean | null = null;
    events.subscribe((event) => {
      seen.push(event);
      if (event.kind === 'invocation') answeredBeforeEvent = answered;
    });
    const h = harness({ events, limit: 1 });
    const call = h.pool.invoke(request({ n: 1 }), 'id-1');
    void call.then(() => {
      answered = true;
    });
    await h.tick();
    await assert.rejects(h.pool.invoke(request({})), ConcurrencyLimitError);
    h.advance(30);
    const handler = h.handlers[0] as RuntimeApiHandler;
    await handler.next();
    h.advance(4);
    handler.respond('id-1', Buffer.from('{"statusCode":200,"body":1}'));
    await call;
    assert.equal(answeredBeforeEvent, null, 'nothing is published in the turn that answers the call');
    await h.tick();
    assert.equal(answeredBeforeEvent, true, 'the invocation is published after the caller has its answer');
    (h.children[0] as FakeChild).emit('exit', 0, null);
    await h.tick();

    const states = seen.flatMap((e) => (e.kind === 'instance' ? [e.state] : []));
    assert.deepEqual(
      states.filter((s, i) => s !== states[i - 1]),
      ['initialising', 'busy', 'idle', 'stopped'],
    );
    assert.equal(seen.filter((e) => e.kind === 'throttle').length, 1);
    const done = seen.find((e) => e.kind === 'invocation');
    assert.ok(done?.kind === 'invocation');
    assert.equal(done.requestId, 'id-1');
    assert.equal(done.instanceId, 1);
    assert.equal(done.durationMs, 4);
    assert.equal(done.initDurationMs, 30);
    assert.equal(done.maxMemoryUsedMb, 50);
    assert.equal(done.request.toString(), '{"n":1}');
    assert.equal(done.outcome.body.toString(), '{"statusCode":200,"body":1}');
    assert.match(done.log, /^START RequestId: id-1 .*\nREPORT RequestId: id-1\tDuration: 4\.00 ms/s);
    await h.pool.close(0);
  });

  it('stops one instance on request, so the next call starts a new one', async () => {
    const h = harness();
    const call = h.pool.invoke(request({}), 'first');
    await h.tick();
    const handler = h.handlers[0] as RuntimeApiHandler;
    await handler.next();
    handler.respond('first', Buffer.from('1'));
    await call;
    assert.deepEqual(
      h.pool.instances().map((i) => [i.id, i.state]),
      [[1, 'idle']],
    );
    assert.equal(h.pool.stop(99), false);
    assert.equal(h.pool.stop(1), true);
    await h.tick();
    // SIGTERM to the runtime, then SIGKILL to whatever is left of its process group once it exited.
    assert.deepEqual(h.kills, [
      [5000, 'SIGTERM'],
      [5000, 'SIGKILL'],
    ]);
    assert.equal(h.pool.size, 0);
    void h.pool.invoke(request({}), 'second');
    await h.tick();
    assert.equal(h.children.length, 2);
    await h.pool.close(0);
  });
});
