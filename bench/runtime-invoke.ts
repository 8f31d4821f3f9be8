// Per-invocation cost of the runtime client + prediction handler, and the runtime's RSS with the tutorial's model.
// (1) in process, Runtime API in memory: client + handler CPU cost, next to the handler called bare;
// (2) child process on a local fake Runtime API: server-observed time per invocation, next to a bare
//     keep-alive GET/POST loop (the HTTP floor) in the same run; then each process's RSS.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Invocation, RuntimeApi } from '../src/runtime/api-client.js';
import { startRuntime } from '../src/runtime/runtime.js';
import {
  DIST,
  lambdaEnv,
  makeWorkdir,
  printTable,
  quantile,
  RUNTIME_MAIN,
  readRss,
  sendEvent,
  startFakeApi,
} from './runtime-common.js';

const IN_PROCESS = Number(process.env.IN_PROCESS_N ?? 20_000);
const OVER_HTTP = Number(process.env.HTTP_N ?? 3_000);
const WARMUP = 300;
const EVENT = JSON.stringify({ data: [0, 0, 0, 0] });
const work = makeWorkdir();
process.env.MODEL_PATH = work.modelPath;

type Handler = (event: unknown) => Promise<unknown>;
const { handler } = (await import(pathToFileURL(join(DIST, 'function', 'handler.js')).href)) as {
  handler: Handler;
};

/** The handler alone: parse the event, predict, serialise the answer (what any runtime must do). */
async function bareHandler(n: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) JSON.stringify(await handler(JSON.parse(EVENT)));
  return ((performance.now() - started) * 1000) / n;
}

/** The real loop (startRuntime) fed from memory, so no socket time is counted. */
function inProcessRuntime(handlerName: string, taskRoot: string, n: number): Promise<number> {
  return new Promise((resolve) => {
    let served = 0;
    let started = 0;
    const api: RuntimeApi = {
      next: () => {
        if (served === WARMUP) started = performance.now();
        if (served === n + WARMUP) {
          resolve(((performance.now() - started) * 1000) / n);
          return new Promise<Invocation>(() => {});
        }
        served++;
        return Promise.resolve({
          requestId: `r${served}`,
          deadlineMs: Date.now() + 60_000,
          invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
          traceId: 'Root=1-0-0',
          clientContext: undefined,
          cognitoIdentity: undefined,
          body: EVENT,
        });
      },
      respond: async () => {},
      fail: async (_id, error) => {
        throw new Error(`bench invocation failed: ${error.errorMessage}`);
      },
      initError: async (error) => {
        throw new Error(`bench init failed: ${error.errorMessage}`);
      },
    };
    startRuntime(handlerName, {
      api,
      taskRoot,
      env: { ...process.env },
      clock: { now: () => Date.now() },
      eventLoop: { whenEmpty: () => {}, clear: () => {} },
      process: { onSigterm: () => {}, onFatal: () => {}, exit: () => {} },
      logError: () => {},
      warn: (message) => console.error(message),
    });
  });
}

const BARE_LOOP = `
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const base = '/2018-06-01/runtime/invocation/';
function next() {
  http.get({ host, port, path: base + 'next', agent }, (res) => {
    const id = res.headers['lambda-runtime-aws-request-id'];
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => {
      const body = '{"statusCode":200,"body":1}';
      const req = http.request({ host, port, method: 'POST', path: base + id + '/response', agent,
        headers: { 'content-length': body.length } }, (r) => { r.resume(); r.on('end', next); });
      req.end(body);
    });
  });
}
next();`;

interface HttpResult {
  readonly perInvocationUs: number[];
  readonly rssMb: number;
  readonly peakMb: number;
}

