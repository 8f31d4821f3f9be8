// Invalid infrastructure options fail synth naming the option; CDK context strings map onto the options.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App } from 'aws-cdk-lib';
import { optionsFromContext } from '../lib/context.js';
import { InfraOptionError, type ModelFunctionOptions, resolveOptions } from '../lib/options.js';
import { LambdaMlStack } from '../lib/stack.js';

describe('invalid options fail synth naming the option', () => {
  const cases: Array<[string, ModelFunctionOptions, RegExp]> = [
    ['memory below 128', { memorySize: 64 }, /memorySize must be an integer from 128 to 10240 MB, got 64/],
    ['memory above 10,240', { memorySize: 10_241 }, /memorySize must be an integer from 128 to 10240 MB/],
    ['fractional memory', { memorySize: 1000.5 }, /memorySize/],
    [
      'timeout over 900 s',
      { timeoutSeconds: 901 },
      /timeoutSeconds must be an integer from 1 to 900 seconds, got 901/,
    ],
    ['zero timeout', { timeoutSeconds: 0 }, /timeoutSeconds/],
    [
      'provisioned above reserved',
      { provisionedConcurrency: 5, reservedConcurrency: 2 },
      /provisionedConcurrency \(5\) must not exceed reservedConcurrency \(2\)/,
    ],
    ['negative reserved', { reservedConcurrency: -1 }, /reservedConcurrency must be an integer from 0/],
    ['zero provisioned', { provisionedConcurrency: 0 }, /provisionedConcurrency must be an integer from 1/],
    [
      'small ephemeral storage',
      { ephemeralStorageMiB: 256 },
      /ephemeralStorageMiB must be an integer from 512 to 10240 MiB/,
    ],
    ['odd log retention', { logRetentionDays: 2 }, /logRetentionDays must be one of 1, 3, 5/],
    [
      'unknown architecture',
      { architecture: 'sparc' as never },
      /architecture must be arm64 or x86_64, got sparc/,
    ],
    [
      'unknown URL auth',
      { functionUrlAuth: 'OPEN' as never },
      /functionUrlAuth must be AWS_IAM or NONE, got OPEN/,
    ],
    ['empty handler', { handler: ' ' }, /handler must be a module\.function name/],
  ];
  for (const [name, model, message] of cases) {
    it(`rejects ${name}`, () => {
      const app = new App();
      assert.throws(
        () => new LambdaMlStack(app, 'Bad', { model }),
        (error: unknown) => error instanceof InfraOptionError && message.test(error.message),
      );
    });
  }

  it('accepts the limits themselves', () => {
    const resolved = resolveOptions({
      memorySize: 10_240,
      timeoutSeconds: 900,
      provisionedConcurrency: 3,
      reservedConcurrency: 3,
    });
    assert.equal(resolved.memorySize, 10_240);
    assert.equal(resolved.timeoutSeconds, 900);
    assert.equal(resolveOptions({ memorySize: 128 }).memorySize, 128);
  });
});

describe('optionsFromContext', () => {
  it('parses string context values into typed options and skips unset keys', () => {
    const context: Record<string, unknown> = {
      arch: 'x86_64',
      memory: '2048',
      timeout: 30,
      provisioned: '1',
      reserved: '4',
      urlAuth: 'NONE',
      ephemeralStorage: '',
    };
    assert.deepEqual(
      optionsFromContext((key) => context[key]),
      {
        architecture: 'x86_64',
        memorySize: 2048,
        timeoutSeconds: 30,
        provisionedConcurrency: 1,
        reservedConcurrency: 4,
        functionUrlAuth: 'NONE',
      },
    );
  });

  it('names the context key of a value that is not a number', () => {
    assert.throws(
      () => optionsFromContext((key) => (key === 'memory' ? 'lots' : undefined)),
      /memorySize \(context key 'memory'\) must be a number, got 'lots'/,
    );
  });
});
