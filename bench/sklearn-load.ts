// Figures for issue 7: load time of the tutorial's modelo.joblib (lambda-ml vs joblib.load, same run)
// and prediction speed of the joblib forest vs the same forest trained natively.
// Figures for issue 11: load time and one-row / 10,000-row predict of a ColumnTransformer + RandomForest
// pipeline and a categorical HistGradientBoostingClassifier (made now by bench/sklearn_bench.py) vs
// joblib.load + predict in Python, fresh processes alternating; lambda-ml's 10,000 labels must equal Python's.
// Run: npm run build && node --import tsx bench/sklearn-load.ts
//   env ROUNDS, LOADS; PARTS=tutorial,models (default both); SKLEARN_PYTHON (scikit-learn >= 1.4 with pandas);
//   BENCH_SKLEARN_DIR (keep the generated models there and reuse them)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createPredictor, serializeArtifact, serializeArtifactBinary } from '../src/model/artifact.js';
import { trainFromConfig } from '../src/model/train.js';
import type { Predictor } from '../src/model/types.js';
import { loadAnyModelFile, readSklearnFile } from '../src/sklearn/load-any.js';
import { sklearnFixtures } from '../test/sklearn-fixtures.js';
import { median } from './launch-common.js';
import { type BenchModel, type BenchModels, benchModels, PY_SCRIPT } from './sklearn-models-common.js';

const LOADS = Number(process.env.LOADS ?? 100);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const PARTS = (process.env.PARTS ?? 'tutorial,models').split(',');
const fx = sklearnFixtures();
const modelo = join(fx.dir, 'modelo.joblib');

/** joblib.load in Python: import cost, first load after import, median of repeated loads, predict_proba per row. */
const PY = `
import json, sys, time
t0 = time.perf_counter(); import joblib, sklearn.ensemble; t1 = time.perf_counter()
path, n = sys.argv[1], int(sys.argv[2])
a = time.perf_counter(); m = joblib.load(path); first = time.perf_counter() - a
ts = []
for _ in range(n):
    a = time.perf_counter(); joblib.load(path); ts.append(time.perf_counter() - a)
ts.sort()
row = [[0.0, 0.0, 0.0, 0.0]]
k = 200
a = time.perf_counter()
for _ in range(k): m.predict_proba(row)
per_row = (time.perf_counter() - a) / k
print(json.dumps({"import_ms": (t1 - t0) * 1e3, "first_ms": first * 1e3, "median_ms": ts[len(ts)//2] * 1e3, "proba_us": per_row * 1e6}))
`;

