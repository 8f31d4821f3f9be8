// What --resume reads and refuses, and what a run is billed from its log tails.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BillingTally, parseReport } from './billing.js';
import { completeLines, describeInput, finishRun, recordPath, startRun } from './resume.js';

const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-resume-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('completeLines', () => {
  it('counts whole lines and cuts a partial last one', () => {
    const out = join(dir, 'partial.jsonl');
    writeFileSync(out, '{"prediction":1}\n{"prediction":0}\n{"predic');
    assert.equal(completeLines(out), 2);
    assert.equal(readFileSync(out, 'utf8'), '{"prediction":1}\n{"prediction":0}\n');
    assert.equal(completeLines(join(dir, 'absent.jsonl')), 0);
  });

  it('streams a file bigger than its read buffer', () => {
    const out = join(dir, 'big.jsonl');
    writeFileSync(out, `${'x'.repeat(99)}\n`.repeat(30_000));
    assert.equal(completeLines(out), 30_000);
  });
});

describe('startRun', () => {
  const input = join(dir, 'in.jsonl');
  writeFileSync(input, '[1]\n[2]\n');
  const output = join(dir, 'out.jsonl');
  const record = () => describeInput(input, 'a'.repeat(64));

  it('starts fresh, then refuses to overwrite the interrupted run without --resume', () => {
    assert.deepEqual(startRun(output, record(), false), { skipRows: 0 });
    assert.ok(existsSync(recordPath(output)));
    writeFileSync(output, '{"prediction":1}\n');
    assert.throws(
      () => startRun(output, record(), false),
      /holds an interrupted run \(1 rows written\): add --resume/,
    );
    assert.deepEqual(startRun(output, record(), true), { skipRows: 1 });
  });

  it('refuses to resume with another model or a changed input', () => {
    assert.throws(
      () => startRun(output, describeInput(input, 'b'.repeat(64)), true),
      /the model file is a different one/,
    );
    writeFileSync(input, '[1]\n[2]\n[3]\n');
    assert.throws(
      () => startRun(output, record(), true),
      /in\.jsonl changed since \(size or modification time\)/,
    );
  });

  it('has nothing to resume once a run finished', () => {
    finishRun(output);
    assert.throws(() => startRun(output, record(), true), /no interrupted run to resume in .*out\.jsonl/);
  });

  it('says how to recover from a damaged record', () => {
    writeFileSync(recordPath(output), '{');
    assert.throws(() => startRun(output, record(), true), /lambda-ml-run\.json is damaged .*delete it/);
  });
});

describe('billing from log tails', () => {
  it('reads the REPORT line', () => {
    const tail =
      'START RequestId: 1 Version: $LATEST\nEND RequestId: 1\nREPORT RequestId: 1\tDuration: 12.31 ms\tBilled Duration: 13 ms\tMemory Size: 1024 MB\tMax Memory Used: 80 MB\tInit Duration: 201.00 ms\t\n';
    assert.deepEqual(parseReport(tail), { billedMs: 13, memoryMb: 1024 });
    assert.equal(parseReport('no report here'), null);
    assert.equal(parseReport(undefined), null);
  });

  it('prices billed GB-seconds and requests with the price table', () => {
    const tally = new BillingTally();
    assert.equal(tally.costUsd('arm64'), null);
    for (let i = 0; i < 1000; i++)
      tally.add('REPORT RequestId: x\tBilled Duration: 100 ms\tMemory Size: 1024 MB\n');
    tally.add(undefined);
    assert.equal(tally.billedMs, 100_000);
    assert.equal(tally.invocations, 1001);
    // 100 GB-s at $0.0000133334 + 1001 requests at $0.20 per million.
    assert.ok(Math.abs((tally.costUsd('arm64') as number) - (100 * 0.0000133334 + 1001 * 0.2e-6)) < 1e-12);
  });
});
