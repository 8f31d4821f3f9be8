// Option resolution: defaults, env equivalents, and one clear error per bad value.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EmulatorUsageError } from './errors.js';
import { DEFAULTS, optionsFromRaw, resolveOptions } from './options.js';

describe('emulator options', () => {
  it('applies Lambda defaults', () => {
    const o = resolveOptions({});
    assert.equal(o.port, 9000);
    assert.equal(o.host, '127.0.0.1');
    assert.equal(o.timeout, 3);
    assert.equal(o.memory, 128);
    assert.equal(o.concurrency, 10);
    assert.equal(o.handler, DEFAULTS.handler);
    assert.equal(o.requestTimeout, 30);
    assert.equal(o.maxConnections, 1024);
    assert.equal(o.initTimeout, 10);
    assert.match(o.runtimeCommand.join(' '), /runtime[/\\]main\.js$/);
  });

  it('reads env equivalents when a flag is absent; flags win', () => {
    const env = {
      PORT: '0',
      HOST: '0.0.0.0',
      TIMEOUT: '5',
      FUNCTION_URL: '1',
      REQUEST_TIMEOUT: '12.5',
      MAX_CONNECTIONS: '64',
      BOOTSTRAP: 'python3 -m awslambdaric app.handler',
    };
    const fromEnv = optionsFromRaw({}, env);
    assert.deepEqual(
      [fromEnv.port, fromEnv.host, fromEnv.timeout, fromEnv.functionUrl],
      [0, '0.0.0.0', 5, true],
    );
    assert.deepEqual([fromEnv.requestTimeout, fromEnv.maxConnections], [12.5, 64]);
    assert.equal(optionsFromRaw({}, { INIT_TIMEOUT: '30' }).initTimeout, 30);
    assert.equal(optionsFromRaw({ initTimeout: '2.5' }, { INIT_TIMEOUT: '30' }).initTimeout, 2.5);
    assert.deepEqual(fromEnv.bootstrap, ['python3', '-m', 'awslambdaric', 'app.handler']);
    const shutdown = optionsFromRaw(
      {},
      { GRACE_PERIOD: '2.5', QUEUE_BYTES: '1048576', DEAD_LETTER_FILE: '/var/dead.jsonl' },
    );
    assert.deepEqual(
      [shutdown.gracePeriod, shutdown.queueBytes, shutdown.deadLetterFile],
      [2.5, 1_048_576, '/var/dead.jsonl'],
    );
    assert.equal(resolveOptions({}).queueBytes, 64 * 1024 * 1024);
    const flags = optionsFromRaw({ port: '8080', bootstrap: ['./bootstrap'] }, env);
    assert.equal(flags.port, 8080);
    assert.deepEqual(flags.bootstrap, ['./bootstrap']);
  });

  it('rejects bad values naming the option and what is expected', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ port: 70000 }, /--port must be a whole number from 0 to 65535/],
      [{ timeout: 0 }, /--timeout must be a number/],
      [{ memory: 64 }, /--memory must be a whole number from 128/],
      [{ concurrency: 0 }, /--concurrency/],
      [{ concurrency: 2, warm: 3 }, /--warm must be a whole number from 0 to 2/],
      [{ handler: 'nodot' }, /--handler must look like module.function/],
      [{ functionName: 'bad name' }, /--function-name/],
      [{ requestTimeout: 0 }, /--request-timeout must be a number from 0.05 to 3600, got 0/],
      [{ maxConnections: 0.5 }, /--max-connections must be a whole number from 1 to 65536/],
      [{ queueBytes: 10 }, /--queue-bytes must be a whole number from 1024 to/],
      [{ gracePeriod: -1 }, /--grace-period must be a number from 0 to 900/],
      [{ initTimeout: 0 }, /--init-timeout must be a number from 0.001 to 900, got 0/],
      [{ initTimeout: 901 }, /--init-timeout must be a number from 0.001 to 900, got 901/],
    ];
    for (const [options, message] of cases) {
      assert.throws(
        () => resolveOptions(options),
        (e) => e instanceof EmulatorUsageError && message.test(e.message),
      );
    }
    assert.throws(
      () => optionsFromRaw({ memory: 'lots' }, {}),
      /--memory \(or MEMORY\) must be a number, got 'lots'/,
    );
    assert.throws(
      () => optionsFromRaw({}, { INIT_TIMEOUT: '10s' }),
      /--init-timeout \(or INIT_TIMEOUT\) must be a number, got '10s'/,
    );
  });
});
