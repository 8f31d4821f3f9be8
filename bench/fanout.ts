// Fan-out figures: 1,000,000 rows through the emulator at --concurrency 1, 2, 4, 8 (the emulator given the
// same concurrency) next to local `predict` on the same file in the same run; every output checked against
// local predict's by sha256 (zero lost or duplicated rows); and the cost of 100 M rows on Lambda projected
// from the measured billed duration per chunk. Last, the "done when": one run killed (SIGKILL) halfway
// and continued with --resume gives exactly local predict's file.
// Run: npm run build && node --import tsx bench/fanout.ts   (BENCH_QUICK=1: 100,000 rows, one round)
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerCheck } from '../src/bench/check.js';
import { targetOf } from '../src/bench/client.js';
import { freePort, launch } from '../src/bench/launch.js';
import { median } from '../src/bench/stats.js';
import { LAMBDA_PRICES, LAMBDA_USD_PER_MILLION_REQUESTS, PRICES_AS_OF } from '../src/cost/prices.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const QUICK = process.env.BENCH_QUICK === '1';
const ROWS = QUICK ? 100_000 : 1_000_000;
const ROUNDS = QUICK ? 1 : 3;
const CONCURRENCY = [1, 2, 4, 8];
const ROWS_PER_CHUNK = 5000;
/** The deployed function's default memory: the emulator reports it, so billed GB-s match a deployment. */
const MEMORY_MB = 1024;
const PROJECTED_ROWS = 100_000_000;

const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-bench-fanout-'));
const model = join(dir, 'model.json');
const input = join(dir, 'rows.jsonl');

function run(args: string[], out: string): { seconds: number; stderr: string } {
  const started = performance.now();
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`lambda-ml ${args.join(' ')} failed: ${result.stderr}`);
  if (out !== '') writeFileSync(out, result.stdout);
  return { seconds, stderr: result.stderr };
}

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

interface Sample {
  readonly seconds: number;
  readonly billedMs: number;
  readonly invocations: number;
  readonly retries: number;
}

/** `lambda-ml serve` with `concurrency` instances, answering the tutorial's request. */
async function emulatorWith(concurrency: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const serve = [process.execPath, CLI, 'serve', '--model', model, '--port', String(port)];
  const emulator = await launch(
    [...serve, '--concurrency', String(concurrency), '--memory', String(MEMORY_MB), '--timeout', '60'],
    targetOf(url, '{"data":[0,0,0,0]}'),
    answerCheck('{"statusCode":200,"body":1}'),
  );
  return { url, stop: () => emulator.stop() };
}

async function remote(concurrency: number, out: string): Promise<Sample> {
  const emulator = await emulatorWith(concurrency);
  const url = emulator.url;
  try {
    const args = ['predict', '--model', model, '--input', input, '--output', out, '--endpoint', url];
    const { seconds, stderr } = run(
      [...args, '--concurrency', String(concurrency), '--rows-per-chunk', String(ROWS_PER_CHUNK)],
      '',
    );
    const billed = /billed ([\d,]+) ms over (\d+) invocations/.exec(stderr);
    const retries = /(\d+) retries/.exec(stderr);
    if (billed === null || retries === null) throw new Error(`no summary in: ${stderr}`);
    const number = (text: string | undefined) => Number((text ?? '').replaceAll(',', ''));
    return {
      seconds,
      billedMs: number(billed[1]),
      invocations: number(billed[2]),
      retries: number(retries[1]),
    };
  } finally {
    await emulator.stop();
  }
}

/** Starts a fan-out at `concurrency`, SIGKILLs it once half of local predict's bytes are on disk, then runs
 * the same command with --resume. */
async function killAndResume(
  concurrency: number,
  localBytes: number,
): Promise<{ killedAt: number; summary: string; digest: string }> {
  const emulator = await emulatorWith(concurrency);
  const out = join(dir, 'killed.jsonl');
  const args = ['predict', '--model', model, '--input', input, '--output', out, '--endpoint', emulator.url];
  args.push('--concurrency', String(concurrency), '--rows-per-chunk', String(ROWS_PER_CHUNK));
  try {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    const state: { exit: number | null | undefined } = { exit: undefined };
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (code) => {
        state.exit = code;
        resolve();
      }),
    );
    while (state.exit === undefined && (!existsSync(out) || statSync(out).size < localBytes / 2)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (state.exit !== undefined) throw new Error(`the run ended (exit ${state.exit}) before half of it`);
    child.kill('SIGKILL');
    await exited;
    const killedAt = readFileSync(out, 'utf8').split('\n').length - 1;
    const { stderr } = run([...args, '--resume'], '');
    const summary = /^lambda-ml predict: .*$/m.exec(stderr)?.[0] ?? stderr.trim();
    return { killedAt, summary, digest: sha(out) };
  } finally {
    await emulator.stop();
    rmSync(out, { force: true });
  }
}

