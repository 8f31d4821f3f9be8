// Where `lambda-ml serve`'s time to the first answer goes: runs it under `strace -f` (only execve, bind
// and connect are traced, filtered in the kernel with --seccomp-bpf, so the processes run nearly at full
// speed) and puts on one clock, from the spawn: the CLI's exec, the early start binding the first
// instance's Runtime API port and spawning its runtime, the runtime's exec, the runtime's first
// connection (its GET /next: initialised), the CLI binding the serve port, and the first correct answer.
// Each round also times `node -e ''` (the yardstick) and the same `serve` without strace.
// Needs strace (Linux). Run: npm run build && node --import tsx bench/start-timeline.ts   (env RUNS, default 5)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../src/bench/launch.js';
import {
  INVOKE,
  launchToFirstAnswer,
  listeningUrl,
  median,
  TUTORIAL_ANSWER,
  TUTORIAL_BODY,
} from './launch-common.js';

const RUNS = Number(process.env.RUNS ?? 5);

if (spawnSync('strace', ['-V']).status !== 0) {
  console.error('start-timeline: needs strace (apt-get install strace); nothing measured');
  process.exit(2);
}

const STEPS = [
  'CLI exec',
  'Runtime API port bound (early start)',
  'runtime exec',
  'runtime asks for /next (initialised)',
  'serve port bound',
  'first correct answer',
] as const;

/** The steps' times (ms after the spawn) from one strace log, plus the answer's. */
function timeline(trace: string, spawnedAt: number, port: number, answered: number): number[] {
  const at = (line: string) => Number(line.split(/\s+/)[1]) * 1000 - spawnedAt;
  const lines = trace.split('\n').filter((l) => !l.includes('ENOENT'));
  const execs = lines.filter((l) => l.includes('execve(') && l.includes('= 0'));
  const cli = execs.find((l) => l.includes('cli/main.js'));
  const runtime = execs.find((l) => l.includes('runtime/main.js'));
  const runtimePid = runtime?.split(/\s+/)[0];
  const cliPid = cli?.split(/\s+/)[0];
  const firstBind = lines.find((l) => l.startsWith(`${cliPid} `) && /bind\(.*htons\(0\)/.test(l));
  const connect = lines.find((l) => l.startsWith(`${runtimePid} `) && l.includes('connect('));
  const serve = lines.find((l) => l.includes('bind(') && l.includes(`htons(${port})`));
  return [cli, firstBind, runtime, connect, serve]
    .map((l) => (l === undefined ? Number.NaN : at(l)))
    .concat(answered);
}

/**
 * `serve` under strace to its first correct answer; returns ms from the spawn. The serve process is then
 * stopped with SIGINT directly (strace, running it, does not pass a SIGINT on), and strace exits with it.
 */
async function tracedServe(log: string, port: number): Promise<{ spawnedAt: number; answered: number }> {
  const argv = ['-f', '--seccomp-bpf', '-ttt', '-s', '256', '-e', 'trace=execve,bind,connect', '-o', log];
  argv.push(process.execPath, cli, 'serve', '--port', String(port), '--model', model);
  const spawnedAt = Date.now();
  const started = performance.now();
  const child = spawn('strace', argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((done) => child.once('exit', done));
  try {
    const url = await listeningUrl(child);
    const res = await fetch(`${url}${INVOKE}`, {
      method: 'POST',
      body: TUTORIAL_BODY,
    });
    const text = await res.text();
    if (text !== TUTORIAL_ANSWER) throw new Error(`serve under strace answered ${res.status} ${text}`);
    return { spawnedAt, answered: performance.now() - started };
  } finally {
    const pid = /^(\d+) .*execve\(.*cli\/main\.js/m.exec(readFileSync(log, 'latin1'))?.[1];
    if (pid !== undefined) process.kill(Number(pid), 'SIGINT');
    else child.kill('SIGKILL');
    await exited;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-bench-timeline-'));
const model = join(dir, 'model.json');
const cli = resolve('dist/cli/main.js');
try {
  // Trains the model (not counted).
  await launchToFirstAnswer([process.execPath, cli, 'start', '--port', '0', '--model', model]);
  const rounds: number[][] = [];
  const bare: number[] = [];
  const untraced: number[] = [];
  const load = [loadavg()[0] ?? 0];
  for (let round = -1; round < RUNS; round++) {
    const t0 = performance.now();
    execFileSync(process.execPath, ['-e', '']);
    const nodeE = performance.now() - t0;
    const plain = await launchToFirstAnswer([
      process.execPath,
      cli,
      'serve',
      '--port',
      '0',
      '--model',
      model,
    ]);
    const port = await freePort();
    const log = join(dir, `trace-${round + 1}.txt`);
    const { spawnedAt, answered } = await tracedServe(log, port);
    if (round < 0) continue;
    bare.push(nodeE);
    untraced.push(plain);
    rounds.push(timeline(readFileSync(log, 'latin1'), spawnedAt, port, answered));
  }
  load.push(loadavg()[0] ?? 0);
  const floor = median(bare);
  console.log(
    `lambda-ml serve, spawn -> first answer, ${RUNS} rounds (node ${process.version}; load average ${load.map((l) => l.toFixed(1)).join(' -> ')})`,
  );
  console.log(
    `node -e '' median ${floor.toFixed(1)} ms; serve without strace median ${median(untraced).toFixed(1)} ms (${(median(untraced) / floor).toFixed(2)}x)`,
  );
  console.log(
    `${'under strace: ms after spawn'.padEnd(40)}${'min'.padStart(8)}${'median'.padStart(9)}   x node -e ''`,
  );
  for (const [i, step] of STEPS.entries()) {
    const values = rounds.map((r) => r[i] as number).filter((v) => !Number.isNaN(v));
    const m = median(values);
    console.log(
      `${step.padEnd(40)}${Math.min(...values)
        .toFixed(1)
        .padStart(8)}${m.toFixed(1).padStart(9)}   ${(m / floor).toFixed(2)}x`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
