// The console's ring buffer: capacity, body cuts, byte budget, resume positions across clears.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InvocationEvent } from '../emulator/events.js';
import { BODY_LIMIT, History } from './history.js';

function event(n: number, over: Partial<InvocationEvent> = {}): InvocationEvent {
  return {
    kind: 'invocation',
    requestId: `req-${n}`,
    instanceId: 1,
    startedAt: 1_700_000_000_000 + n,
    request: Buffer.from(`{"data":[${n}]}`),
    outcome: { kind: 'success', body: Buffer.from('{"statusCode":200,"body":1}') },
    durationMs: 1.2,
    maxMemoryUsedMb: 50,
    memoryMb: 128,
    log: `START ${n}\n`,
    ...over,
  };
}

describe('History', () => {
  it('keeps the newest `capacity` invocations in order, numbering them from 1', () => {
    const h = new History(3);
    for (let n = 1; n <= 5; n++) h.add(event(n));
    assert.equal(h.size, 3);
    assert.deepEqual(
      h.since(0).map((s) => [s.seq, s.requestId]),
      [
        [3, 'req-3'],
        [4, 'req-4'],
        [5, 'req-5'],
      ],
    );
    assert.equal(h.detail(2), null);
    assert.equal(h.detail(4)?.request, '{"data":[4]}');
  });

  it('summarises status code, cold start, billed duration and a function error type', () => {
    const h = new History(10);
    const ok = h.add(event(1, { initDurationMs: 120.5, durationMs: 3.01 }));
    assert.equal(ok.ok, true);
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.cold, true);
    assert.equal(ok.initDurationMs, 120.5);
    assert.equal(ok.billedMs, 4);
    const failed = h.add(
      event(2, { outcome: { kind: 'error', errorType: 'Runtime.ExitError', body: Buffer.from('{}') } }),
    );
    assert.equal(failed.ok, false);
    assert.equal(failed.errorType, 'Runtime.ExitError');
    assert.equal(failed.statusCode, null);
    assert.equal(failed.cold, false);
  });

  it('cuts bodies over the limit (copying, so the large original can be freed) and will not replay them', () => {
    const h = new History(10);
    const big = Buffer.alloc(BODY_LIMIT * 3, 0x61);
    h.add(event(1, { request: big }));
    const detail = h.detail(1);
    assert.equal(detail?.requestTruncated, true);
    assert.equal(detail?.request.length, BODY_LIMIT);
    assert.equal(detail?.requestBytes, BODY_LIMIT * 3);
    assert.equal(h.request(1), null);
    h.add(event(2));
    assert.equal(h.request(2)?.toString(), '{"data":[2]}');
  });

  it('drops the oldest records when bodies exceed the byte budget', () => {
    const h = new History(100, 3 * 1024);
    for (let n = 1; n <= 10; n++) h.add(event(n, { request: Buffer.alloc(1000, 0x61) }));
    assert.ok(h.size <= 3, `kept ${h.size}`);
    assert.equal(h.lastSeq, 10);
  });

  it('resumes a page after its last event id, and makes it start over after a clear or a gap', () => {
    const h = new History(3);
    h.add(event(1));
    h.add(event(2));
    assert.equal(h.resumeAfter(h.eventId(1)), 1);
    assert.equal(h.resumeAfter(undefined), null);
    assert.equal(h.resumeAfter('garbage'), null);
    for (let n = 3; n <= 6; n++) h.add(event(n));
    assert.equal(h.resumeAfter('0.1'), null, 'rows 2-3 were dropped meanwhile');
    const before = h.eventId(6);
    h.clear();
    assert.equal(h.size, 0);
    assert.equal(h.resumeAfter(before), null, 'a page that missed the clear starts over');
    h.add(event(7));
    assert.deepEqual(
      h.since(h.resumeAfter(h.eventId(6)) ?? -1).map((s) => s.seq),
      [7],
    );
  });
});