function rowsText(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(`[${Math.sin(i).toFixed(6)},${Math.cos(i * 1.3).toFixed(6)},${(i % 7) - 3},${(i % 11) / 5}]`);
  }
  return `${lines.join('\n')}\n`;
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const loadBefore = load();
  run(['train', '--config', join(ROOT, 'config', 'default-training.json'), '--out', model], '');
  writeFileSync(input, rowsText(ROWS));
  const localOut = join(dir, 'local.jsonl');
  const local: number[] = [];
  const samples = new Map<number, Sample[]>(CONCURRENCY.map((c) => [c, []]));
  let reference = '';
  for (let round = 0; round < ROUNDS; round++) {
    // Interleaved, so the machine's load drifts over every variant alike.
    local.push(run(['predict', '--model', model, '--input', input], localOut).seconds);
    reference ||= sha(localOut);
    for (const c of CONCURRENCY) {
      const out = join(dir, `remote-${c}.jsonl`);
      samples.get(c)?.push(await remote(c, out));
      const digest = sha(out);
      if (digest !== reference) throw new Error(`concurrency ${c}: output differs from local predict`);
      rmSync(out);
    }
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }

  const resumed = await killAndResume(4, statSync(localOut).size);
  if (resumed.digest !== reference) throw new Error('killed and resumed: output differs from local predict');
  const loadAfter = load();

  const rate = (seconds: number) => Math.round(ROWS / seconds).toLocaleString('en-US');
  console.log(
    `${ROWS.toLocaleString('en-US')} rows (JSON lines, 4 features), default forest, ${ROUNDS} rounds`,
  );
  console.log(`every remote output == local predict output (sha256 ${reference.slice(0, 16)}...)`);
  console.log(`load average (1/5/15 min): ${loadBefore} at start, ${loadAfter} at end\n`);
  console.log('variant                    min s   median s   rows/s (median)   retries');
  const line = (name: string, secs: number[], retries = '') =>
    console.log(
      `${name.padEnd(24)} ${Math.min(...secs)
        .toFixed(1)
        .padStart(
          6,
        )} ${median(secs).toFixed(1).padStart(10)} ${rate(median(secs)).padStart(17)} ${retries.padStart(9)}`,
    );
  line('local predict', local);
  for (const c of CONCURRENCY) {
    const s = samples.get(c) ?? [];
    line(
      `emulator, concurrency ${c}`,
      s.map((x) => x.seconds),
      String(median(s.map((x) => x.retries))),
    );
  }

  // Per-chunk billed duration at concurrency 1 (no contention between instances on this machine).
  const c1 = samples.get(1) ?? [];
  const perChunk = median(c1.map((x) => x.billedMs / x.invocations));
  const chunks = Math.ceil(PROJECTED_ROWS / ROWS_PER_CHUNK);
  console.log(
    `\nbilled per chunk of ${ROWS_PER_CHUNK} rows (emulator, concurrency 1, ${MEMORY_MB} MB): median ${perChunk.toFixed(1)} ms`,
  );
  for (const arch of ['arm64', 'x86_64'] as const) {
    const gbSeconds = (chunks * perChunk) / 1000 / (1024 / MEMORY_MB);
    const price = LAMBDA_PRICES[arch].durationTiers[0]?.usdPerGbSecond ?? 0;
    const usd = gbSeconds * price + (chunks / 1e6) * LAMBDA_USD_PER_MILLION_REQUESTS;
    console.log(
      `100 M rows on Lambda, ${arch}: ${chunks.toLocaleString('en-US')} invocations x ${perChunk.toFixed(1)} ms x ${MEMORY_MB / 1024} GB = ${gbSeconds.toFixed(0)} GB-s -> $${usd.toFixed(4)} (list prices of ${PRICES_AS_OF}, no free tier)`,
    );
  }
  console.log(
    `\nkilled (SIGKILL) at ${resumed.killedAt.toLocaleString('en-US')} rows written, concurrency 4, then the same command + --resume:`,
  );
  console.log(`  ${resumed.summary}`);
  console.log('  output == local predict output (sha256)');
  rmSync(dir, { recursive: true, force: true });
}

await main();
