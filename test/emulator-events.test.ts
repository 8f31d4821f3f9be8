// Event invocations: what was accepted (202) runs during the shutdown grace period or is written to the
// dead-letter file; the queue is bounded in bytes (429 beyond it).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { call, invoke, type Reply, startFixtureEmulator } from './emulator-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-events-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const EVENT = { 'X-Amz-Invocation-Type': 'Event' };
const idOf = (reply: Reply) => String(reply.headers['x-amzn-requestid']);
const started = (logs: string[], id: string) => logs.join('').includes(`START RequestId: ${id} `);

describe('emulator Event invocations', () => {
  it('runs every accepted Event invocation during the shutdown grace period', async () => {
    const emu = await startFixtureEmulator({ concurrency: 1, gracePeriod: 60 });
    const ids: string[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const reply = await invoke(emu.url, { action: 'sleep', ms: 20 }, EVENT);
        assert.equal(reply.status, 202);
        ids.push(idOf(reply));
      }
    } finally {
      const summary = await emu.close();
      assert.deepEqual(summary, { deadLettered: 0 });
    }
    assert.deepEqual(
      ids.filter((id) => !started(emu.logs, id)),
      [],
      'every accepted event ran',
    );
  });

  it('writes the events the grace period could not run to the dead-letter file, each once, payload exact', async () => {
    const file = join(dir, 'dead.jsonl');
    const emu = await startFixtureEmulator({ concurrency: 1, gracePeriod: 0.3, deadLetterFile: file });
    const sent = new Map<string, string>();
    try {
      for (let i = 0; i < 6; i++) {
        const body = JSON.stringify({ action: 'sleep', ms: 600_000, n: i, text: 'é ✓' });
        const reply = await call(emu.url, {
          body,
          headers: {
            ...EVENT,
            ...(i === 5
              ? { 'X-Amz-Client-Context': Buffer.from('{"custom":{"k":1}}').toString('base64') }
              : {}),
          },
        });
        assert.equal(reply.status, 202);
        sent.set(idOf(reply), body);
      }
    } finally {
      const summary = await emu.close();
      assert.deepEqual(summary, { deadLettered: 6, deadLetterFile: file });
    }
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 6);
    assert.deepEqual(new Set(lines.map((l) => l.requestId)), new Set(sent.keys()));
    for (const line of lines) assert.equal(line.payload, sent.get(line.requestId));
    // The first one was running (on its instance) when the grace period ended, the rest never started.
    assert.deepEqual(
      lines.map((l) => l.reason),
      ['not-started', 'not-started', 'not-started', 'not-started', 'not-started', 'interrupted'],
    );
    assert.equal(lines.find((l) => l.clientContext !== undefined)?.clientContext, '{"custom":{"k":1}}');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(
      emu.logs.join(''),
      new RegExp(
        `6 accepted Event invocation\\(s\\) did not run before shutdown \\(5 not started, 1 cut short\\); written to the dead-letter file ${file}`,
      ),
    );
  });

  it('bounds the queue in bytes: beyond --queue-bytes an Event gets 429 TooManyRequestsException', async () => {
    const file = join(dir, 'bounded.jsonl');
    // The runtime never finishes initialising, so every event after the first stays queued.
    const emu = await startFixtureEmulator(
      { concurrency: 1, queueBytes: 3 * 1024 * 1024, gracePeriod: 0.2, deadLetterFile: file },
      ['--init-delay', '600000'],
    );
    const body = JSON.stringify('x'.repeat(1_000_000));
    let accepted = 0;
    let refused: Reply | undefined;
    try {
      for (let i = 0; i < 10 && refused === undefined; i++) {
        const reply = await call(emu.url, { body, headers: EVENT });
        if (reply.status === 202) accepted++;
        else refused = reply;
      }
    } finally {
      await emu.close();
    }
    // One went to the (initialising) instance, three fill 3 MiB, the fifth is refused.
    assert.equal(accepted, 4);
    assert.ok(refused, 'an event beyond the byte bound was refused');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers['x-amzn-errortype'], 'TooManyRequestsException');
    assert.match(
      JSON.parse(refused.body).Message,
      /holds 3001542 bytes of events already; this event would take it over its limit of 3145728 bytes \(--queue-bytes\)/,
    );
    assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 4);
  });
});
