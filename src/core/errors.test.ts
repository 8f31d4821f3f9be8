import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeError, LambdaMlError, UsageError } from './errors.js';

describe('LambdaMlError', () => {
  it('names itself after the subclass and keeps cause and context', () => {
    const cause = new Error('root');
    const error = new UsageError('bad flag --port', { cause, context: { flag: '--port' } });
    assert.equal(error.name, 'UsageError');
    assert.ok(error instanceof LambdaMlError);
    assert.equal(error.cause, cause);
    assert.deepEqual(error.toJSON(), {
      flag: '--port',
      errorType: 'UsageError',
      errorMessage: 'bad flag --port',
    });
  });

  it('describes non-errors as strings', () => {
    assert.equal(describeError('plain'), 'plain');
    assert.equal(describeError(new Error('boom')), 'boom');
  });
});
