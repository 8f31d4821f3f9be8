// Cost of the Runtime API peer check (issue 13), same run, A/B: the emulator with verifyRuntimePeer on
// and off, alternating rounds. (1) per call, the built-in runtime client (one keep-alive connection);
// (2) per call, a runtime that opens a new connection for every Runtime API request (the worst case:
// two checks per invocation); (3) the check itself on a live connection, in microseconds.
// Run: npm run build && node --import tsx bench/emulator-peer-check.ts   (env ROUNDS, CALLS)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerCheck } from '../src/bench/check.js';
import { targetOf } from '../src/bench/client.js';
import { warmLatency } from '../src/bench/load.js';
import { median } from '../src/bench/stats.js';
import { peerInTree } from '../src/emulator/proc.js';
import { type Emulator, startEmulator } from '../src/emulator/server.js';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const CALLS = Number(process.env.CALLS ?? 3000);
const DIST = join(import.meta.dirname, '..', 'dist');

/** A Runtime API client with no keep-alive: a fresh TCP connection for /next and for the response. */
const NO_KEEPALIVE_RUNTIME = `
import http from 'node:http';
const base = 'http://' + process.env.AWS_LAMBDA_RUNTIME_API + '/2018-06-01/runtime';
const call = (method, path, body) => new Promise((resolve, reject) => {
  const req = http.request(base + path, { method, agent: false }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
  });
  req.on('error', reject);
  req.end(body);
});
for (;;) {
  const next = await call('GET', '/invocation/next');
  // Answers as the keep-alive variant's no-op handler does, so both pass the same check.
  await call('POST', '/invocation/' + next.headers['lambda-runtime-aws-request-id'] + '/response', '{"statusCode":200,"body":1}');
}
`;

type Variant = 'keep-alive' | 'new connection per request';

async function start(variant: Variant, verify: boolean, dir: string): Promise<Emulator> {
  const common = { host: '127.0.0.1', port: 0, concurrency: 1, timeout: 30, writeLog: () => {} };
  if (variant === 'keep-alive') {
    return startEmulator({
      ...common,
      verifyRuntimePeer: verify,
      taskRoot: dir,
      handler: 'noop.handler',
      runtimeCommand: [process.execPath, join(DIST, 'runtime', 'main.js')],
    });
  }
  return startEmulator({
    ...common,
    verifyRuntimePeer: verify,
    bootstrap: [process.execPath, join(dir, 'runtime.mjs')],
  });
}

/** Median per-call latency (µs) of CALLS sequential keep-alive invocations. */
async function perCall(
  variant: Variant,
  verify: boolean,
  dir: string,
): Promise<{ p50: number; mean: number }> {
  const emulator = await start(variant, verify, dir);
  try {
    const target = targetOf(emulator.url, '{"data":[0,0,0,0]}');
    const check = answerCheck('{"statusCode":200,"body":1}');
    await warmLatency(target, 200, check); // cold start and JIT warm-up, not measured
    const result = await warmLatency(target, CALLS, check);
    if (result.errors > 0) throw new Error(`calls failed: ${result.firstError}`);
    return { p50: result.latency.p50Ms * 1000, mean: result.latency.meanMs * 1000 };
  } finally {
    await emulator.close();
  }
}

/** The check alone: `peerInTree` against a live connection held by this process (µs per check). */
async function checkCost(): Promise<number[]> {
  const { createServer } = await import('node:net');
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const client = connect(port, '127.0.0.1');
  await new Promise((resolve) => client.once('connect', resolve));
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const n = 2000;
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      if (!(await peerInTree(port, client.localPort as number, process.pid))) throw new Error('check failed');
    }
    times.push(((performance.now() - started) * 1000) / n);
  }
  client.destroy();
  server.close();
  return times;
}

const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-peer-bench-'));
try {
  writeFileSync(
    join(dir, 'noop.mjs'),
    'export const handler = async () => ({ statusCode: 200, body: 1 });\n',
  );
  writeFileSync(join(dir, 'runtime.mjs'), NO_KEEPALIVE_RUNTIME);
  const f = (v: number) => v.toFixed(1).padStart(8);
  console.log(
    `per-call latency, ${ROUNDS} alternating rounds of ${CALLS} sequential calls (µs: min / median of the round p50s)`,
  );
  for (const variant of ['keep-alive', 'new connection per request'] as const) {
    const on: number[] = [];
    const off: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first, so drift on a shared machine hits both alike.
      const order = round % 2 === 0 ? [true, false] : [false, true];
      for (const verify of order) (verify ? on : off).push((await perCall(variant, verify, dir)).p50);
    }
    const delta = median(on) - median(off);
    console.log(
      `  ${variant.padEnd(28)} check off ${f(Math.min(...off))} /${f(median(off))}   check on ${f(Math.min(...on))} /${f(median(on))}   difference of medians ${f(delta)}`,
    );
  }
  const cost = await checkCost();
  console.log(
    `one check on a live connection (µs: min / median of ${ROUNDS} x 2000): ${f(Math.min(...cost))} /${f(median(cost))}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
