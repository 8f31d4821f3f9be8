// Runtime process start: spawn → first GET /next at a local fake Runtime API, with the tutorial's model loaded.
// Same-run baselines: a bare `node -e ''` (spawn → exit) and a bare node doing one http.get (spawn → GET received);
// the last rows start the container image's layout (one esbuild bundle per entry, staged by container/stage-task.mjs),
// the "→ first answer" rows until the runtime posts its answer to the tutorial's event (issue 15, goal 5: within
// 1.5x of floor.mjs with the tutorial model, 3x with the big forest). BENCH_BIG_MODEL=<artifact> adds that forest
// (e.g. the 100-tree 100,000 x 20 one bench/model-load.ts keeps in BENCH_LOAD_DIR), asked one row of zeros; it
// is served from its binary form (.lmlb, whose predictor image the function reads straight into the kernel's
// memory): a JSON artifact is converted first, into the work directory.
// Run: npm run build && node --import tsx bench/runtime-start.ts   (env RUNS, default 20)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArtifactBytes, serializeArtifactBinary } from '../src/model/artifact.js';
import { startsLikeBinary } from '../src/model/binary-format.js';
import { loadModelFile } from '../src/model/load.js';
import {
  DIST,
  lambdaEnv,
  makeWorkdir,
  printTable,
  quantile,
  RUNTIME_MAIN,
  readRss,
  sendEvent,
  stageImageTask,
  startFakeApi,
} from './runtime-common.js';

const RUNS = Number(process.env.RUNS ?? 20);
const loadBefore = loadavg()[0] ?? 0;
const work = makeWorkdir();
const api = await startFakeApi();
const task = stageImageTask(join(work.dir, 'task'), work.modelPath);

interface Variant {
  readonly name: string;
  readonly argv: readonly string[];
  readonly env: Record<string, string>;
  /** 'exit' for the bare baseline, 'next' when the first GET /next ends the clock. */
  readonly until: 'exit' | 'next' | 'answer';
  /** For 'answer': the event served on the first /next, and a check of the answer posted. */
  readonly event?: string;
  readonly answer?: RegExp;
}

/** The big model's binary form: the file itself, or a JSON artifact converted into the work directory. */
function binaryModel(path: string): string {
  const bytes = readFileSync(path);
  if (startsLikeBinary(bytes)) return path;
  const out = join(work.dir, 'big.lmlb');
  writeFileSync(out, serializeArtifactBinary(parseArtifactBytes(bytes)));
  return out;
}
const bigModel =
  process.env.BENCH_BIG_MODEL === undefined ? undefined : binaryModel(process.env.BENCH_BIG_MODEL);
const bigFeatures = bigModel === undefined ? 0 : loadModelFile(bigModel).nFeatures;
const bigSize = bigModel === undefined ? 0 : statSync(bigModel).size;

const bareGet = `require('http').get('http://${api.address}/2018-06-01/runtime/invocation/next')`;
const variants: Variant[] = [
  { name: "node -e ''  (spawn → exit)", argv: ['-e', ''], env: lambdaEnv(api.address, {}), until: 'exit' },
  {
    name: 'node -e http.get  (spawn → GET)',
    argv: ['-e', bareGet],
    env: lambdaEnv(api.address, {}),
    until: 'next',
  },
  {
    name: 'node floor.mjs: ESM file, http.get  (spawn → GET)',
    argv: [join(work.dir, 'floor.mjs')],
    env: lambdaEnv(api.address, {}),
    until: 'next',
  },
  {
    name: 'runtime, no-op handler',
    argv: [RUNTIME_MAIN, 'noop.handler'],
    env: lambdaEnv(api.address, { LAMBDA_TASK_ROOT: work.noopRoot }),
    until: 'next',
  },
  {
    name: 'runtime + prediction fn + model',
    argv: [RUNTIME_MAIN, 'function/handler.handler'],
    env: lambdaEnv(api.address, { LAMBDA_TASK_ROOT: DIST, MODEL_PATH: work.modelPath }),
    until: 'next',
  },
  {
    name: 'runtime + prediction fn + model, bundled (image layout)',
    argv: [join(task, 'runtime', 'main.js'), 'function/handler.handler'],
    env: lambdaEnv(api.address, { LAMBDA_TASK_ROOT: task, MODEL_PATH: join(task, 'model.json') }),
    until: 'next',
  },
  {
    name: 'runtime + prediction fn + model, bundled → first answer',
    argv: [join(task, 'runtime', 'main.js'), 'function/handler.handler'],
    env: lambdaEnv(api.address, { LAMBDA_TASK_ROOT: task, MODEL_PATH: join(task, 'model.json') }),
    until: 'answer',
    event: '{"data":[0,0,0,0]}',
    answer: /^\{"statusCode":200,"body":1\}$/,
  },
  ...(bigModel === undefined
    ? []
    : [
        {
          name: `runtime + prediction fn + big forest (${(bigSize / 1e6).toFixed(1)} MB .lmlb), bundled → first answer`,
          argv: [join(task, 'runtime', 'main.js'), 'function/handler.handler'],
          env: lambdaEnv(api.address, { LAMBDA_TASK_ROOT: task, MODEL_PATH: bigModel }),
          until: 'answer' as const,
          event: JSON.stringify({ data: new Array(bigFeatures).fill(0) }),
          answer: /^\{"statusCode":200,"body":[^}]+\}$/,
        },
      ]),
];

