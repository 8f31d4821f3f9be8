// Figures for issue 12: a 500-tree XGBoost and a 500-tree LightGBM model (made by the libraries in this
// run), loaded and predicted by lambda-ml next to the libraries themselves (xgboost.Booster.predict with
// Debian's python3-xgboost 1.7.4, lightgbm.Booster.predict 4.7.0 from a venv; one thread each) and next
// to lambda-ml's own forest predictor (500-tree random forests trained here, of the same depth / leaf
// count), on the same rows: 1, 10,000 and 1,000,000. Every timed answer is checked: XGBoost outputs
// bit-identical on every row, LightGBM within 4 ulp (raw scores bit-identical), so no speed of a wrong
// answer is reported. Then the cold start of the function serving each model: the image's bundled
// runtime on a local fake Runtime API (spawn -> first correct answer), and `lambda-ml serve`.
//
// Run: npm run bench -- boosting   (npm run build first when running `npx tsx bench/boosting.ts`)
// env: BENCH_DIR (models and rows; default <tmpdir>/lambda-ml-bench-boosting), LIGHTGBM_PYTHON (a python
// with lightgbm 4.7.0; default ~/.cache/lambda-ml/venvs/lightgbm-4.7.0/bin/python, the venv
// `npm run references` makes), TREES (500), MAX_ROWS (1000000), ROUNDS (3: repeats of the largest
// batch), LOADS (10), RUNS (5: cold starts per variant).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createPredictionHandler } from '../src/function/predict.js';
import { serializeArtifact } from '../src/model/artifact.js';
import type { BoostedPredictor } from '../src/model/boosted/boosted.js';
import { createBoostedPredictor } from '../src/model/boosted/kinds.js';
import { loadDataset } from '../src/model/dataset.js';
import { fitEstimator } from '../src/model/estimator.js';
import { parseModelSection } from '../src/model/params.js';
import { artifactOf } from '../src/model/train.js';
import type { TreeEnsemblePredictor } from '../src/model/tree-ensemble.js';
import type { Predictor } from '../src/model/types.js';
import { loadAnyModelFile, readModelFile } from '../src/readers/load-any.js';
import { launchToFirstAnswer, median } from './launch-common.js';
import { DIST, lambdaEnv, printTable, sendEvent, stageImageTask, startFakeApi } from './runtime-common.js';

