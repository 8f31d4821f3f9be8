// The execution environment state machine: every legal move and the illegal ones with their error kinds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Invocation } from '../contract.js';
import { StateTransitionError } from '../errors.js';
import { SandboxState } from './state.js';

const inv = (requestId: string): Invocation => ({
  requestId,
  payload: Buffer.from('{}'),
  functionArn: 'arn',
  traceId: 't',
  deadlineMs: 0,
});

function expectKind(fn: () => unknown, kind: string): void {
  assert.throws(fn, (error) => error instanceof StateTransitionError && error.kind === kind);
}

describe('SandboxState', () => {
  it('cold start: an invocation assigned during init is delivered on the first /next', () => {
    const s = new SandboxState();
    assert.equal(s.phase, 'init');
    assert.deepEqual(s.assign(inv('a')), {});
    assert.equal(s.available, false);
    assert.equal(s.next().deliver?.requestId, 'a');
    assert.equal(s.phase, 'running');
    assert.equal(s.finish('a').requestId, 'a');
    assert.equal(s.phase, 'ready');
    assert.equal(s.available, true);
  });

  it('warm: a runtime waiting in /next receives the invocation at assignment', () => {
    const s = new SandboxState();
    assert.deepEqual(s.next(), {});
    assert.equal(s.phase, 'ready');
    assert.equal(s.assign(inv('b')).deliver?.requestId, 'b');
    assert.equal(s.inFlight?.requestId, 'b');
  });

  it('a second reply is InvalidStateTransition, an unknown id is InvalidRequestID', () => {
    const s = new SandboxState();
    s.next();
    s.assign(inv('c'));
    s.finish('c');
    expectKind(() => s.finish('c'), 'InvalidStateTransition');
    expectKind(() => s.finish('zzz'), 'InvalidRequestID');
  });

  it('rejects /next while an invocation is unanswered or another /next waits', () => {
    const s = new SandboxState();
    s.next();
    expectKind(() => s.next(), 'InvalidStateTransition');
    s.assign(inv('d'));
    expectKind(() => s.next(), 'InvalidStateTransition');
  });

  it('rejects a second assignment and an init error after init', () => {
    const s = new SandboxState();
    s.assign(inv('e'));
    expectKind(() => s.assign(inv('f')), 'InvalidStateTransition');
    s.next();
    expectKind(() => s.initError(), 'InvalidStateTransition');
  });

  it('an init error ends init; die returns what was in flight and ends everything', () => {
    const s = new SandboxState();
    s.assign(inv('g'));
    s.initError();
    assert.equal(s.phase, 'dead');
    assert.equal(s.die()?.requestId, 'g');
    assert.equal(s.available, false);
    expectKind(() => s.next(), 'ContainerError');
    expectKind(() => s.finish('g'), 'InvalidRequestID');
  });
});
