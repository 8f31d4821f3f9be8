// Figures 2, 3 and 5 of issue 3: fit of 100 trees (unlimited depth) on make_classification
// 100,000 x 20, predict_proba on 1,000,000 rows with that forest, and the forest's artifact size and
// load time, each next to scikit-learn 1.2.1 (n_jobs=1) measured in the same run. Ratios use CPU
// time (a busy shared machine inflates wall time unevenly); wall times are printed too.
// Issue 15's train figures too: a RandomForestRegressor (BENCH_REG_TREES trees, default 20, 0 = skip) on
// the same X with y = 3*x0 - 2*x1 + x2*x3, one thread and n_jobs=2 on both sides, every tree checked
// bit-identical (sha256 of the node arrays); and the binary artifact's load next to joblib.load.
// Run: npm run build && node --import tsx bench/model-forest.ts   (BENCH_SAMPLES / BENCH_TREES scale it down)
import { createHash } from 'node:crypto';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeArtifact, serializeArtifactBinary } from '../src/model/artifact.js';
import { loadDataset } from '../src/model/dataset.js';
import { fitEstimator } from '../src/model/estimator.js';
import { loadModelFile } from '../src/model/load.js';
import type * as ParallelFit from '../src/model/parallel-fit.js';
import type * as Parallel from '../src/model/parallel-predict.js';
import { parseModelSection } from '../src/model/params.js';
import { artifactOf } from '../src/model/train.js';
import type { TreeEnsemblePredictor } from '../src/model/tree-ensemble.js';
import type { FlatTree } from '../src/model/types.js';
import { ms, printTable, sklearnBaseline, timed } from './model-sklearn.js';

const nSamples = Number(process.env.BENCH_SAMPLES ?? 100_000);
const nTrees = Number(process.env.BENCH_TREES ?? 100);
const regTrees = Number(process.env.BENCH_REG_TREES ?? 20);
const tile = 10;
const mc = { n_samples: nSamples, n_features: 20, random_state: 0 };
const model = { RandomForestClassifier: { n_estimators: nTrees, random_state: 0 } };

const data = loadDataset({ make_classification: mc }, '.');
const fit = timed(() => fitEstimator(parseModelSection(model), data));
const nodes = fit.value.trees.reduce((s, tree) => s + tree.nodeCount, 0);
const artifact = artifactOf(
  { dataset: { make_classification: mc }, model },
  'RandomForestClassifier',
  data,
  fit.value,
);

const path = join(tmpdir(), `lambda-ml-forest-${process.pid}.json`);
writeFileSync(path, serializeArtifact(artifact));
const size = statSync(path).size;
const load = timed(() => loadModelFile(path) as TreeEnsemblePredictor);
const predictor = load.value;
const binPath = join(tmpdir(), `lambda-ml-forest-${process.pid}.lmlb`);
writeFileSync(binPath, serializeArtifactBinary(artifact));
const binSize = statSync(binPath).size;
const binLoads = Array.from({ length: 5 }, () => timed(() => loadModelFile(binPath)).wall).sort(
  (a, b) => a - b,
);
rmSync(binPath, { force: true });

const rows = new Float64Array(data.X.length * tile);
for (let k = 0; k < tile; k++) rows.set(data.X, k * data.X.length);
const nRows = data.nRows * tile;
const predict = timed(() => predictor.predictProbaBatch(rows, nRows));
const probaSha = createHash('sha256').update(new Uint8Array(predict.value.buffer)).digest('hex');

// The worker-thread predictor runs from dist/ (npm run build); one thread per core.
const parallelModule = new URL('../dist/model/parallel-predict.js', import.meta.url);
let parallel: { wall: number; threads: number; same: boolean } | null = null;
if (existsSync(parallelModule)) {
  const { createParallelPredictor } = (await import(parallelModule.href)) as typeof Parallel;
  const pp = createParallelPredictor({
    kind: 'RandomForestClassifier',
    task: 'classification',
    nFeatures: 20,
    classes: artifact.classes,
    trees: fit.value.trees,
    aggregation: 'mean',
  });
  await pp.predictBatch(rows.subarray(0, 20 * 4096), 4096);
  const t0 = performance.now();
  const out = await pp.predictBatch(rows, nRows);
  const wall = (performance.now() - t0) / 1000;
  const same = createHash('sha256').update(new Uint8Array(out.buffer)).digest('hex') === probaSha;
  parallel = { wall, threads: pp.threads, same };
  await pp.close();
}

/** sha256 of every tree's children, features (int32) and thresholds, values (float64), as the Python side. */
function treesSha(trees: readonly FlatTree[]): string {
  const h = createHash('sha256');
  for (const t of trees) {
    for (const a of [t.childrenLeft, t.childrenRight, t.feature])
      h.update(new Uint8Array(Int32Array.from(a as ArrayLike<number>).buffer));
    for (const a of [t.threshold, t.value])
      h.update(new Uint8Array(Float64Array.from(a as ArrayLike<number>).buffer));
  }
  return h.digest('hex');
}

// Regression forest fit: one thread, then n_jobs=2 on worker threads (from dist/).
let reg: { one: { wall: number; cpu: number }; two: number | null; sha: string; twoSame: boolean } | null =
  null;
