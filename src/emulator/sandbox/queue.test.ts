// The Event queue: runs events in order as capacity frees up, refuses when full or closed.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { InvokeRequest, InvokeResult } from '../contract.js';
import { QueueFullError, ShuttingDownError } from '../errors.js';
import type { Pool } from './pool.js';
import { EventQueue } from './queue.js';

/** A pool stand-in: capacity is switched by the test; invocations are recorded. */
function fakePool() {
  const fake = {
    hasCapacity: false,
    ran: [] as string[],
    onAvailable: () => {},
    invoke(request: InvokeRequest, requestId: string): Promise<InvokeResult> {
      fake.ran.push(`${requestId}:${request.payload}`);
      return Promise.resolve({ requestId, outcome: { kind: 'success', body: Buffer.from('1') }, log: '' });
    },
  };
  return fake;
}

it('holds events until an environment is free, runs them in order, refuses when full or closed', async () => {
  const pool = fakePool();
  const logs: string[] = [];
  const queue = new EventQueue(pool as unknown as Pool, 2, (t) => void logs.push(t));
  queue.enqueue({ payload: Buffer.from('a') }, 'e1');
  queue.enqueue({ payload: Buffer.from('b') }, 'e2');
  assert.throws(() => queue.enqueue({ payload: Buffer.from('c') }, 'e3'), QueueFullError);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(pool.ran, []);
  pool.hasCapacity = true;
  pool.onAvailable();
  assert.deepEqual(pool.ran, ['e1:a', 'e2:b']);
  pool.hasCapacity = false;
  queue.enqueue({ payload: Buffer.from('d') }, 'e4');
  queue.close();
  assert.match(logs.join(''), /dropped 1 queued Event invocation/);
  assert.throws(() => queue.enqueue({ payload: Buffer.from('e') }, 'e5'), ShuttingDownError);
  assert.equal(queue.length, 0);
});
