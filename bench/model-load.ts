// Issue 15, goal 1: the cold load of the big forest (RandomForestClassifier(n_estimators=100,
// random_state=0) on make_classification(n_samples=100000, n_features=20, random_state=0)) from lambda-ml's
// binary artifact (.lmlb) against joblib.load of the same scikit-learn model, each in fresh processes,
// interleaved (the order alternates every round) so drift in the machine's load hits both sides alike.
//   lambda-ml: a fresh `node` imports dist/model/load.js (untimed), then times loadModelFile (file to a
//              predictor ready to answer) and that plus the first one-row answer.
//   scikit-learn: a fresh /usr/bin/python3 imports joblib and sklearn.ensemble (untimed), then times
//              joblib.load and that plus the first one-row predict_proba.
// A second load in the same process (the allocator's pages already mapped: what a warm process pays) and
// whole processes (spawn to exit, imports and the 256-row check included) are timed too. Both sides also compute
// predict_proba on the same 256 rows: the sha256 of the float64 probabilities must be equal.
// The model is fitted once by scikit-learn 1.2.1 (about 1.5 min) and converted to .lmlb with lambda-ml's
// reader; BENCH_LOAD_DIR keeps both files there and reuses them.
// Run: npm run build && node --import tsx bench/model-load.ts   (env RUNS, default 15; BENCH_LOAD_DIR)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serializeArtifactBinary } from '../src/model/artifact.js';
import { readSklearnFile } from '../src/readers/load-any.js';

const RUNS = Number(process.env.RUNS ?? 15);
const keep = process.env.BENCH_LOAD_DIR;
const dir = keep ?? mkdtempSync(join(tmpdir(), 'lambda-ml-load-'));
mkdirSync(dir, { recursive: true });
const joblibPath = join(dir, 'forest.joblib');
const lmlbPath = join(dir, 'forest.lmlb');
const PYTHON = '/usr/bin/python3';

/** The 256 rows both sides predict, the same float64 values on both sides. */
const ROWS = 'rows = [[((i * 37 + j * 11) % 101) / 25.0 - 2.0 for j in range(20)] for i in range(256)]';
const rowsJs = Array.from({ length: 256 }, (_, i) =>
  Array.from({ length: 20 }, (_, j) => ((i * 37 + j * 11) % 101) / 25.0 - 2.0),
);

if (!existsSync(joblibPath)) {
  console.log(`fitting the forest with scikit-learn into ${joblibPath} (about 1.5 min)...`);
  const fit = spawnSync(
    PYTHON,
    [
      '-c',
      `import joblib, sys
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
X, y = make_classification(n_samples=100000, n_features=20, random_state=0)
joblib.dump(RandomForestClassifier(n_estimators=100, random_state=0).fit(X, y), sys.argv[1])`,
      joblibPath,
    ],
    { stdio: 'inherit' },
  );
  if (fit.status !== 0) throw new Error('the scikit-learn fit failed');
}
if (!existsSync(lmlbPath) || statSync(lmlbPath).mtimeMs < statSync(joblibPath).mtimeMs) {
  writeFileSync(lmlbPath, serializeArtifactBinary(readSklearnFile(joblibPath)));
}

const PY = `
import hashlib, json, sys, time
t0 = time.perf_counter()
import joblib, numpy as np, sklearn.ensemble
t1 = time.perf_counter()
m = joblib.load(sys.argv[1])
t2 = time.perf_counter()
m.predict_proba(np.zeros((1, 20)))
t3 = time.perf_counter()
joblib.load(sys.argv[1])
t4 = time.perf_counter()
${ROWS}
sha = hashlib.sha256(np.ascontiguousarray(m.predict_proba(np.array(rows)), dtype="<f8").tobytes()).hexdigest()
print(json.dumps({"load": (t2 - t1) * 1e3, "answer": (t3 - t1) * 1e3, "again": (t4 - t3) * 1e3, "imports": (t1 - t0) * 1e3, "sha": sha}))
`;

