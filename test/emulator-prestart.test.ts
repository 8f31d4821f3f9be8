// A runtime started before the emulator (what `serve`/`start` do while the CLI loads): adopted as the first
// instance only when it is the process that instance would have spawned, and its first call still reports
// an Init Duration counted from its real start; anything else is killed and replaced.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { instanceSpec } from '../src/emulator/instance-spec.js';
import { type EmulatorOptions, resolveOptions } from '../src/emulator/options.js';
import { PrestartedRuntime } from '../src/emulator/prestart.js';
import { startEmulator } from '../src/emulator/server.js';
import { alive, FIXTURE_RUNTIME, invoke, waitFor } from './emulator-helpers.js';

const base: EmulatorOptions = {
  host: '127.0.0.1',
  port: 0,
  bootstrap: [process.execPath, FIXTURE_RUNTIME],
  gracePeriod: 2,
};

async function prestart(options: EmulatorOptions, watch?: string): Promise<PrestartedRuntime> {
  const early = await PrestartedRuntime.start(instanceSpec(resolveOptions(options)), watch);
  assert.ok(early, 'the early runtime could not start');
  return early;
}

describe('prestarted first instance', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-prestart-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is adopted: one process, and its first call reports Init Duration from its own start', async () => {
    const early = await prestart(base);
    const pid = early.child.pid as number;
    // The CLI is still loading: the runtime may already be waiting on the port.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const logs: string[] = [];
    const emulator = await startEmulator({ ...base, writeLog: (t) => void logs.push(t) }, early);
    try {
      assert.deepEqual(await emulator.readiness(), { ready: true, instances: 1 });
      assert.deepEqual(emulator.pids(), [pid]);
      const first = await invoke(emulator.url, { echo: 1 });
      assert.equal(first.status, 200, first.body);
      await invoke(emulator.url, { echo: 2 });
      const reports = logs.join('').match(/^REPORT .*$/gm) ?? [];
      assert.equal(reports.length, 2, logs.join(''));
      const init = /\tInit Duration: ([\d.]+) ms/.exec(reports[0] as string);
      assert.ok(init, `the first call reports Init Duration: ${reports[0]}`);
      // At least the time it ran before the emulator existed: counted from the spawn, not the adoption.
      assert.ok(Number(init[1]) >= 400, reports[0]);
      assert.doesNotMatch(reports[1] as string, /Init Duration/);
      assert.deepEqual(emulator.pids(), [pid], 'still the one adopted process');
    } finally {
      await emulator.close();
    }
    assert.ok(await waitFor(() => !alive(pid)), 'the adopted runtime stops with the emulator');
  });

  it('is killed and replaced when the emulator would start a different process', async () => {
    const early = await prestart({ ...base, memory: 256 });
    const pid = early.child.pid as number;
    const logs: string[] = [];
    const emulator = await startEmulator({ ...base, writeLog: (t) => void logs.push(t) }, early);
    try {
      assert.deepEqual(await emulator.readiness(), { ready: true, instances: 1 });
      assert.ok(await waitFor(() => !alive(pid)), 'the mismatched runtime is killed');
      assert.notDeepEqual(emulator.pids(), [pid]);
      const reply = await invoke(emulator.url, { echo: 1 });
      assert.equal(reply.status, 200, reply.body);
      assert.match(logs.join(''), /Memory Size: 128 MB/);
    } finally {
      await emulator.close();
    }
  });

  it('is killed and replaced when the model file changed after it started', async () => {
    const model = join(dir, 'model.json');
    writeFileSync(model, '{"v":1}');
    const early = await prestart(base, model);
    const pid = early.child.pid as number;
    writeFileSync(model, '{"v":2, "retrained": true}');
    const emulator = await startEmulator(base, early);
    try {
      assert.deepEqual(await emulator.readiness(), { ready: true, instances: 1 });
      assert.ok(await waitFor(() => !alive(pid)), 'the runtime that read the old model is killed');
      assert.notDeepEqual(emulator.pids(), [pid]);
    } finally {
      await emulator.close();
    }
  });

  it('dies with the process that started it when nothing adopts it', async () => {
    const early = await prestart(base);
    const pid = early.child.pid as number;
    early.discard();
    assert.ok(await waitFor(() => !alive(pid)), 'a discarded runtime does not linger');
  });
});
