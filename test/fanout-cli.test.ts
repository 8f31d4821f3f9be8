// `lambda-ml predict --endpoint` against the emulator: order, throttles, a timeout, a crash, a poisoned chunk,
// a killed and resumed run — every output compared byte for byte with local `predict`.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../src/emulator/server.js';
import { waitFor } from './emulator-helpers.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const FIXTURE = join(import.meta.dirname, 'fixtures', 'fanout');

/**
 * The million-row proof of the issue took 45 s through the emulator on this shared 2-core machine
 * (local predict: 29 s) at load 22, too long for the suite: `bench/fanout.ts` runs it and checks the
 * same checksum. Here 20,000 rows in 40 chunks cover every ordering and retry path.
 */
const CHECKSUM_ROWS = 20_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(args: string[], timeoutMs = 120_000): Promise<Run> & { child: ChildProcess } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, AWS_REGION: 'us-east-1' } });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c) => {
    stdout += c;
  });
  child.stderr?.on('data', (c) => {
    stderr += c;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<Run>((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
  return Object.assign(done, { child });
}

/** Deterministic rows; `marks` puts a marker value in x0 of the given 0-based rows. */
function rows(n: number, marks: Record<number, number> = {}): string {
  let text = '';
  for (let i = 0; i < n; i++) {
    const x0 = marks[i] ?? Math.round(Math.sin(i) * 3000) / 1000;
    text += `[${x0},${Math.round(Math.cos(i * 1.3) * 3000) / 1000},${(i % 7) - 3},${(i % 11) / 5}]\n`;
  }
  return text;
}

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('lambda-ml predict --endpoint (fan-out through the emulator)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-fanout-'));
  const faults = join(dir, 'faults');
  const model = join(dir, 'model.json');
  let emu: Emulator;

  /** Writes an input file and returns it with what local `predict` writes for it. */
  function input(name: string, text: string): { path: string; local: string } {
    const path = join(dir, name);
    writeFileSync(path, text);
    const local = spawnSync(process.execPath, [CLI, 'predict', '--model', model, '--input', path], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    return { path, local: local.stdout };
  }

  const remote = (path: string, ...extra: string[]) =>
    cli(['predict', '--model', model, '--input', path, '--endpoint', emu.url, ...extra]);

  before(async () => {
    const trained = spawnSync(
      process.execPath,
      [CLI, 'train', '--config', join(ROOT, 'config', 'default-training.json'), '--out', model],
      { encoding: 'utf8' },
    );
    assert.equal(trained.status, 0, trained.stderr);
    mkdirSync(faults);
    emu = await startEmulator({
      host: '127.0.0.1',
      port: 0,
      modelPath: model,
      taskRoot: FIXTURE,
      handler: 'faulty-handler.handler',
      runtimeCommand: [process.execPath, join(ROOT, 'dist', 'runtime', 'main.js')],
      concurrency: 2,
      timeout: 3,
      env: { FAULT_DIR: faults },
      writeLog: () => {},
    });
  });
  after(async () => {
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`answers ${CHECKSUM_ROWS.toLocaleString('en-US')} rows in input order, byte-identical to local predict, retrying the 429s of --concurrency 6 against 2 instances`, async () => {
    const { path, local } = input('many.jsonl', `${rows(CHECKSUM_ROWS)}[1, 2]\n\nnot json\n`);
    const run = await remote(path, '--concurrency', '6', '--rows-per-chunk', '500');
    // Two refused rows (wrong length, not JSON) are answered with local predict's error lines: exit 1.
    assert.equal(run.code, 1, run.stderr);
    assert.equal(sha(run.stdout), sha(local));
    assert.equal(run.stdout.split('\n').length - 1, CHECKSUM_ROWS + 2);
    const summary = /([\d,]+) rows, 2 refused, (\d+) chunks, (\d+) retries/.exec(run.stderr);
    assert.ok(summary, run.stderr);
    assert.equal(summary[1], (CHECKSUM_ROWS + 2).toLocaleString('en-US'));
    assert.equal(Number(summary[2]), Math.ceil((CHECKSUM_ROWS + 2) / 500));
    assert.ok(
      Number(summary[3]) > 0,
      'the emulator throttled the extra requests (429) and they were retried',
    );
    assert.match(run.stderr, /billed [\d,]+ ms over \d+ invocations at 128 MB = \$\d+\.\d{6} on arm64/);
  });

  it('retries a chunk that times out once and one whose instance crashes mid-chunk', async () => {
    writeFileSync(join(faults, 'timeout-once'), '');
    writeFileSync(join(faults, 'crash-once'), '');
    const { path, local } = input('faults.jsonl', rows(2000, { 700: 777, 1500: 888 }));
    const run = await remote(path, '--concurrency', '2', '--rows-per-chunk', '250');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(existsSync(join(faults, 'timeout-once')), false, 'the timeout happened');
    assert.equal(existsSync(join(faults, 'crash-once')), false, 'the crash happened');
    assert.equal(run.stdout, local);
    assert.match(run.stderr, /2,000 rows, 0 refused, 8 chunks, [2-9]\d* retries/);
  });

  it('stops at a chunk a retry cannot fix, names its rows, and keeps every row before it', async () => {
    const { path, local } = input('poisoned.jsonl', rows(2000, { 1500: 666 }));
    const output = join(dir, 'poisoned.out.jsonl');
    const run = await remote(path, '--rows-per-chunk', '200', '--output', output);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /lambda-ml: chunk 8 \(rows 1401-1600, input lines 1401-1600\) failed on http:\/\/127\.0\.0\.1:\d+: function error Error: poisoned row \(not retried: a retry cannot fix it\)\. 1400 rows are in .*poisoned\.out\.jsonl; fix the cause and add --resume to continue/,
    );
    const kept = readFileSync(output, 'utf8');
    assert.equal(kept, local.split('\n').slice(0, 1400).join('\n').concat('\n'));
  });

  it('--resume after a kill continues from the output without redoing or duplicating a row', async () => {
    const { path, local } = input('resume.jsonl', rows(3000));
    const output = join(dir, 'resume.out.jsonl');
    writeFileSync(join(faults, 'slow'), '');
    const first = remote(path, '--rows-per-chunk', '100', '--concurrency', '1', '--output', output);
    const lines = () => (existsSync(output) ? readFileSync(output, 'utf8').split('\n').length - 1 : 0);
    assert.ok(await waitFor(() => lines() >= 500, 60_000), 'the run got going');
    first.child.kill('SIGKILL');
    await first;
    rmSync(join(faults, 'slow'));
    const done = lines();
    assert.ok(done >= 500 && done < 3000, `killed midway (${done} rows written)`);
    // A kill during a write can leave half a line: resume cuts it.
    appendFileSync(output, '{"predic');

    const fresh = await remote(path, '--output', output);
    assert.equal(fresh.code, 1);
    assert.match(fresh.stderr, /holds an interrupted run \(\d+ rows written\): add --resume to continue it/);

    const resumed = await remote(path, '--output', output, '--resume', '--rows-per-chunk', '700');
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(
      resumed.stderr,
      new RegExp(`${(3000 - done).toLocaleString('en-US')} rows \\(after ${done} resumed\\)`),
    );
    assert.equal(sha(readFileSync(output, 'utf8')), sha(local));
    assert.equal(
      existsSync(`${output}.lambda-ml-run.json`),
      false,
      'a finished run leaves nothing to resume',
    );
  });

  it('reads CSV with a header like local predict (--target names the label column to ignore)', async () => {
    const csv = `x0,x1,label,x3,x4\n${rows(600)
      .trim()
      .split('\n')
      .map((line, i) => {
        const [a, b, c, d] = line.slice(1, -1).split(',');
        return `${a},${b},${i % 2},${c},${d}`;
      })
      .join('\n')}\n`;
    const path = join(dir, 'rows.csv');
    writeFileSync(path, csv);
    const local = spawnSync(
      process.execPath,
      [CLI, 'predict', '--model', model, '--input', path, '--target', 'label'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(local.status, 0, local.stderr);
    const run = await remote(path, '--target', 'label', '--rows-per-chunk', '250');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, local.stdout);
    assert.match(run.stderr, /600 rows, 0 refused, 3 chunks/);
  });

  it('sends the --function name and --qualifier through the SDK; an unknown function stops at chunk 1 (404)', async () => {
    const { path, local } = input('named.jsonl', rows(300));
    const named = await remote(path, '--function', 'lambda-ml', '--qualifier', 'live');
    assert.equal(named.code, 0, named.stderr);
    assert.equal(named.stdout, local);
    const unknown = await remote(path, '--function', 'no-such-function');
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.stderr,
      /chunk 1 \(rows 1-300, input lines 1-300\) failed on http:\/\/127\.0\.0\.1:\d+: 404 ResourceNotFoundException: .*\(not retried: a retry cannot fix it\)/,
    );
  });

  it('refuses remote-only flags without a remote target, naming them', async () => {
    const { path } = input('small.jsonl', rows(10));
    const local = await cli(['predict', '--model', model, '--input', path, '--concurrency', '4', '--resume']);
    assert.equal(local.code, 1);
    assert.match(
      local.stderr,
      /--concurrency, --resume need a remote target: add --endpoint URL or --function NAME/,
    );
  });
});
