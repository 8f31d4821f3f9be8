// Invoke API routing: which paths, methods, names, ARNs and qualifiers address the function.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTarget, classify, functionNameOf } from './routes.js';
import { InvokeApiError } from './service-errors.js';

describe('invoke routes', () => {
  it('classifies by method and path', () => {
    assert.deepEqual(classify('POST', '/2015-03-31/functions/f/invocations'), { kind: 'invoke' });
    assert.deepEqual(classify('GET', '/2015-03-31/functions/f/invocations'), { kind: 'wrong-method' });
    assert.deepEqual(classify('POST', '/2015-03-31/functions/f'), { kind: 'other' });
    assert.equal(functionNameOf('/2015-03-31/functions/a%3Ab/invocations'), 'a:b');
  });

  it('accepts names, ARNs and $LATEST; anything else is ResourceNotFoundException', () => {
    const names = ['fn', 'function'];
    for (const name of [
      'fn',
      'function',
      'fn:$LATEST',
      '012345678912:function:fn',
      'arn:aws:lambda:us-east-1:1:function:fn',
    ]) {
      assert.doesNotThrow(() => checkTarget(name, null, names, 'us-east-1'), name);
    }
    assert.doesNotThrow(() => checkTarget('fn', '$LATEST', names, 'us-east-1'));
    for (const [name, qualifier] of [
      ['other', null],
      ['fn', '3'],
      ['fn:prod', null],
    ] as const) {
      assert.throws(
        () => checkTarget(name, qualifier, names, 'eu-west-1'),
        (e) =>
          e instanceof InvokeApiError &&
          e.status === 404 &&
          /Function not found: arn:aws:lambda:eu-west-1:/.test(e.message),
      );
    }
  });
});
