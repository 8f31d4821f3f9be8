// The Event queue: runs events in order as capacity frees up, bounded by count and bytes, drains at shutdown.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InvokeRequest, InvokeResult } from '../contract.js';
import { QueueFullError, ShuttingDownError } from '../errors.js';
import type { Pool } from './pool.js';
import { EVENT_OVERHEAD_BYTES, EventQueue } from './queue.js';

/** A pool stand-in with `limit` instances; invocations are recorded and finished by the test. */
function fakePool(limit: number) {
  const finishers = new Map<string, (result: InvokeResult) => void>();
  let busy = 0;
  const fake = {
    ran: [] as string[],
    onAvailable: () => {},
    get hasCapacity() {
      return busy < limit;
    },
    invoke(request: InvokeRequest, requestId: string): Promise<InvokeResult> {
      busy++;
      fake.ran.push(`${requestId}:${request.payload}`);
      return new Promise((resolve) => finishers.set(requestId, resolve));
    },
    /** Ends a call (success, or the error type given) and frees its instance, as the pool does. */
    finish(requestId: string, errorType?: string) {
      const outcome =
        errorType === undefined
          ? { kind: 'success' as const, body: Buffer.from('1') }
          : { kind: 'error' as const, errorType, body: Buffer.from('{}') };
      finishers.get(requestId)?.({ requestId, outcome, log: '' });
      busy--;
      fake.onAvailable();
    },
  };
  return fake;
}

const event = (text: string) => ({ payload: Buffer.from(text) });
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('EventQueue', () => {
  it('holds events until an environment is free and runs them in order', async () => {
    const pool = fakePool(0);
    const queue = new EventQueue(pool as unknown as Pool, { events: 10, bytes: 1 << 20 });
    queue.enqueue(event('a'), 'e1');
    queue.enqueue(event('b'), 'e2');
    await tick();
    assert.deepEqual(pool.ran, []);
    assert.equal(queue.length, 2);
    assert.equal(queue.queuedBytes, 2 * (1 + EVENT_OVERHEAD_BYTES));
  });

  it('refuses with a 429 error beyond its event count or its byte bound; an empty queue takes any event', () => {
    const pool = fakePool(0);
    const counted = new EventQueue(pool as unknown as Pool, { events: 2, bytes: 1 << 20 });
    counted.enqueue(event('a'), 'e1');
    counted.enqueue(event('b'), 'e2');
    assert.throws(
      () => counted.enqueue(event('c'), 'e3'),
      (error) => error instanceof QueueFullError && error.bound === 'events',
    );

    const bound = 4 * (1000 + EVENT_OVERHEAD_BYTES);
    const sized = new EventQueue(pool as unknown as Pool, { events: 100, bytes: bound });
    for (let i = 0; i < 4; i++) sized.enqueue(event('x'.repeat(1000)), `k${i}`);
    assert.equal(sized.queuedBytes, bound);
    assert.throws(
      () => sized.enqueue(event('{}'), 'over'),
      (error) =>
        error instanceof QueueFullError &&
        error.bound === 'bytes' &&
        error.message ===
          `Rate Exceeded. The asynchronous invocation queue holds ${bound} bytes of events already; this event would take it over its limit of ${bound} bytes (--queue-bytes). Retry later.`,
    );
    const empty = new EventQueue(pool as unknown as Pool, { events: 100, bytes: 2048 });
    empty.enqueue(event('y'.repeat(10_000)), 'alone');
    assert.equal(empty.length, 1);
  });

  it('keeps running accepted events while draining, then hands back what did not run', async () => {
    const pool = fakePool(2);
    const queue = new EventQueue(pool as unknown as Pool, { events: 10, bytes: 1 << 20 });
    for (let i = 1; i <= 5; i++) queue.enqueue(event(String(i)), `e${i}`);
    await tick();
    assert.deepEqual(pool.ran, ['e1:1', 'e2:2']);
    const draining = queue.drain(200);
    assert.throws(() => queue.enqueue(event('6'), 'e6'), ShuttingDownError);
    pool.finish('e1');
    assert.deepEqual(pool.ran, ['e1:1', 'e2:2', 'e3:3']);
    await draining;
    // The grace period is over: e2 and e3 are running, e4 and e5 never started.
    const { notStarted, interrupted } = queue.stop();
    assert.deepEqual(
      notStarted.map((l) => [l.requestId, l.reason, l.request.payload.toString()]),
      [
        ['e4', 'not-started', '4'],
        ['e5', 'not-started', '5'],
      ],
    );
    pool.finish('e2');
    pool.finish('e3', 'Runtime.ExitError');
    assert.deepEqual(
      (await interrupted).map((l) => [l.requestId, l.reason]),
      [['e3', 'interrupted']],
    );
    assert.equal(pool.ran.length, 3, 'nothing starts after stop');
    assert.equal(queue.length, 0);
  });

  it('stops draining as soon as every accepted event has finished', async () => {
    const pool = fakePool(1);
    const queue = new EventQueue(pool as unknown as Pool, { events: 10, bytes: 1 << 20 });
    queue.enqueue(event('a'), 'e1');
    queue.enqueue(event('b'), 'e2');
    await tick();
    const draining = queue.drain(600_000);
    pool.finish('e1');
    pool.finish('e2');
    await draining;
    const { notStarted, interrupted } = queue.stop();
    assert.deepEqual(notStarted, []);
    assert.deepEqual(await interrupted, []);
  });
});