/** Serves n events to one child; each invocation's time runs from sending /next's reply to its POST arriving. */
async function overHttp(
  argv: readonly string[],
  extraEnv: Record<string, string>,
  n: number,
): Promise<HttpResult> {
  const api = await startFakeApi();
  const sentAt = new Map<string, number>();
  const times: number[] = [];
  let served = 0;
  const done = new Promise<void>((resolve) => {
    api.onNext = (res) => {
      if (served === n + WARMUP) return resolve();
      const id = `r${++served}`;
      sentAt.set(id, performance.now());
      sendEvent(res, id, EVENT);
    };
    api.onResponse = (id) => {
      const at = sentAt.get(id);
      if (at !== undefined && Number(id.slice(1)) > WARMUP) times.push((performance.now() - at) * 1000);
    };
  });
  const child = spawn(process.execPath, argv, {
    env: lambdaEnv(api.address, extraEnv),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = once(child, 'exit');
  await done;
  const { rssMb, peakMb } = readRss(child.pid as number);
  process.kill(child.pid as number, 'SIGKILL');
  await exited;
  await api.close();
  return { perInvocationUs: times, rssMb, peakMb };
}

const bare = await bareHandler(IN_PROCESS);
const inNoop = await inProcessRuntime('noop.handler', work.noopRoot, IN_PROCESS);
const inModel = await inProcessRuntime('function/handler.handler', DIST, IN_PROCESS);
const bareAgain = await bareHandler(IN_PROCESS);

printTable(
  `in process, Runtime API in memory, ${IN_PROCESS} invocations of {"data":[0,0,0,0]}; target: client + handler <= 50 µs`,
  ['what', 'µs / invocation'],
  [
    ['prediction handler alone (parse + predict + stringify), before', bare.toFixed(2)],
    ['prediction handler alone, after', bareAgain.toFixed(2)],
    ['runtime client loop + no-op handler', inNoop.toFixed(2)],
    ['runtime client loop + prediction handler', inModel.toFixed(2)],
  ],
);

// Three interleaved rounds, so a burst of load on the shared machine hits every client alike.
const ROUNDS = 3;
const clients: Array<[string, readonly string[], Record<string, string>]> = [
  ['bare keep-alive GET/POST loop (floor)', ['-e', BARE_LOOP], {}],
  ['lambda-ml runtime + no-op handler', [RUNTIME_MAIN, 'noop.handler'], { LAMBDA_TASK_ROOT: work.noopRoot }],
  [
    'lambda-ml runtime + prediction fn + model',
    [RUNTIME_MAIN, 'function/handler.handler'],
    { LAMBDA_TASK_ROOT: DIST, MODEL_PATH: work.modelPath },
  ],
];
const results: HttpResult[] = clients.map(() => ({ perInvocationUs: [], rssMb: 0, peakMb: 0 }));
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, [, argv, env]] of clients.entries()) {
    const r = await overHttp(argv, env, Math.ceil(OVER_HTTP / ROUNDS));
    const acc = results[i] as HttpResult;
    results[i] = {
      perInvocationUs: [...acc.perInvocationUs, ...r.perInvocationUs],
      rssMb: Math.max(acc.rssMb, r.rssMb),
      peakMb: Math.max(acc.peakMb, r.peakMb),
    };
  }
}
const floor = results[0] as HttpResult;
const idle = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
await new Promise((resolve) => setTimeout(resolve, 300));
const idleRss = readRss(idle.pid as number);
process.kill(idle.pid as number, 'SIGKILL');
await once(idle, 'exit');
work.remove();

const row = (name: string, r: HttpResult) => [
  name,
  quantile(r.perInvocationUs, 0.5).toFixed(1),
  quantile(r.perInvocationUs, 0.99).toFixed(1),
  (quantile(r.perInvocationUs, 0.5) - quantile(floor.perInvocationUs, 0.5)).toFixed(1),
  r.rssMb.toFixed(1),
  r.peakMb.toFixed(1),
];
printTable(
  `child process on a local fake Runtime API, ${OVER_HTTP} invocations each; target: RSS with the model <= 60 MB`,
  ['client', 'p50 µs', 'p99 µs', 'p50 over floor µs', 'max RSS MB', 'max peak RSS MB'],
  [
    ...clients.map(([name], i) => row(name, results[i] as HttpResult)),
    [
      'idle node (setInterval), for scale',
      '-',
      '-',
      '-',
      idleRss.rssMb.toFixed(1),
      idleRss.peakMb.toFixed(1),
    ],
  ],
);
process.exit(0);
