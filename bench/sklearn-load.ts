// Figures for issue 7: load time of the tutorial's modelo.joblib (lambda-ml vs joblib.load, same run)
// and prediction speed of the joblib forest vs the same forest trained natively.
// Run: npm run build && node --import tsx bench/sklearn-load.ts   (env ROUNDS, LOADS)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createPredictor, serializeArtifact } from '../src/model/artifact.js';
import { trainFromConfig } from '../src/model/train.js';
import type { Predictor } from '../src/model/types.js';
import { loadAnyModelFile, readSklearnFile } from '../src/sklearn/load-any.js';
import { sklearnFixtures } from '../test/sklearn-fixtures.js';
import { median } from './launch-common.js';

const LOADS = Number(process.env.LOADS ?? 100);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
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
