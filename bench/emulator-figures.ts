// Emulator figures next to a bare node:http floor answering the same request in the same run:
// cold start (launch -> first correct answer, median of 10), warm latency (10,000 sequential keep-alive
// calls), throughput (4 and 16 clients for 10 s, each after 3 s unmeasured so every instance is up), RSS.  Run: node --import tsx bench/emulator-figures.ts
// (after `npm run build`); BENCH_QUICK=1 shortens every phase for a smoke run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { answerCheck } from '../src/bench/check.js';
import { targetOf } from '../src/bench/client.js';
import { freePort, type Launched, launch } from '../src/bench/launch.js';
import { type LoadResult, throughput, warmLatency } from '../src/bench/load.js';
import { median } from '../src/bench/stats.js';
import { children, ownRss, readTreeRss } from '../src/emulator/sandbox/memory.js';
import { FLOOR_SOURCE, trainTutorialModel } from './floor.js';

const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const QUICK = process.env.BENCH_QUICK === '1';
const COLD_RUNS = QUICK ? 3 : 10;
const WARM_CALLS = QUICK ? 1000 : 10_000;
const SECONDS = QUICK ? 2 : 10;
const WARMUP_SECONDS = QUICK ? 1 : 3;
const PAYLOAD = '{"data":[0,0,0,0]}';
const EXPECTED = '{"statusCode":200,"body":1}';
const CHECK = answerCheck(EXPECTED);

type Server = 'floor' | 'serve' | 'main.js' | 'noop';

/** A handler that answers the same body without a model: the emulator + runtime client overhead alone. */
const NOOP_SOURCE = `export const handler = async () => (${EXPECTED});\n`;

function argv(server: Server, port: number, model: string): string[] {
  if (server === 'floor') return [process.execPath, '--input-type=module', '-e', FLOOR_SOURCE];
  const entry =
    server === 'main.js' ? [join(DIST, 'emulator', 'main.js')] : [join(DIST, 'cli', 'main.js'), 'serve'];
  const common = ['--port', String(port), '--concurrency', '16'];
  if (server === 'noop')
    return [
      process.execPath,
      ...entry,
      ...common,
      '--task-root',
      dirname(model),
      '--handler',
      'noop.handler',
    ];
  return [process.execPath, ...entry, ...common, '--model', model];
}

async function start(server: Server, model: string): Promise<{ launched: Launched; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  Object.assign(process.env, {
    PORT: String(port),
    MODEL_PATH: model,
    LOAD_JS: join(DIST, 'model', 'load.js'),
  });
  const launched = await launch(argv(server, port, model), targetOf(url, PAYLOAD), CHECK);
  return { launched, url };
}

async function coldMedian(server: Server, model: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const { launched } = await start(server, model);
    times.push(launched.coldMs);
    await launched.stop();
  }
  return median(times);
}

interface Figures {
  cold: number;
  warm: LoadResult;
  c4: LoadResult;
  c16: LoadResult;
  rssMb: string;
}

async function measure(server: 'floor' | 'serve' | 'noop', model: string): Promise<Figures> {
  const cold = await coldMedian(server, model);
  const { launched, url } = await start(server, model);
  try {
    const target = targetOf(url, PAYLOAD);
    const warm = await warmLatency(target, WARM_CALLS, CHECK);
    // Steady state: each client count first runs unmeasured for a while, so the emulator starts the
    // instances it needs (lazily, one per concurrent call, as Lambda does) outside the measured window;
    // the floor, one process, has nothing to start.
    await throughput(target, 4, WARMUP_SECONDS, CHECK);
    const c4 = await throughput(target, 4, SECONDS, CHECK);
    await throughput(target, 16, WARMUP_SECONDS, CHECK);
    const c16 = await throughput(target, 16, SECONDS, CHECK);
    const pid = launched.child.pid ?? 0;
    const kids = children(pid);
    const instances = kids.reduce((sum, kid) => sum + readTreeRss(kid), 0) / 2 ** 20;
    const rssMb =
      server === 'floor'
        ? `${(ownRss(pid) / 2 ** 20).toFixed(0)}`
        : `${(ownRss(pid) / 2 ** 20).toFixed(0)} + ${kids.length} x ${(instances / Math.max(1, kids.length)).toFixed(0)}`;
    return { cold, warm, c4, c16, rssMb };
  } finally {
    await launched.stop();
  }
}

function row(name: string, f: (x: Figures) => string, ...columns: Figures[]): string {
  return name.padEnd(34) + columns.map((c) => f(c).padStart(18)).join('');
}

const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-bench-'));
try {
  const model = join(dir, 'model.json');
  trainTutorialModel(DIST, ROOT, model);
  const loadBefore = loadavg()[0] ?? 0;
  const floor = await measure('floor', model);
  const serve = await measure('serve', model);
  writeFileSync(join(dir, 'noop.mjs'), NOOP_SOURCE);
  const noop = await measure('noop', model);
  const mainCold = await coldMedian('main.js', model);
  const all = [floor, serve, noop];
  const ms = (v: number) => v.toFixed(3);
  const load = (r: LoadResult) => `${r.perSecond.toFixed(0)}/s, ${r.errors} err`;
  const heads = ['node:http floor', 'lambda-ml serve', 'serve, no-op fn'];
  console.log(''.padEnd(34) + heads.map((h) => h.padStart(18)).join(''));
  console.log(row(`cold start, median of ${COLD_RUNS} (ms)`, (x) => x.cold.toFixed(1), ...all));
  console.log(
    `${'  (node dist/emulator/main.js)'.padEnd(34)}${''.padStart(18)}${mainCold.toFixed(1).padStart(18)}`,
  );
  console.log(row(`warm p50 of ${WARM_CALLS} calls (ms)`, (x) => ms(x.warm.latency.p50Ms), ...all));
  console.log(row('warm p99 (ms)', (x) => ms(x.warm.latency.p99Ms), ...all));
  console.log(row(`throughput, 4 clients, ${SECONDS} s`, (x) => load(x.c4), ...all));
  console.log(row(`throughput, 16 clients, ${SECONDS} s`, (x) => load(x.c16), ...all));
  console.log(row('RSS MB (emulator + instances)', (x) => x.rssMb, ...all));
  // The goals are ratios to the floor measured in this run.
  const p50 = (x: Figures) => (x.warm.latency.p50Ms / floor.warm.latency.p50Ms).toFixed(2);
  const share = (x: Figures) => ((100 * x.c4.perSecond) / floor.c4.perSecond).toFixed(0);
  console.log(
    `\nagainst the floor: warm p50 ${p50(serve)}x (serve), ${p50(noop)}x (no-op fn) [goal <= 2x]; ` +
      `4-client throughput ${share(serve)}% (serve), ${share(noop)}% (no-op fn) [goal >= 35%]`,
  );
  console.log(
    `node ${process.version}, load average ${loadBefore.toFixed(1)} -> ${(loadavg()[0] ?? 0).toFixed(1)}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