function python(): { import_ms: number; first_ms: number; median_ms: number; proba_us: number } {
  const r = spawnSync('/usr/bin/python3', ['-c', PY, modelo, String(LOADS)], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** First load in a fresh Node process (module import + JIT-cold parse), from the compiled dist/. */
function nodeColdLoad(path: string): { import_ms: number; first_ms: number } {
  const mod = resolve('dist/sklearn/load-any.js');
  // loadAnyModelFile sends JSON artifacts to loadModelFile, so the same script times both formats.
  const js = `const t0 = performance.now(); const m = await import(${JSON.stringify(mod)}); const t1 = performance.now();
m.loadAnyModelFile(${JSON.stringify(path)}); const t2 = performance.now();
console.log(JSON.stringify({ import_ms: t1 - t0, first_ms: t2 - t1 }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', js], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`node failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function warmLoads(path: string): number {
  for (let i = 0; i < 20; i++) loadAnyModelFile(path);
  const ts: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const t0 = performance.now();
    loadAnyModelFile(path);
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

/** ns per single-row predictProba over a fixed set of rows. */
function predictNs(p: Predictor, rows: number[][]): number {
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (const row of rows) sink += p.predictProba(row)[1] as number;
  const ns = Number(process.hrtime.bigint() - t0) / rows.length;
  if (Number.isNaN(sink)) throw new Error('NaN');
  return ns;
}

function tutorial(): void {
  // Fresh processes, alternating, so both sides see the same machine load; min and median reported.
  const coldRuns: Array<{ import_ms: number; first_ms: number }> = [];
  const jsonRuns: Array<{ import_ms: number; first_ms: number }> = [];
  const pyRuns: Array<ReturnType<typeof python>> = [];
  const jsonPath = join(mkdtempSync(join(tmpdir(), 'lambda-ml-bench-load-')), 'modelo.json');
  writeFileSync(jsonPath, serializeArtifact(readSklearnFile(modelo)));
  for (let i = 0; i < ROUNDS; i++) {
    coldRuns.push(nodeColdLoad(modelo));
    jsonRuns.push(nodeColdLoad(jsonPath));
    pyRuns.push(python());
  }
  const warm = warmLoads(modelo);
  const stat = (v: number[]) =>
    `${Math.min(...v)
      .toFixed(2)
      .padStart(6)} / ${median(v).toFixed(2).padStart(6)} ms`;

  const config = JSON.parse(readFileSync('config/default-training.json', 'utf8'));
  const native = createPredictor(trainFromConfig(config));
  const fromJoblib = loadAnyModelFile(modelo);
  const rows = Array.from({ length: 20_000 }, (_, i) => [
    Math.sin(i),
    Math.cos(i * 0.7),
    (i % 13) / 3 - 2,
    (i % 7) - 3,
  ]);
  const nat: number[] = [];
  const job: number[] = [];
  for (let r = 0; r < ROUNDS + 1; r++) {
    // Alternate so both see the same machine load; the first round is warm-up.
    const a = predictNs(native, rows);
    const b = predictNs(fromJoblib, rows);
    if (r > 0) {
      nat.push(a);
      job.push(b);
    }
  }

  console.log(
    `modelo.joblib (${readFileSync(modelo).length} bytes, RandomForestClassifier, 100 trees), ${ROUNDS} fresh processes each`,
  );
  console.log('load time (min / median)                     lambda-ml                joblib.load (same run)');
  console.log(
    `  first load in a fresh process            ${stat(coldRuns.map((c) => c.first_ms))}       ${stat(pyRuns.map((p) => p.first_ms))}`,
  );
  console.log(`  same model as a native artifact (JSON)   ${stat(jsonRuns.map((c) => c.first_ms))}`);
  console.log(
    `  repeated load, median of ${LOADS} in one process ${warm.toFixed(2).padStart(6)} ms              ${stat(pyRuns.map((p) => p.median_ms))}`,
  );
  console.log(
    `  module import before the first load      ${stat(coldRuns.map((c) => c.import_ms))}       ${stat(pyRuns.map((p) => p.import_ms))} (import joblib, sklearn.ensemble)`,
  );
  console.log('prediction, one row predict_proba (median of rounds)');
  console.log(`  forest trained natively                  ${(median(nat) / 1000).toFixed(2).padStart(7)} us`);
  console.log(`  forest read from modelo.joblib           ${(median(job) / 1000).toFixed(2).padStart(7)} us`);
  console.log(
    `  scikit-learn predict_proba (same run)    ${median(pyRuns.map((p) => p.proba_us))
      .toFixed(2)
      .padStart(7)} us`,
  );
}

/** One fresh Node process, the same steps as the Python side: import, first load, LOADS more, handler predicts. */
const NODE_MODEL_RUN = `
import { readFileSync, writeFileSync } from 'node:fs';
const [, path, rowsPath, loads, out, loadAny, predict] = process.argv;
const t0 = performance.now();
const { loadAnyModelFile } = await import(loadAny);
const { createPredictionHandler } = await import(predict);
const t1 = performance.now();
const model = loadAnyModelFile(path);
const first = performance.now() - t1;
const ts = [];
for (let i = 0; i < Number(loads); i++) {
  const a = performance.now();
  loadAnyModelFile(path);
  ts.push(performance.now() - a);
}
const handle = createPredictionHandler(model);
const rows = JSON.parse(readFileSync(rowsPath, 'utf8')).rows;
const one = { data: rows[0] };
await handle(one);
const singles = [];
for (let i = 0; i < 300; i++) {
  const a = performance.now();
  await handle(one);
  singles.push(performance.now() - a);
}
const batches = [];
let answer;
for (let i = 0; i < 5; i++) {
  const a = performance.now();
  answer = await handle({ data: rows });
  batches.push(performance.now() - a);
}
if (answer.statusCode !== 200) throw new Error(JSON.stringify(answer.body));
writeFileSync(out, JSON.stringify(answer.body));
const med = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
console.log(JSON.stringify({ import_ms: t1 - t0, first_ms: first, load_median_ms: med(ts),
  one_row_us: med(singles) * 1e3, one_row_min_us: Math.min(...singles) * 1e3,
  rows10k_ms: med(batches), rows10k_min_ms: Math.min(...batches) }));
`;

interface ModelRun {
  import_ms: number;
  first_ms: number;
  load_median_ms: number;
  one_row_us: number;
  one_row_min_us: number;
  rows10k_ms: number;
  rows10k_min_ms: number;
}

function runChild(argv: string[], what: string, env?: NodeJS.ProcessEnv): ModelRun {
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', timeout: 900_000, env });
  if (r.status !== 0) throw new Error(`${what} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

function sameLabels(a: string, b: string, what: string): number {
  const x = JSON.parse(readFileSync(a, 'utf8')) as unknown[];
  const y = JSON.parse(readFileSync(b, 'utf8')) as unknown[];
  const differ = x.filter((v, i) => v !== y[i]).length;
  if (x.length !== y.length || differ > 0)
    throw new Error(`${what}: ${differ} of ${x.length} labels differ from scikit-learn's`);
  return x.length;
}

function modelFigures(bm: BenchModels, m: BenchModel, rounds: number, loads: number): void {
  const artifact = readSklearnFile(m.path);
  const jsonPath = join(bm.dir, `${m.name}.json`);
  writeFileSync(jsonPath, serializeArtifact(artifact));
  const binaryPath = join(bm.dir, `${m.name}.lmlb`);
  writeFileSync(binaryPath, serializeArtifactBinary(artifact));
  const binary: Array<{ first_ms: number }> = [];
  const ours: ModelRun[] = [];
  const theirs: ModelRun[] = [];
  const converted: Array<{ first_ms: number }> = [];
  const nodeOut = join(bm.dir, `${m.name}.node-labels.json`);
  const pyOut = join(bm.dir, `${m.name}.py-labels.json`);
  let checked = 0;
  // scikit-learn single-threaded (OMP_NUM_THREADS=1), as lambda-ml is: HistGradientBoosting's OpenMP threads
  // only fight each other on this loaded 2-core machine, and a small Lambda function has one vCPU.
  const pyEnv = { ...process.env, OMP_NUM_THREADS: '1' };
  for (let i = 0; i < rounds; i++) {
    ours.push(
      runChild(
        [
          process.execPath,
          '--input-type=module',
          '-e',
          NODE_MODEL_RUN,
          m.path,
          bm.rowsPath,
          String(loads),
          nodeOut,
          resolve('dist/sklearn/load-any.js'),
          resolve('dist/function/predict.js'),
        ],
        `node ${m.name}`,
      ),
    );
    theirs.push(
      runChild(
        [bm.python, PY_SCRIPT, 'time', m.path, bm.rowsPath, String(loads), pyOut],
        `python ${m.name}`,
        pyEnv,
      ),
    );
    converted.push(nodeColdLoad(jsonPath));
    binary.push(nodeColdLoad(binaryPath));
    checked = sameLabels(nodeOut, pyOut, m.name);
  }
  const mm = (v: number[], digits = 1) =>
    `${Math.min(...v).toFixed(digits)} / ${median(v).toFixed(digits)}`.padStart(20);
  const row = (label: string, a: string, b: string) => console.log(`  ${label.padEnd(44)}${a}   ${b}`);
  console.log(`\n${m.name}.joblib (${statSync(m.path).size.toLocaleString('en')} bytes): ${m.what}`);
  console.log(
    `  saved by scikit-learn ${bm.sklearn}; ${rounds} fresh processes each, alternating; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  row('(min / median)', '           lambda-ml', `  scikit-learn ${bm.sklearn} (same run)`);
  row(
    'first load in a fresh process, ms',
    mm(ours.map((r) => r.first_ms)),
    mm(theirs.map((r) => r.first_ms)),
  );
  row(
    `repeated load (median of ${loads} per process), ms`,
    mm(ours.map((r) => r.load_median_ms)),
    mm(theirs.map((r) => r.load_median_ms)),
  );
  row('converted JSON artifact, first load, ms', mm(converted.map((r) => r.first_ms)), '');
  row('converted binary artifact (.lmlb), first load, ms', mm(binary.map((r) => r.first_ms)), '');
  row(
    'module import before the first load, ms',
    mm(ours.map((r) => r.import_ms)),
    `${mm(theirs.map((r) => r.import_ms))} (joblib, pandas, sklearn)`,
  );
  row(
    'one-row predict (median of 300 per process), µs',
    mm(ours.map((r) => r.one_row_us)),
    mm(theirs.map((r) => r.one_row_us)),
  );
  row(
    '10,000-row predict (median of 5 per process), ms',
    mm(ours.map((r) => r.rows10k_ms)),
    mm(theirs.map((r) => r.rows10k_ms)),
  );
  console.log(
    `  lambda-ml: {"data": ...} objects by name through the prediction handler; scikit-learn: model.predict on a prebuilt DataFrame\n  labels of the ${checked.toLocaleString('en')} rows: equal to scikit-learn's in every round`,
  );
}

if (PARTS.includes('tutorial')) tutorial();
if (PARTS.includes('models')) {
  const bm = benchModels();
  if (bm !== null) {
    try {
      const loads = Number(process.env.MODEL_LOADS ?? 10);
      for (const m of bm.models) modelFigures(bm, m, ROUNDS, loads);
    } finally {
      bm.cleanup();
    }
  }
}
