// Invalid infrastructure options (function, rollout, batch) fail synth naming the option; CDK context maps onto them.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { serializeArtifact } from '../../src/model/artifact.js';
import { trainFromConfig } from '../../src/model/train.js';
import type { BatchScoringOptions } from '../lib/batch-options.js';
import { batchFromContext, optionsFromContext } from '../lib/context.js';
import { DEFAULT_TRAINING_CONFIG, modelPinFromContext } from '../lib/model-digest.js';
import type { ModelFunctionProps } from '../lib/model-function.js';
import { InfraOptionError, type ModelFunctionOptions, resolveOptions } from '../lib/options.js';
import { LambdaMlStack } from '../lib/stack.js';
import { testApp } from './app.js';

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
      const app = testApp();
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

describe('alarm email, scan on push and the model pin from context', () => {
  it('reads alarmEmail as text and ecrScanOnPush as a boolean', () => {
    const context: Record<string, unknown> = { alarmEmail: 'ops@example.com', ecrScanOnPush: 'true' };
    assert.deepEqual(
      optionsFromContext((key) => context[key]),
      { alarmEmail: 'ops@example.com', ecrScanOnPush: true },
    );
    assert.throws(
      () => optionsFromContext((key) => ({ ecrScanOnPush: 'yes' })[key]),
      /context key 'ecrScanOnPush' must be true or false, got 'yes'/,
    );
  });

  it('pins the model to a given digest, to none with off, and by default to the digest of the model the image trains', () => {
    const sha = 'ef'.repeat(32);
    assert.equal(
      modelPinFromContext(sha.toUpperCase(), () => assert.fail('no training')),
      sha,
    );
    assert.equal(
      modelPinFromContext('off', () => assert.fail('no training')),
      undefined,
    );
    assert.throws(
      () => modelPinFromContext('abc'),
      /modelSha256 \(context key 'modelSha256'\) must be a sha256 \(64 hex digits\) or off, got 'abc'/,
    );
    // The default: the checked-in config trained here, byte for byte what `lambda-ml train` writes.
    const trained = serializeArtifact(
      trainFromConfig(JSON.parse(readFileSync(DEFAULT_TRAINING_CONFIG, 'utf8'))),
    );
    assert.equal(modelPinFromContext(undefined), createHash('sha256').update(trained).digest('hex'));
  });
});

describe('invalid rollout and scaling options fail synth naming the option', () => {
  const cases: Array<[string, ModelFunctionProps, RegExp]> = [
    [
      'unknown strategy',
      { rollout: 'blue-green' as never },
      /rollout must be one of canary, linear, all-at-once, got blue-green/,
    ],
    ['0 percent', { rolloutPercent: 0 }, /rolloutPercent must be an integer from 1 to 99, got 0/],
    ['100 percent', { rolloutPercent: 100 }, /rolloutPercent must be an integer from 1 to 99/],
    [
      '0-minute step',
      { rolloutIntervalMinutes: 0 },
      /rolloutIntervalMinutes must be an integer from 1 to 2880/,
    ],
    [
      'a maximum below provisioned',
      { provisionedConcurrency: 4, provisionedConcurrencyMax: 2 },
      /provisionedConcurrencyMax must be an integer from 4 to 100000, got 2/,
    ],
    [
      'a maximum above reserved',
      { provisionedConcurrency: 2, reservedConcurrency: 5, provisionedConcurrencyMax: 6 },
      /provisionedConcurrencyMax \(6\) must not exceed reservedConcurrency \(5\)/,
    ],
    [
      'a maximum without provisioned concurrency',
      { provisionedConcurrencyMax: 6 },
      /provisionedConcurrencyMax needs provisionedConcurrency/,
    ],
    [
      'a utilisation target of 95%',
      { provisionedConcurrency: 1, provisionedUtilizationTarget: 0.95 },
      /provisionedUtilizationTarget must be from 0.1 to 0.9, got 0.95/,
    ],
  ];
  for (const [name, model, message] of cases) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => new LambdaMlStack(testApp(), 'Bad', { model }),
        (error: unknown) => error instanceof InfraOptionError && message.test(error.message),
      );
    });
  }

  it('reads the rollout keys from CDK context', () => {
    const context: Record<string, unknown> = {
      rollout: 'linear',
      rolloutPercent: '20',
      rolloutMinutes: '4',
      provisionedMax: '9',
      provisionedTarget: '0.6',
    };
    assert.deepEqual(
      optionsFromContext((key) => context[key]),
      {
        rollout: 'linear',
        rolloutPercent: 20,
        rolloutIntervalMinutes: 4,
        provisionedConcurrencyMax: 9,
        provisionedUtilizationTarget: 0.6,
      },
    );
  });
});

describe('invalid batch options fail synth naming the option', () => {
  const bad: Array<[string, BatchScoringOptions, RegExp]> = [
    [
      '0 concurrency',
      { maxConcurrency: 0 },
      /batch maxConcurrency must be an integer from 1 to 10000, got 0/,
    ],
    [
      'rows above the handler limit',
      { rowsPerBatch: 10_001 },
      /batch rowsPerBatch must be an integer from 1 to 10000/,
    ],
    [
      'negative tolerance',
      { toleratedFailurePercent: -1 },
      /toleratedFailurePercent must be from 0 to 100, got -1/,
    ],
    ['11 retries', { retryAttempts: 11 }, /batch retryAttempts must be an integer from 0 to 10, got 11/],
    ['odd log retention', { logRetentionDays: 2 }, /batch logRetentionDays must be one of 1, 3/],
  ];
  for (const [name, batch, message] of bad) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => new LambdaMlStack(testApp(), 'Bad', { batch }),
        (error: unknown) => error instanceof InfraOptionError && message.test(error.message),
      );
    });
  }

  it('is off unless -c batch=true or a batch key is given; context values are typed', () => {
    assert.equal(
      batchFromContext(() => undefined),
      undefined,
    );
    assert.equal(
      batchFromContext((key) => (key === 'batch' ? 'false' : undefined)),
      undefined,
    );
    assert.deepEqual(
      batchFromContext((key) => (key === 'batch' ? 'true' : undefined)),
      {},
    );
    const context: Record<string, unknown> = {
      batchConcurrency: '25',
      batchRows: '200',
      batchProbabilities: 'true',
    };
    assert.deepEqual(
      batchFromContext((key) => context[key]),
      {
        maxConcurrency: 25,
        rowsPerBatch: 200,
        probabilities: true,
      },
    );
    assert.throws(
      () => batchFromContext((key) => (key === 'batchRows' ? 'many' : undefined)),
      /context key 'batchRows'/,
    );
    assert.throws(
      () => batchFromContext((key) => (key === 'batch' ? 'yes please' : undefined)),
      /true or false/,
    );
  });
});
