// Same-run A/B of the emulator's warm path: this build's `lambda-ml serve` against another build's
// (BENCH_BASE_DIST) and the node:http floor, in interleaved rounds so the machine's load drift hits all
// alike. Each round starts each server afresh, warms it (200 calls, then 4 clients for WARMUP_SECONDS s,
// so all 4 instances are up), then measures warm p50 of CALLS
// sequential keep-alive calls and the throughput of 4 clients for SECONDS s, with the CPU time the
// server's process tree (emulator + runtimes) spent per call in that phase (from /proc: steadier than
// wall-clock figures on a shared machine, where every hop between processes waits for a time slice).
// Run: npm run build && node --import tsx bench/emulator-ab.ts
//   env: BENCH_BASE_DIST=<another build's dist/> (optional), ROUNDS (5), CALLS (3000), SECONDS (3),
//   WARMUP_SECONDS (3)
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { answerCheck } from '../src/bench/check.js';
import { targetOf } from '../src/bench/client.js';
import { freePort } from '../src/bench/launch.js';
import { throughput, warmLatency } from '../src/bench/load.js';
import { median } from '../src/bench/stats.js';
import { children } from '../src/emulator/sandbox/memory.js';
import { FLOOR_SOURCE, trainTutorialModel } from './floor.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const CALLS = Number(process.env.CALLS ?? 3000);
const SECONDS = Number(process.env.SECONDS ?? 3);
const CLIENTS = 4;
const WARMUP_SECONDS = Number(process.env.WARMUP_SECONDS ?? 3);
const PAYLOAD = '{"data":[0,0,0,0]}';
const CHECK = answerCheck('{"statusCode":200,"body":1}');
const DIST = resolve('dist');
const BASE = process.env.BENCH_BASE_DIST === undefined ? undefined : resolve(process.env.BENCH_BASE_DIST);

interface Variant {
  readonly name: string;
  argv(port: number, model: string): string[];
}

const serve = (name: string, dist: string): Variant => ({
  name,
  argv: (port, model) => [
    process.execPath,
    join(dist, 'cli', 'main.js'),
    'serve',
    '--port',
    String(port),
    '--concurrency',
    '16',
    '--no-console',
    '--model',
    model,
  ],
});
const variants: Variant[] = [
  { name: 'node:http floor', argv: () => [process.execPath, '--input-type=module', '-e', FLOOR_SOURCE] },
  serve('serve (this build)', DIST),
  ...(BASE === undefined ? [] : [serve('serve (BENCH_BASE_DIST)', BASE)]),
];

/** User + system CPU seconds of `pid` and its descendants (Linux clock ticks of 1/100 s). */
function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const next = stack.pop() as number;
    try {
      const stat = readFileSync(`/proc/${next}/stat`, 'latin1');
      // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone meanwhile.
    }
    stack.push(...children(next));
  }
  return ticks / 100;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(hard);
}

/** Starts the server, waits until it answers correctly, warms it, then measures. */
async function measure(
  variant: Variant,
  model: string,
): Promise<{ p50: number; perSecond: number; cpuMs: number }> {
  const port = await freePort();
  const env = {
    ...process.env,
    PORT: String(port),
    MODEL_PATH: model,
    LOAD_JS: join(DIST, 'model', 'load.js'),
  };
  const child = spawn(variant.argv(port, model)[0] as string, variant.argv(port, model).slice(1), {
    stdio: 'ignore',
    env,
  });
  try {
    const target = targetOf(`http://127.0.0.1:${port}`, PAYLOAD);
    const deadline = performance.now() + 60_000;
    for (;;) {
      const caller = target.open(1);
      const ok = await caller
        .call()
        .then((r) => CHECK(r) === null)
        .catch(() => false);
      caller.close();
      if (ok) break;
      if (performance.now() > deadline) throw new Error(`${variant.name} did not answer within 60 s`);
      await new Promise((done) => setTimeout(done, 50));
    }
    await warmLatency(target, 200, CHECK);
    const warm = await warmLatency(target, CALLS, CHECK);
    // Steady state: the emulator starts its extra instances (lazily, one per concurrent call, as Lambda
    // does) during this warm-up, not inside the measured window.
    await throughput(target, CLIENTS, WARMUP_SECONDS, CHECK);
    const pid = child.pid ?? 0;
    const cpuBefore = treeCpuSeconds(pid);
    const load = await throughput(target, CLIENTS, SECONDS, CHECK);
    const cpuMs = ((treeCpuSeconds(pid) - cpuBefore) * 1000) / load.calls;
    if (warm.errors + load.errors > 0)
      throw new Error(
        `${variant.name}: ${warm.errors + load.errors} errors (${warm.firstError ?? load.firstError})`,
      );
    return { p50: warm.latency.p50Ms, perSecond: load.perSecond, cpuMs };
  } finally {
    await stop(child);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-bench-ab-'));
try {
  const model = join(dir, 'model.json');
  trainTutorialModel(DIST, resolve('.'), model);
  const loads = [loadavg()[0] ?? 0];
  const p50 = variants.map(() => [] as number[]);
  const rate = variants.map(() => [] as number[]);
  const cpu = variants.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so neither build always runs right after the floor.
    const order = round % 2 === 0 ? variants.map((_, i) => i) : variants.map((_, i) => i).reverse();
    for (const i of order) {
      const figures = await measure(variants[i] as Variant, model);
      p50[i]?.push(figures.p50);
      rate[i]?.push(figures.perSecond);
      cpu[i]?.push(figures.cpuMs);
    }
    loads.push(loadavg()[0] ?? 0);
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
  const floorP50 = p50[0] as number[];
  const floorRate = rate[0] as number[];
  console.log(
    `${ROUNDS} interleaved rounds: warm p50 of ${CALLS} sequential calls, ${CLIENTS} clients for ${SECONDS} s (node ${process.version}, load average ${loads.map((l) => l.toFixed(1)).join(' -> ')})`,
  );
  console.log(
    `${'variant'.padEnd(26)}${'p50 min ms'.padStart(11)}${'p50 med ms'.padStart(11)}${'x floor'.padStart(9)}${'4c min/s'.padStart(10)}${'4c med/s'.padStart(10)}${'% floor'.padStart(9)}${'CPU ms/call min/med'.padStart(21)}`,
  );
  for (const [i, variant] of variants.entries()) {
    const ps = p50[i] as number[];
    const rs = rate[i] as number[];
    const cs = cpu[i] as number[];
    // Ratios per round (same moment), then their median.
    const ratio = median(ps.map((v, r) => v / (floorP50[r] as number)));
    const share = median(rs.map((v, r) => (100 * v) / (floorRate[r] as number)));
    console.log(
      `${variant.name.padEnd(26)}${Math.min(...ps)
        .toFixed(3)
        .padStart(11)}${median(ps).toFixed(3).padStart(11)}${`${ratio.toFixed(2)}x`.padStart(9)}${Math.min(
        ...rs,
      )
        .toFixed(0)
        .padStart(
          10,
        )}${median(rs).toFixed(0).padStart(10)}${`${share.toFixed(0)}%`.padStart(9)}${`${Math.min(...cs).toFixed(3)} / ${median(cs).toFixed(3)}`.padStart(21)}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
