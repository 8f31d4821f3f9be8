// Cold start to the first answer of `lambda-ml serve` (emulator, runtime client and the built-in prediction
// handler, as the function image runs them), median of RUNS alternating launches:
// - the tutorial's modelo.joblib vs the same model as a native JSON artifact (converted in this run);
// - issue 11's models (bench/sklearn-models-common.ts: a ColumnTransformer + RandomForest pipeline and a
//   categorical HistGradientBoostingClassifier, made now by scikit-learn), .joblib vs converted JSON, asked for
//   one row by name; same-run baseline: a Python process that imports scikit-learn, joblib.loads the file and
//   predicts that row (the least a Python function's cold start does).
// Run: npm run build && node --import tsx bench/sklearn-cold-start.ts
//   env RUNS; PARTS=tutorial,models (default both); SKLEARN_PYTHON; BENCH_SKLEARN_DIR (reuse made models)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createPredictionHandler } from '../src/function/predict.js';
import { serializeArtifact, serializeArtifactBinary } from '../src/model/artifact.js';
import { loadAnyModelFile, readSklearnFile } from '../src/sklearn/load-any.js';
import { sklearnFixtures } from '../test/sklearn-fixtures.js';
import { launchToFirstAnswer, median } from './launch-common.js';
import { benchModels, PY_SCRIPT } from './sklearn-models-common.js';

const RUNS = Number(process.env.RUNS ?? 7);
const PARTS = (process.env.PARTS ?? 'tutorial,models').split(',');
const cli = resolve('dist/cli/main.js');
const fx = sklearnFixtures();
const joblibPath = join(fx.dir, 'modelo.joblib');
const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-bench-sk-'));

/** `lambda-ml serve` with these flags, from spawn to the answer (the tutorial's unless told). */
const serve = (args: string[], body?: string, answer?: string) =>
  launchToFirstAnswer([process.execPath, cli, 'serve', '--port', '0', ...args], body, answer);

const minMed = (v: number[]) =>
  `${Math.min(...v)
    .toFixed(1)
    .padStart(7)} / ${median(v).toFixed(1).padStart(7)} ms`;

async function tutorial(): Promise<void> {
  const jsonPath = join(dir, 'modelo.json');
  writeFileSync(jsonPath, serializeArtifact(readSklearnFile(joblibPath)));
  const jsonArgs = ['--model', jsonPath];
  const joblibArgs = ['--model', joblibPath];
  const json: number[] = [];
  const job: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const [args, out] of [
      [jsonArgs, json],
      [joblibArgs, job],
    ] as const) {
      out.push(await serve(args));
    }
  }
  console.log(`serve -> first answer to {"data":[0,0,0,0]}, median of ${RUNS} launches each`);
  console.log(`  native artifact (modelo.json)     ${median(json).toFixed(1).padStart(7)} ms`);
  console.log(`  modelo.joblib                     ${median(job).toFixed(1).padStart(7)} ms`);
  console.log(
    `  difference                        ${(median(job) - median(json)).toFixed(1).padStart(7)} ms`,
  );
}

/** Milliseconds from spawning `argv` to its exit with `expected` on stdout. */
function processToAnswer(argv: readonly string[], expected: string): Promise<number> {
  const started = performance.now();
  const child = spawn(argv[0] as string, argv.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  return new Promise((done, fail) => {
    child.once('exit', (code) => {
      const ms = performance.now() - started;
      if (code !== 0 || out.trim() !== expected)
        fail(
          new Error(
            `${argv.join(' ')}: exit ${code}, answer '${out.trim()}', expected '${expected}'\n${err}`,
          ),
        );
      else done(ms);
    });
  });
}

async function models(): Promise<void> {
  const bm = benchModels();
  if (bm === null) return;
  try {
    const row0 = join(dir, 'row0.json');
    writeFileSync(row0, JSON.stringify({ rows: [bm.rows[0]] }));
    const body = JSON.stringify({ data: bm.rows[0] });
    for (const m of bm.models) {
      const artifact = readSklearnFile(m.path);
      const jsonPath = join(dir, `${m.name}.json`);
      writeFileSync(jsonPath, serializeArtifact(artifact));
      const binaryPath = join(dir, `${m.name}.lmlb`);
      writeFileSync(binaryPath, serializeArtifactBinary(artifact));
      // The label lambda-ml gives in-process (bench/sklearn-load.ts checks 10,000 of them against scikit-learn's);
      // the Python baseline must print the same one.
      const reply = (await createPredictionHandler(loadAnyModelFile(m.path))({ data: bm.rows[0] })) as {
        body: string;
      };
      const answer = JSON.stringify({ statusCode: 200, body: reply.body });
      const times = {
        json: [] as number[],
        binary: [] as number[],
        joblib: [] as number[],
        python: [] as number[],
      };
      for (let i = 0; i < RUNS; i++) {
        times.json.push(await serve(['--model', jsonPath], body, answer));
        times.binary.push(await serve(['--model', binaryPath], body, answer));
        times.joblib.push(await serve(['--model', m.path], body, answer));
        times.python.push(await processToAnswer([bm.python, PY_SCRIPT, 'once', m.path, row0], reply.body));
      }
      console.log(`\n${m.name}: ${m.what} (scikit-learn ${bm.sklearn})`);
      console.log(
        `  launch -> first answer to one row by name, min / median of ${RUNS} alternating launches; load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
      );
      console.log(`  ${`lambda-ml serve --model ${m.name}.joblib`.padEnd(52)}${minMed(times.joblib)}`);
      console.log(
        `  ${`lambda-ml serve --model ${m.name}.json (converted)`.padEnd(52)}${minMed(times.json)}`,
      );
      console.log(
        `  ${`lambda-ml serve --model ${m.name}.lmlb (converted)`.padEnd(52)}${minMed(times.binary)}`,
      );
      console.log(`  ${'python: import, joblib.load, predict (baseline)'.padEnd(52)}${minMed(times.python)}`);
    }
  } finally {
    bm.cleanup();
  }
}

try {
  if (PARTS.includes('tutorial')) await tutorial();
  if (PARTS.includes('models')) await models();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
