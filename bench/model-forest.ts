// Figures 2, 3 and 5 of issue 3: fit of 100 trees (unlimited depth) on make_classification
// 100,000 x 20, predict_proba on 1,000,000 rows with that forest, and the forest's artifact size and
// load time, each next to scikit-learn 1.2.1 (n_jobs=1) measured in the same run. Ratios use CPU
// time (a busy shared machine inflates wall time unevenly); wall times are printed too.
// Run: npm run build && node --import tsx bench/model-forest.ts   (BENCH_SAMPLES / BENCH_TREES scale it down)
import { createHash } from 'node:crypto';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeArtifact } from '../src/model/artifact.js';
import { loadDataset } from '../src/model/dataset.js';
import { fitEstimator } from '../src/model/estimator.js';
import { loadModelFile } from '../src/model/load.js';
import type * as Parallel from '../src/model/parallel-predict.js';
import { parseModelSection } from '../src/model/params.js';
import { artifactOf } from '../src/model/train.js';
import type { TreeEnsemblePredictor } from '../src/model/tree-ensemble.js';
import { ms, printTable, sklearnBaseline, timed } from './model-sklearn.js';

const nSamples = Number(process.env.BENCH_SAMPLES ?? 100_000);
const nTrees = Number(process.env.BENCH_TREES ?? 100);
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

const jobPath = join(tmpdir(), `lambda-ml-forest-${process.pid}.joblib`);
const sk = sklearnBaseline({ dataset: mc, model, fitRepeats: 1, predictTile: tile, joblibPath: jobPath });
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
]);
