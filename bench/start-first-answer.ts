// Time from launching `lambda-ml serve` / `lambda-ml start` (model already trained) to the first correct
// answer to the tutorial's request, next to two baselines launched in the same rounds: a bare `node -e ''`
// (spawn -> exit, the yardstick) and a bare node:http server (spawn -> the same answer).
// Rounds are interleaved so drift in the machine's load hits every variant alike; one warm-up round first.
// Run: npm run build && node --import tsx bench/start-first-answer.ts   (env RUNS, default 10;
// BENCH_BASE_DIST=<another build's dist/> adds its serve and start to the same rounds, for a before/after)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchToFirstAnswer, median, TUTORIAL_ANSWER } from './launch-common.js';

const RUNS = Number(process.env.RUNS ?? 10);
const BARE_SERVER = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('${TUTORIAL_ANSWER}')); })
  .listen(0, '127.0.0.1', function () { process.stderr.write('listening on http://127.0.0.1:' + this.address().port + '\\n'); });`;

/** Milliseconds from spawning `argv` to its exit. */
async function spawnToExit(argv: readonly string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: 'ignore' });
  await new Promise((done) => child.once('exit', done));
  return performance.now() - started;
}

const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-bench-start-'));
const model = join(dir, 'model.json');
const cli = resolve('dist/cli/main.js');
const base = process.env.BENCH_BASE_DIST;
const baseCli = base === undefined ? undefined : resolve(base, 'cli', 'main.js');
const variants: ReadonlyArray<{ name: string; run: () => Promise<number> }> = [
  { name: "node -e ''  (spawn -> exit)", run: () => spawnToExit([process.execPath, '-e', '']) },
  {
    name: 'bare node:http server',
    run: () => launchToFirstAnswer([process.execPath, '-e', BARE_SERVER]),
  },
  {
    name: 'lambda-ml serve',
    run: () => launchToFirstAnswer([process.execPath, cli, 'serve', '--port', '0', '--model', model]),
  },
  {
    name: 'lambda-ml start',
    run: () => launchToFirstAnswer([process.execPath, cli, 'start', '--port', '0', '--model', model]),
  },
  ...(baseCli === undefined
    ? []
    : ['serve', 'start'].map((command) => ({
        name: `${command} (BENCH_BASE_DIST)`,
        run: () => launchToFirstAnswer([process.execPath, baseCli, command, '--port', '0', '--model', model]),
      }))),
];
try {
  // The first `start` trains the model; that launch is not counted.
  await launchToFirstAnswer([process.execPath, cli, 'start', '--port', '0', '--model', model]);
  const times = variants.map(() => [] as number[]);
  const load = [loadavg()[0] ?? 0];
  for (let round = -1; round < RUNS; round++) {
    for (const [i, variant] of variants.entries()) {
      const ms = await variant.run();
      if (round >= 0) times[i]?.push(ms);
    }
  }
  load.push(loadavg()[0] ?? 0);
  const floor = median(times[0] ?? []);
  console.log(
    `launch -> first correct answer, ${RUNS} interleaved rounds (model already trained; node ${process.version}; load average ${load.map((l) => l.toFixed(1)).join(' -> ')})`,
  );
  console.log(
    `${'variant'.padEnd(30)}${'min ms'.padStart(9)}${'median ms'.padStart(11)}  median / node -e ''`,
  );
  for (const [i, variant] of variants.entries()) {
    const values = times[i] ?? [];
    const m = median(values);
    console.log(
      `${variant.name.padEnd(30)}${Math.min(...values)
        .toFixed(1)
        .padStart(9)}${m.toFixed(1).padStart(11)}  ${(m / floor).toFixed(2)}x`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
