// `lambda-ml start` / `serve` with the console, as a user runs them: the printed URL, the model's schema read
// outside the function, --no-console, a bad --console-port, and Ctrl-C closing both.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bearer, send, startCli } from './console-helpers.js';

describe('lambda-ml start with the console', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-console-cli-'));
  const model = join(dir, 'model.json');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a console URL under the curl example; the console reads the model schema and stops with Ctrl-C', async () => {
    const started = await startCli(['start', '--port', '0', '--model', model]);
    try {
      assert.match(
        started.stderr(),
        /try it:\n {2}curl .*\nconsole: http:\/\/127\.0\.0\.1:\d+\/\?token=\S{32}\n$/,
      );
      const consoleUrl = new URL(started.consoleUrl as string);
      const token = consoleUrl.searchParams.get('token') as string;
      const schema = await send(consoleUrl.origin, '/api/schema', { headers: bearer(token) });
      const { description, error } = JSON.parse(schema.body);
      assert.equal(error, null);
      assert.equal(description.kind, 'RandomForestClassifier');
      assert.equal(description.named, false);
      assert.deepEqual(
        description.features,
        Array.from({ length: 4 }, () => ({ name: null, kind: 'number', missing: false })),
      );
      assert.deepEqual(description.classes, [0, 1]);
      const info = JSON.parse((await send(consoleUrl.origin, '/api/info', { headers: bearer(token) })).body);
      assert.equal(info.model, 'model.json');
      assert.equal(info.invokeUrl, `${started.url}/2015-03-31/functions/function/invocations`);
    } finally {
      assert.equal(await started.stop(), 0);
    }
  });

  it('serves no console with --no-console', async () => {
    const started = await startCli(['start', '--port', '0', '--model', model, '--no-console']);
    try {
      assert.doesNotMatch(started.stderr(), /console:/);
    } finally {
      assert.equal(await started.stop(), 0);
    }
  });

  it('refuses a console port that is not a port, naming the flag', async () => {
    await assert.rejects(
      startCli(['serve', '--port', '0', '--console-port', 'abc']),
      /--console-port must be a whole number from 0 to 65535, got 'abc'/,
    );
  });
});

describe('lambda-ml serve without a model', () => {
  let started: Awaited<ReturnType<typeof startCli>>;
  before(async () => {
    // A --bootstrap runtime has no model: the built-in handler would need one.
    const runtime = join(import.meta.dirname, 'fixtures', 'emulator', 'runtime.mjs');
    started = await startCli(['serve', '--port', '0', '--bootstrap', process.execPath, runtime]);
  });
  after(async () => {
    await started?.stop();
  });

  it('still serves the console; try-it explains there is no model to describe', async () => {
    const consoleUrl = new URL(started.consoleUrl as string);
    const token = consoleUrl.searchParams.get('token') as string;
    const schema = JSON.parse(
      (await send(consoleUrl.origin, '/api/schema', { headers: bearer(token) })).body,
    );
    assert.equal(schema.description, null);
    assert.match(schema.error, /no model file is known to the console \(serve was started without --model\)/);
  });
});
