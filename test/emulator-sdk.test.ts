// The AWS SDK v3 LambdaClient against the emulator: results, function errors, typed 413/429, Tail logs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  InvokeCommand,
  LambdaClient,
  LambdaServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { startFixtureEmulator, type TestEmulator, waitFor } from './emulator-helpers.js';

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const decode = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes));

describe('emulator with the AWS SDK v3 LambdaClient', () => {
  let emu: TestEmulator;
  let client: LambdaClient;
  before(async () => {
    emu = await startFixtureEmulator({ functionName: 'sdk-fn', concurrency: 1 });
    client = new LambdaClient({
      endpoint: emu.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  });
  after(async () => {
    client.destroy();
    await emu.close();
  });

  it('returns the payload of a successful invocation', async () => {
    const out = await client.send(
      new InvokeCommand({ FunctionName: 'sdk-fn', Payload: encode({ data: [1, 2] }) }),
    );
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, undefined);
    assert.equal(out.ExecutedVersion, '$LATEST');
    assert.deepEqual(decode(out.Payload), { data: [1, 2] });
  });

  it('sets FunctionError for a handler error', async () => {
    const out = await client.send(
      new InvokeCommand({ FunctionName: 'sdk-fn', Payload: encode({ action: 'throw', message: 'nope' }) }),
    );
    assert.equal(out.FunctionError, 'Unhandled');
    assert.equal(decode(out.Payload).errorMessage, 'nope');
  });

  it('decodes LogType Tail', async () => {
    const out = await client.send(
      new InvokeCommand({
        FunctionName: 'sdk-fn',
        LogType: 'Tail',
        Payload: encode({ action: 'log', lines: ['hello from the handler'] }),
      }),
    );
    const log = Buffer.from(String(out.LogResult), 'base64').toString('utf8');
    assert.match(
      log,
      /START RequestId: [0-9a-f-]{36} Version: \$LATEST\nhello from the handler\nEND RequestId/,
    );
    assert.match(log, /REPORT RequestId: .*\tDuration: /);
  });

  // Real Lambda names this error RequestEntityTooLargeException on the wire (the SDK's model calls the
  // shape RequestTooLargeException), so the SDK raises a LambdaServiceException carrying that name.
  it('raises RequestEntityTooLargeException for a 413', async () => {
    const payload = encode('x'.repeat(6_291_457));
    await assert.rejects(
      client.send(new InvokeCommand({ FunctionName: 'sdk-fn', Payload: payload })),
      (error) => {
        assert.ok(error instanceof LambdaServiceException, String(error));
        assert.equal(error.name, 'RequestEntityTooLargeException');
        assert.equal(error.$metadata.httpStatusCode, 413);
        assert.match(error.message, /Request must be smaller than 6291456 bytes/);
        return true;
      },
    );
  });

  it('raises TooManyRequestsException for a 429 with its Reason', async () => {
    const busy = client.send(
      new InvokeCommand({ FunctionName: 'sdk-fn', Payload: encode({ action: 'sleep', ms: 400 }) }),
    );
    await waitFor(() => emu.pids().length === 1);
    await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(
      client.send(new InvokeCommand({ FunctionName: 'sdk-fn', Payload: encode({}) })),
      (error) => {
        assert.ok(error instanceof TooManyRequestsException, String(error));
        assert.equal(error.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
        return true;
      },
    );
    assert.deepEqual(decode((await busy).Payload), { slept: 400 });
  });

  it('answers Event with 202 and DryRun with 204', async () => {
    const event = await client.send(
      new InvokeCommand({
        FunctionName: 'sdk-fn',
        InvocationType: 'Event',
        Payload: encode({ action: 'log', lines: ['queued'] }),
      }),
    );
    assert.equal(event.StatusCode, 202);
    assert.ok(await waitFor(() => emu.logs.join('').includes('\nqueued\n')));
    const dry = await client.send(
      new InvokeCommand({ FunctionName: 'sdk-fn', InvocationType: 'DryRun', Payload: encode({}) }),
    );
    assert.equal(dry.StatusCode, 204);
  });

  it('raises ResourceNotFoundException for another function name', async () => {
    await assert.rejects(client.send(new InvokeCommand({ FunctionName: 'missing', Payload: encode({}) })), {
      name: 'ResourceNotFoundException',
    });
  });
});