const loadModule = resolve('dist/model/load.js');
const JS = `
const t0 = performance.now();
const { loadModelFile } = await import(${JSON.stringify(loadModule)});
const { createHash } = await import('node:crypto');
const t1 = performance.now();
const p = loadModelFile(process.argv[1]);
const t2 = performance.now();
p.predictProba(new Array(20).fill(0));
const t3 = performance.now();
loadModelFile(process.argv[1]);
const t4 = performance.now();
const rows = ${JSON.stringify(rowsJs)};
const out = new Float64Array(rows.flatMap((r) => Array.from(p.predictProba(r))));
const sha = createHash('sha256').update(new Uint8Array(out.buffer)).digest('hex');
console.log(JSON.stringify({ load: t2 - t1, answer: t3 - t1, again: t4 - t3, imports: t1 - t0, sha, engine: p.engine }));
`;

interface Sample {
  load: number;
  answer: number;
  again: number;
  imports: number;
  sha: string;
  process: number;
}

function run(cmd: string, args: string[]): Sample {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000 });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return { ...(JSON.parse(r.stdout) as Omit<Sample, 'process'>), process: wall };
}

const node = (): Sample => run(process.execPath, ['--input-type=module', '-e', JS, lmlbPath]);
const python = (): Sample => run(PYTHON, ['-c', PY, joblibPath]);

if (!existsSync(loadModule)) throw new Error(`${loadModule} is missing: run npm run build first`);
const loadBefore = loadavg();
const ours: Sample[] = [];
const theirs: Sample[] = [];
// One warm-up round (page cache, python's .pyc), then RUNS rounds in alternating order.
for (let r = -1; r < RUNS; r++) {
  const pair = r % 2 === 0 ? [node(), python()] : [python(), node()].reverse();
  if (r < 0) continue;
  ours.push(pair[0] as Sample);
  theirs.push(pair[1] as Sample);
}
const loadAfter = loadavg();

const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
const min = (xs: number[]): number => sorted(xs)[0] as number;
const med = (xs: number[]): number => {
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const f = (x: number): string => x.toFixed(1);
const mb = (p: string): string => `${(statSync(p).size / 1e6).toFixed(1)} MB`;

const rows: [string, (s: Sample) => number][] = [
  ['load: file -> predictor (ms)', (s) => s.load],
  ['load + first one-row answer (ms)', (s) => s.answer],
  ['a second load in the same process (ms)', (s) => s.again],
  ['whole process: spawn -> exit, all of the above (ms)', (s) => s.process],
  ['  of which imports (ms, untimed above)', (s) => s.imports],
];
console.log(
  `\ncold load of the 100-tree 100,000 x 20 forest, ${RUNS} fresh processes each side, interleaved (node ${process.version})`,
);
console.log(
  `lambda-ml: ${lmlbPath} (${mb(lmlbPath)}); scikit-learn 1.2.1: ${joblibPath} (${mb(joblibPath)})`,
);
const w = 54;
console.log(
  `${'figure'.padEnd(w)}${'lambda-ml min / median'.padEnd(26)}${'joblib min / median'.padEnd(24)}ratio (joblib / lambda-ml)`,
);
for (const [name, get] of rows) {
  const a = ours.map(get);
  const b = theirs.map(get);
  console.log(
    `${name.padEnd(w)}${`${f(min(a))} / ${f(med(a))}`.padEnd(26)}${`${f(min(b))} / ${f(med(b))}`.padEnd(24)}` +
      `${(min(b) / min(a)).toFixed(2)}x min, ${(med(b) / med(a)).toFixed(2)}x median`,
  );
}
const shaOurs = new Set(ours.map((s) => s.sha));
const shaTheirs = new Set(theirs.map((s) => s.sha));
const same = shaOurs.size === 1 && shaTheirs.size === 1 && [...shaOurs][0] === [...shaTheirs][0];
console.log(
  `predict_proba of 256 rows: sha256 ${[...shaOurs].join(',').slice(0, 16)} vs ${[...shaTheirs].join(',').slice(0, 16)}: ${same ? 'bit-identical' : 'DIFFERENT'}`,
);
console.log(
  `load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(1)).join(' ')} after (1/5/15 min)`,
);
if (keep === undefined) rmSync(dir, { recursive: true, force: true });
if (!same) process.exitCode = 1;