if (regTrees > 0) {
  const yReg = Array.from({ length: data.nRows }, (_, i) => {
    const r = i * 20;
    const x = data.X;
    return 3 * (x[r] as number) - 2 * (x[r + 1] as number) + (x[r + 2] as number) * (x[r + 3] as number);
  });
  const regData = { ...data, y: yReg };
  const regParams = parseModelSection({ RandomForestRegressor: { n_estimators: regTrees, random_state: 0 } });
  const one = timed(() => fitEstimator(regParams, regData));
  const sha = treesSha(one.value.trees);
  let two: number | null = null;
  let twoSame = false;
  const fitModule = new URL('../dist/model/parallel-fit.js', import.meta.url);
  if (existsSync(fitModule)) {
    const { fitEstimatorParallel } = (await import(fitModule.href)) as typeof ParallelFit;
    const t0 = performance.now();
    const m = await fitEstimatorParallel(regParams, regData, 2);
    two = (performance.now() - t0) / 1000;
    twoSame = treesSha(m.trees) === sha;
  }
  reg = { one: { wall: one.wall, cpu: one.cpu }, two, sha, twoSame };
}

const jobPath = join(tmpdir(), `lambda-ml-forest-${process.pid}.joblib`);
const sk = sklearnBaseline({
  dataset: mc,
  model,
  fitRepeats: 1,
  predictTile: tile,
  joblibPath: jobPath,
  ...(regTrees > 0 ? { regression: { trees: regTrees, nJobs: [1, 2] } } : {}),
});
rmSync(path, { force: true });
rmSync(jobPath, { force: true });

const mrows = (s: number): string => `${(nRows / s / 1e6).toFixed(2)} M rows/s`;
const skPredictCpu = sk.predictProbaCpu ?? 1;
printTable([
  [
    `2. fit ${nTrees} trees on ${nSamples} x 20 (CPU)`,
    ms(fit.cpu),
    ms(sk.fitCpu),
    `${(fit.cpu / sk.fitCpu).toFixed(2)}x sklearn's time`,
  ],
  ['   (wall)', ms(fit.wall), ms(sk.fit), `${(fit.wall / sk.fit).toFixed(2)}x`],
  ['   nodes (same model?)', String(nodes), String(sk.nodes), nodes === sk.nodes ? 'equal' : 'DIFFERENT'],
  [
    `3. predict_proba ${nRows} rows (CPU)`,
    mrows(predict.cpu),
    mrows(skPredictCpu),
    `${(skPredictCpu / predict.cpu).toFixed(2)}x sklearn's throughput`,
  ],
  [
    '   (wall)',
    mrows(predict.wall),
    mrows(sk.predictProba ?? 1),
    `${((sk.predictProba ?? 0) / predict.wall).toFixed(2)}x`,
  ],
  ...(parallel
    ? [
        [
          `   ${parallel.threads} threads (wall${parallel.same ? ', same bytes' : ', DIFFERENT'})`,
          mrows(parallel.wall),
          mrows(sk.predictProba ?? 1),
          `${((sk.predictProba ?? 0) / parallel.wall).toFixed(2)}x`,
        ] as [string, string, string, string],
      ]
    : []),
  [
    '   sha256 of all probabilities',
    probaSha.slice(0, 16),
    (sk.probaSha256 ?? '').slice(0, 16),
    probaSha === sk.probaSha256 ? 'bit-identical' : 'DIFFERENT',
  ],
  [
    '5. artifact size',
    `${(size / 1e6).toFixed(1)} MB`,
    `${((sk.joblibBytes ?? 0) / 1e6).toFixed(1)} MB (joblib)`,
    `${(size / (sk.joblibBytes ?? 1)).toFixed(2)}x`,
  ],
  [
    '5. load time (cold, wall)',
    ms(load.wall),
    ms(sk.joblibLoad ?? 0),
    `${(load.wall / (sk.joblibLoad ?? 1)).toFixed(2)}x sklearn's time`,
  ],
  [
    `   binary artifact (${(binSize / 1e6).toFixed(1)} MB), min / median of 5`,
    `${ms(binLoads[0] as number)} / ${ms(binLoads[2] as number)}`,
    `${ms(sk.joblibLoad ?? 0)} (min of 5)`,
    `${((sk.joblibLoad ?? 0) / (binLoads[0] as number)).toFixed(2)}x faster (min vs min)`,
  ],
  ...(reg && sk.regressionFit
    ? ([
        [
          `train: ${regTrees}-tree RandomForestRegressor, 1 thread (CPU)`,
          ms(reg.one.cpu),
          ms(sk.regressionFit[0]?.cpu ?? 0),
          `${((sk.regressionFit[0]?.cpu ?? 0) / reg.one.cpu).toFixed(2)}x sklearn's speed`,
        ],
        [
          '   (wall)',
          ms(reg.one.wall),
          ms(sk.regressionFit[0]?.wall ?? 0),
          `${((sk.regressionFit[0]?.wall ?? 0) / reg.one.wall).toFixed(2)}x`,
        ],
        [
          `   n_jobs=2 (wall${reg.twoSame ? ', same trees' : ', DIFFERENT'})`,
          reg.two === null ? 'no dist/' : ms(reg.two),
          ms(sk.regressionFit[1]?.wall ?? 0),
          reg.two === null
            ? ''
            : `${(reg.one.wall / reg.two).toFixed(2)}x our 1 thread; sklearn ${((sk.regressionFit[0]?.wall ?? 0) / (sk.regressionFit[1]?.wall ?? 1)).toFixed(2)}x its own`,
        ],
        [
          '   sha256 of all trees',
          reg.sha.slice(0, 16),
          (sk.regressionSha256 ?? '').slice(0, 16),
          reg.sha === sk.regressionSha256 ? 'bit-identical' : 'DIFFERENT',
        ],
      ] as [string, string, string, string][])
    : []),
]);
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (1/5/15 min) at the end of the run`,
);