async function measure(variant: Variant): Promise<{ ms: number; rssMb?: number }> {
  const reached = new Promise<number>((resolve, reject) => {
    if (variant.until !== 'answer') {
      api.onNext = () => resolve(performance.now());
      return;
    }
    let served = false;
    api.onNext = (res) => {
      // The first /next gets the event; the next one (after the answer) is held until the kill.
      if (served) return;
      served = true;
      sendEvent(res, 'first', variant.event ?? '{}');
    };
    api.onResponse = (_id, body) => {
      const at = performance.now();
      if (variant.answer?.test(body) === false) reject(new Error(`${variant.name}: answer ${body}`));
      else resolve(at);
    };
  });
  const started = performance.now();
  const child = spawn(process.execPath, variant.argv, {
    env: variant.env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = once(child, 'exit');
  if (variant.until === 'exit') {
    await exited;
    return { ms: performance.now() - started };
  }
  const at = await reached;
  const rss = child.pid === undefined ? undefined : readRss(child.pid).rssMb;
  if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  await exited;
  return { ms: at - started, ...(rss === undefined ? {} : { rssMb: rss }) };
}

const times = variants.map(() => [] as number[]);
const rss = variants.map(() => [] as number[]);
// Interleaved, so drift in machine load hits every variant alike; one warm-up round first.
for (let run = -1; run < RUNS; run++) {
  for (const [i, variant] of variants.entries()) {
    const result = await measure(variant);
    if (run < 0) continue;
    times[i]?.push(result.ms);
    if (result.rssMb !== undefined) rss[i]?.push(result.rssMb);
  }
}
await api.close();
work.remove();

printTable(
  `runtime start, ${RUNS} runs each (node ${process.version}, load average ${loadBefore.toFixed(1)} -> ${loadavg()[0]?.toFixed(1)} on this machine); target: runtime + model median <= 60 ms`,
  ['variant', 'min ms', 'median ms', 'p10 ms', 'p90 ms', 'RSS at first /next MB'],
  variants.map((v, i) => [
    v.name,
    Math.min(...(times[i] ?? [])).toFixed(1),
    quantile(times[i] ?? [], 0.5).toFixed(1),
    quantile(times[i] ?? [], 0.1).toFixed(1),
    quantile(times[i] ?? [], 0.9).toFixed(1),
    (rss[i]?.length ?? 0) > 0 ? quantile(rss[i] ?? [], 0.5).toFixed(1) : '-',
  ]),
);
const model = quantile(times[4] ?? [], 0.5);
const bundled = quantile(times[5] ?? [], 0.5);
const floor = quantile(times[2] ?? [], 0.5);
console.log(
  `\nruntime + model over the floor.mjs floor: ${(model - floor).toFixed(1)} ms unbundled (dist/), ${(bundled - floor).toFixed(1)} ms bundled (image layout) (median differences)`,
);
const ratio = (i: number) => (quantile(times[i] ?? [], 0.5) / floor).toFixed(2);
console.log(
  `to the first answer, bundled, median / floor.mjs median: tutorial model ${ratio(6)}x [goal <= 1.5x]` +
    (bigModel === undefined ? ' (BENCH_BIG_MODEL not set)' : `, big forest ${ratio(7)}x [goal <= 3x]`),
);
