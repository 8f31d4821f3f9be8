// Figures 1, 4 and 5 of issue 3 for the tutorial forest (config/default-training.json): fit time,
// one-row prediction latency, artifact size and load time, each next to scikit-learn's in this run.
// Run: node --import tsx bench/model-tutorial.ts
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeArtifact } from '../src/model/artifact.js';
import { loadModelFile } from '../src/model/load.js';
import { trainFromConfig } from '../src/model/train.js';
import { ms, printTable, sklearnBaseline, us } from './model-sklearn.js';

const config = JSON.parse(readFileSync(new URL('../config/default-training.json', import.meta.url), 'utf8'));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

// 1. fit (the dataset is generated outside the timed part, as in the Python baseline)
const { loadDataset } = await import('../src/model/dataset.js');
const { fitEstimator } = await import('../src/model/estimator.js');
const { parseModelSection } = await import('../src/model/params.js');
const data = loadDataset(config.dataset, '.');
const params = parseModelSection(config.model);
let t = performance.now();
fitEstimator(params, data);
const coldFit = (performance.now() - t) / 1000;
const fits: number[] = [];
for (let i = 0; i < 20; i++) {
  t = performance.now();
  fitEstimator(params, data);
  fits.push((performance.now() - t) / 1000);
}

// 5. artifact size and load time
const path = join(tmpdir(), `lambda-ml-bench-${process.pid}.json`);
writeFileSync(path, serializeArtifact(trainFromConfig(config)));
const size = statSync(path).size;
const loads: number[] = [];
let predictor = loadModelFile(path);
for (let i = 0; i < 20; i++) {
  t = performance.now();
  predictor = loadModelFile(path);
  loads.push((performance.now() - t) / 1000);
}

// 4. one-row prediction (predict_proba of one validated row): best of 5 runs of 40,000 calls
const row = Array.from(data.X.subarray(0, 4));
const calls = 40_000;
let sink = 0;
let oneRow = Number.POSITIVE_INFINITY;
for (let run = 0; run < 6; run++) {
  t = performance.now();
  for (let i = 0; i < calls; i++) sink += predictor.predictProba(row)[1] as number;
  if (run > 0) oneRow = Math.min(oneRow, (performance.now() - t) / 1000 / calls);
}

const jobPath = join(tmpdir(), `lambda-ml-bench-${process.pid}.joblib`);
const sk = sklearnBaseline({
  dataset: config.dataset.make_classification,
  model: config.model,
  fitRepeats: 10,
  oneRowCalls: 2000,
  joblibPath: jobPath,
});
rmSync(path, { force: true });
rmSync(jobPath, { force: true });

const ratio = (a: number, b: number): string => `${(a / b).toPrecision(2)}x sklearn's time`;
printTable([
  ['1. fit tutorial forest (median of 20)', ms(median(fits)), ms(sk.fit), ratio(median(fits), sk.fit)],
  [
    '   fastest of 20 (sklearn: fastest of 10)',
    ms(Math.min(...fits)),
    ms(sk.fit),
    ratio(Math.min(...fits), sk.fit),
  ],
  ['   first fit (cold JIT)', ms(coldFit), '', ''],
  ['4. one-row predict_proba', us(oneRow), us(sk.oneRow ?? 0), ratio(oneRow, sk.oneRow ?? 1)],
  [
    '5. artifact size',
    `${size} B`,
    `${sk.joblibBytes} B (joblib)`,
    `${(size / (sk.joblibBytes ?? 1)).toFixed(2)}x`,
  ],
  [
    '5. load time (loadModelFile vs joblib.load)',
    ms(median(loads)),
    ms(sk.joblibLoad ?? 0),
    ratio(median(loads), sk.joblibLoad ?? 1),
  ],
]);
if (sink === 0) console.log('(no predictions)');