const TREES = Number(process.env.TREES ?? 500);
const MAX_ROWS = Number(process.env.MAX_ROWS ?? 1_000_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const LOADS = Number(process.env.LOADS ?? 10);
const RUNS = Number(process.env.RUNS ?? 5);
const F = 20;
const TRAIN_ROWS = 20_000;
const COUNTS = [1, 10_000, MAX_ROWS];
const REPEATS: Record<number, number> = { 1: 200, 10000: 5, [MAX_ROWS]: ROUNDS };
const CHECK_ROWS = 10_000;
const dir = resolve(process.env.BENCH_DIR ?? join(tmpdir(), 'lambda-ml-bench-boosting'));
mkdirSync(dir, { recursive: true });
const lightgbmPython =
  process.env.LIGHTGBM_PYTHON ??
  join(homedir(), '.cache', 'lambda-ml', 'venvs', 'lightgbm-4.7.0', 'bin', 'python');
const loadStart = loadavg();

// ---------- Python: the models, the rows, the libraries' own times and answers ----------

interface PythonTimes {
  version: string;
  import: number;
  firstLoad: number;
  load: number[];
  predict: Record<string, number[]>;
}

function python(library: 'xgboost' | 'lightgbm'): PythonTimes {
  const exe = library === 'xgboost' ? '/usr/bin/python3' : lightgbmPython;
  if (!existsSync(exe)) {
    throw new Error(
      `${exe} is missing: set LIGHTGBM_PYTHON to a python with lightgbm 4.7.0 (python3 -m venv DIR && ` +
        'DIR/bin/pip install lightgbm==4.7.0 scikit-learn==1.9.1 pandas), or let `npm run references -- update lightgbm-4.7.0` make the default venv',
    );
  }
  const task = {
    library,
    dir,
    trees: TREES,
    features: F,
    trainRows: TRAIN_ROWS,
    rows: COUNTS,
    repeats: Object.fromEntries(COUNTS.map((n) => [String(n), REPEATS[n]])),
    loads: LOADS,
    checkRows: CHECK_ROWS,
  };
  const script = new URL('../scripts/oracle/boosting_bench.py', import.meta.url).pathname;
  const r = spawnSync(exe, [script], {
    input: JSON.stringify(task),
    encoding: 'utf8',
    timeout: 60 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
  });
  if (r.status !== 0) throw new Error(`${library} baseline failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as PythonTimes;
}

function f64(path: string): Float64Array {
  const b = readFileSync(path);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

// ---------- checks ----------

function ulps(a: number, b: number): number {
  if (Object.is(a, b)) return 0;
  const v = new Float64Array([a, b]);
  const i = new BigInt64Array(v.buffer);
  const d = (i[0] as bigint) - (i[1] as bigint);
  return Number(d < 0n ? -d : d);
}

/** Max ulp distance of `got` from the first got.length values of `want`; throws past `limit`. */
function check(what: string, got: ArrayLike<number>, want: Float64Array, limit: number): number {
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const d = ulps(got[i] as number, want[i] as number);
    if (d > worst) worst = d;
    if (d > limit) throw new Error(`${what}: row ${i} is ${got[i]}, the library says ${want[i]} (${d} ulp)`);
  }
  return worst;
}

// ---------- lambda-ml timings ----------

/** Wall seconds of each of `repeats` calls of f; `verify` sees every answer. */
function timesOf<T>(repeats: number, f: () => T, verify: (value: T) => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    const value = f();
    out.push((performance.now() - t0) / 1000);
    verify(value);
  }
  return out;
}

/** First load in a fresh Node process (from dist/), and the module import before it, in seconds. */
function freshLoad(path: string): { import: number; load: number } {
  const mod = resolve(DIST, 'readers', 'load-any.js');
  const js = `const t0 = performance.now(); const m = await import(${JSON.stringify(mod)}); const t1 = performance.now();
m.loadAnyModelFile(${JSON.stringify(path)}); const t2 = performance.now();
console.log(JSON.stringify({ import: (t1 - t0) / 1e3, load: (t2 - t1) / 1e3 }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', js], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`node load of ${path} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

interface Side {
  readonly name: string;
  readonly freshLoad: number[];
  readonly import: number[];
  readonly load: number[];
  readonly predict: Record<number, number[]>;
  readonly note: string;
}

function loadTimes(path: string): { fresh: number[]; imp: number[]; warm: number[] } {
  const fresh: number[] = [];
  const imp: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = freshLoad(path);
    fresh.push(r.load);
    imp.push(r.import);
  }
  loadAnyModelFile(path);
  const warm = timesOf(
    LOADS,
    () => loadAnyModelFile(path),
    () => {},
  );
  return { fresh, imp, warm };
}

/** lambda-ml on a boosted model: load, then every row count, each answer checked against the library's. */
function boosted(
  name: string,
  path: string,
  rows: Float64Array,
  pred: Float64Array,
  raw: Float64Array,
  limit: number,
): { side: Side; p: BoostedPredictor; worst: number; walk: Record<number, number[]> } {
  const { fresh, imp, warm } = loadTimes(path);
  const p = loadAnyModelFile(path) as BoostedPredictor;
  const rawWorst = check(
    `${name} raw scores`,
    p.rawScoresBatch(rows.subarray(0, CHECK_ROWS * F), CHECK_ROWS),
    raw,
    0,
  );
  let worst = rawWorst;
  const predict: Record<number, number[]> = {};
  const one = Array.from(rows.subarray(0, F));
  predict[1] = timesOf(
    REPEATS[1] as number,
    () => p.outputs(one),
    (o) => {
      worst = Math.max(worst, check(`${name} 1 row`, o, pred, limit));
    },
  );
  for (const n of COUNTS.slice(1)) {
    predict[n] = timesOf(
      REPEATS[n] as number,
      () => p.outputsBatch(rows.subarray(0, n * F), n),
      (o) => {
        worst = Math.max(worst, check(`${name} ${n} rows`, o, pred, limit));
      },
    );
  }
  // Same run, same rows: the JavaScript tree walk (the fallback where WebAssembly is off) as the baseline.
  const pJs = createBoostedPredictor(readModelFile(path), { javascript: true });
  const walk: Record<number, number[]> = {};
  for (const n of COUNTS.slice(1)) {
    walk[n] = timesOf(
      REPEATS[n] as number,
      () => pJs.outputsBatch(rows.subarray(0, n * F), n),
      (o) => {
        worst = Math.max(worst, check(`${name} ${n} rows (JavaScript walk)`, o, pred, limit));
      },
    );
  }
  return {
    side: { name, freshLoad: fresh, import: imp, load: warm, predict, note: '' },
    p,
    worst,
    walk,
  };
}

/** A 500-tree random forest trained here (same data as the boosted models), written as an artifact. */
function nativeForest(params: Record<string, unknown>, file: string): string {
  const mc = { n_samples: TRAIN_ROWS, n_features: F, n_informative: 10, random_state: 0 };
  const model = { RandomForestClassifier: { n_estimators: TREES, random_state: 0, ...params } };
  const data = loadDataset({ make_classification: mc }, '.');
  const fit = fitEstimator(parseModelSection(model), data);
  const artifact = artifactOf(
    { dataset: { make_classification: mc }, model },
    'RandomForestClassifier',
    data,
    fit,
  );
  const path = join(dir, file);
  writeFileSync(path, serializeArtifact(artifact));
  return path;
}

/** lambda-ml's own forest predictor on the same rows (missing values as 0: a native forest takes none). */
function forest(name: string, path: string, rows: Float64Array): { side: Side; p: Predictor } {
  const { fresh, imp, warm } = loadTimes(path);
  const p = loadAnyModelFile(path) as TreeEnsemblePredictor;
  const ref = p.predictProbaBatch(rows.subarray(0, CHECK_ROWS * F), CHECK_ROWS);
  const same = (o: Float64Array) => {
    for (let i = 0; i < Math.min(o.length, ref.length); i++)
      if (!Object.is(o[i], ref[i])) throw new Error(`${name}: batch answers differ at ${i}`);
  };
  const predict: Record<number, number[]> = {};
  const one = Array.from(rows.subarray(0, F));
  predict[1] = timesOf(REPEATS[1] as number, () => p.predictProba(one), same);
  for (const n of COUNTS.slice(1)) {
    predict[n] = timesOf(REPEATS[n] as number, () => p.predictProbaBatch(rows.subarray(0, n * F), n), same);
  }
  return { side: { name, freshLoad: fresh, import: imp, load: warm, predict, note: '' }, p };
}

// ---------- cold start ----------

/** spawn -> first correct answer of the image's bundled runtime + handler with MODEL_PATH, on a fake Runtime API. */
async function functionColdStart(
  task: string,
  modelPath: string,
  event: string,
  answer: string,
): Promise<number> {
  const api = await startFakeApi();
  try {
    let served = false;
    const done = new Promise<{ at: number; body: string }>((ok) => {
      api.onResponse = (_id, body) => ok({ at: performance.now(), body });
    });
    api.onNext = (res) => {
      if (served) return; // hold the second /next
      served = true;
      sendEvent(res, 'cold-1', event);
    };
    const started = performance.now();
    const child = spawn(process.execPath, [join(task, 'runtime', 'main.js'), 'function/handler.handler'], {
      env: lambdaEnv(api.address, { LAMBDA_TASK_ROOT: task, MODEL_PATH: modelPath }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const exited = new Promise((ok) => child.once('exit', ok));
    const result = await Promise.race([
      done,
      exited.then(() => {
        throw new Error(`the function exited before answering: ${stderr}`);
      }),
    ]);
    child.kill('SIGKILL');
    await exited;
    if (result.body !== answer) throw new Error(`${modelPath}: answered ${result.body}, expected ${answer}`);
    return result.at - started;
  } finally {
    await api.close();
  }
}

/** The request for a model's first row (missing values as null) and the answer the handler gives in process. */
async function firstRequest(p: Predictor, row: ArrayLike<number>): Promise<{ body: string; answer: string }> {
  const data = Array.from(row, (v) => (Number.isNaN(v) ? null : v));
  const body = JSON.stringify({ data });
  return { body, answer: JSON.stringify(await createPredictionHandler(p)(JSON.parse(body))) };
}

// ---------- report helpers ----------

const ms = (s: number[]) => `${(Math.min(...s) * 1e3).toFixed(1)} / ${(median(s) * 1e3).toFixed(1)}`;
const msMs = (s: number[]) => `${Math.min(...s).toFixed(0)} / ${median(s).toFixed(0)}`;
const rate = (n: number, s: number[]) =>
  n === 1 ? `${(Math.min(...s) * 1e6).toFixed(0)} / ${(median(s) * 1e6).toFixed(0)} µs` : `${ms(s)} ms`;
const ratio = (a: number[], b: number[]) => `${(median(a) / median(b)).toFixed(2)}x`;

// ---------- run ----------

const xgbPy = python('xgboost');
const lgbPy = python('lightgbm');
console.log(
  `boosted models: ${TREES} trees, ${F} features, trained on make_classification(${TRAIN_ROWS}, n_informative=10); ` +
    `rows: uniform(-4, 4), 5% missing (native forests get 0 for missing); node ${process.version}; ` +
    `xgboost ${xgbPy.version}, lightgbm ${lgbPy.version}, one thread each`,
);
console.log(`load average at start ${loadStart.map((l) => l.toFixed(1)).join(' ')}`);

const rows = f64(join(dir, 'rows.f64'));
if (rows.length !== MAX_ROWS * F)
  throw new Error(`rows.f64 has ${rows.length / F} rows; expected ${MAX_ROWS}`);
const xgb = boosted(
  'XGBoost model.json',
  join(dir, 'model.json'),
  rows,
  f64(join(dir, 'xgboost.pred.f64')),
  f64(join(dir, 'xgboost.raw.f64')),
  0,
);
const xgbUbj = loadTimes(join(dir, 'model.ubj'));
const lgb = boosted(
  'LightGBM model.txt',
  join(dir, 'model.txt'),
  rows,
  f64(join(dir, 'lightgbm.pred.f64')),
  f64(join(dir, 'lightgbm.raw.f64')),
  4,
);
const rowsNoNaN = Float64Array.from(rows, (v) => (Number.isNaN(v) ? 0 : v));
const rfDepth = forest(
  'forest, max_depth=6',
  nativeForest({ max_depth: 6 }, 'forest-depth6.json'),
  rowsNoNaN,
);
const rfLeaves = forest(
  'forest, max_leaf_nodes=63',
  nativeForest({ max_leaf_nodes: 63 }, 'forest-leaves63.json'),
  rowsNoNaN,
);

// Each table is printed as soon as its part is done (a full-size run takes a long time).
const single = (s: number) => (s * 1e3).toFixed(1);
printTable(
  `load (ms, min / median; lambda-ml: 5 fresh processes, ${LOADS} repeated loads in one; library: one process)`,
  [
    'model',
    'lambda-ml import',
    'lambda-ml first load',
    'lambda-ml repeated',
    'library import',
    'library first load',
    'library repeated',
  ],
  [
    [
      'XGBoost model.json',
      ms(xgb.side.import),
      ms(xgb.side.freshLoad),
      ms(xgb.side.load),
      single(xgbPy.import),
      single(xgbPy.firstLoad),
      ms(xgbPy.load),
    ],
    ['XGBoost model.ubj', ms(xgbUbj.imp), ms(xgbUbj.fresh), ms(xgbUbj.warm), '-', '-', '-'],
    [
      'LightGBM model.txt',
      ms(lgb.side.import),
      ms(lgb.side.freshLoad),
      ms(lgb.side.load),
      single(lgbPy.import),
      single(lgbPy.firstLoad),
      ms(lgbPy.load),
    ],
    ...[rfDepth, rfLeaves].map((f) => [
      `${f.side.name} (artifact)`,
      ms(f.side.import),
      ms(f.side.freshLoad),
      ms(f.side.load),
      '-',
      '-',
      '-',
    ]),
  ],
);

const predictRows: string[][] = [];
const walkCell = (n: number, b: { walk: Record<number, number[]> }, kernel: number[]) =>
  n === 1 ? '-' : `${rate(n, b.walk[n] ?? [])} (${ratio(b.walk[n] ?? [], kernel)})`;
for (const n of COUNTS) {
  const xs = String(n);
  predictRows.push(
    [
      `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`,
      'XGBoost',
      rate(n, xgb.side.predict[n] ?? []),
      rate(n, xgbPy.predict[xs] ?? []),
      ratio(xgb.side.predict[n] ?? [], xgbPy.predict[xs] ?? []),
      walkCell(n, xgb, xgb.side.predict[n] ?? []),
      `${rfDepth.side.name}: ${rate(n, rfDepth.side.predict[n] ?? [])}`,
    ],
    [
      '',
      'LightGBM',
      rate(n, lgb.side.predict[n] ?? []),
      rate(n, lgbPy.predict[xs] ?? []),
      ratio(lgb.side.predict[n] ?? [], lgbPy.predict[xs] ?? []),
      walkCell(n, lgb, lgb.side.predict[n] ?? []),
      `${rfLeaves.side.name}: ${rate(n, rfLeaves.side.predict[n] ?? [])}`,
    ],
  );
}
printTable(
  `predict (min / median; repeats: 1 row ${REPEATS[1]}, 10,000 rows ${REPEATS[10_000]}, ${MAX_ROWS.toLocaleString('en-US')} rows ${ROUNDS}; ` +
    'lambda-ml batches walk the trees in its WebAssembly kernel, one row in JavaScript)',
  [
    'rows',
    'model',
    'lambda-ml',
    'library Booster.predict',
    'lambda-ml / library (median)',
    'lambda-ml JavaScript walk (walk / kernel)',
    'lambda-ml native forest',
  ],
  predictRows,
);
console.log(
  `answers checked on every timed call: XGBoost outputs bit-identical to Booster.predict (max ${xgb.worst} ulp), ` +
    `margins bit-identical; LightGBM probabilities max ${lgb.worst} ulp from Booster.predict, raw scores bit-identical`,
);

// Cold starts, interleaved so load drift hits every variant alike.
const task = stageImageTask(join(dir, 'task'), join(dir, 'forest-depth6.json'));
const cli = resolve(DIST, 'cli', 'main.js');
const variants = [
  {
    name: 'forest, max_depth=6 (native artifact)',
    path: join(dir, 'forest-depth6.json'),
    p: rfDepth.p,
    row: rowsNoNaN,
  },
  { name: 'XGBoost model.json', path: join(dir, 'model.json'), p: xgb.p, row: rows },
  { name: 'XGBoost model.ubj', path: join(dir, 'model.ubj'), p: xgb.p, row: rows },
  { name: 'LightGBM model.txt', path: join(dir, 'model.txt'), p: lgb.p, row: rows },
];
const requests = await Promise.all(variants.map((v) => firstRequest(v.p, v.row.subarray(0, F))));
const fnCold = variants.map(() => [] as number[]);
const serveCold = variants.map(() => [] as number[]);
for (let run = -1; run < RUNS; run++) {
  for (const [i, v] of variants.entries()) {
    const q = requests[i] as { body: string; answer: string };
    const a = await functionColdStart(task, v.path, q.body, q.answer);
    const b = await launchToFirstAnswer(
      [process.execPath, cli, 'serve', '--port', '0', '--model', v.path],
      q.body,
      q.answer,
    );
    if (run < 0) continue; // warm-up round (page cache)
    fnCold[i]?.push(a);
    serveCold[i]?.push(b);
  }
}

printTable(
  `cold start, spawn -> first correct answer (min / median ms of ${RUNS}, after one warm-up round)`,
  ['model', 'function (image layout, fake Runtime API)', 'lambda-ml serve --model'],
  variants.map((v, i) => [v.name, msMs(fnCold[i] ?? []), msMs(serveCold[i] ?? [])]),
);
console.log(
  `\nload average at end ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(`models and rows in ${dir}`);
