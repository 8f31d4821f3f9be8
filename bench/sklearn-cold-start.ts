// Cold start to the first answer of `lambda-ml serve --model modelo.joblib` vs the same model as a native
// JSON artifact (converted in this run), median of RUNS alternating launches.
// Run: npm run build && node --import tsx bench/sklearn-cold-start.ts   (env RUNS)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serializeArtifact } from '../src/model/artifact.js';
import { readSklearnFile } from '../src/sklearn/load-any.js';
import { sklearnFixtures } from '../test/sklearn-fixtures.js';
import { launchToFirstAnswer, median } from './launch-common.js';

const RUNS = Number(process.env.RUNS ?? 7);
const cli = resolve('dist/cli/main.js');
const fx = sklearnFixtures();
const joblibPath = join(fx.dir, 'modelo.joblib');
const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-bench-sk-'));
const jsonPath = join(dir, 'modelo.json');
writeFileSync(jsonPath, serializeArtifact(readSklearnFile(joblibPath)));

/** `lambda-ml serve` with these flags, from spawn to the tutorial's answer. */
const serve = (args: string[]) =>
  launchToFirstAnswer([process.execPath, cli, 'serve', '--port', '0', ...args]);

try {
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
} finally {
  rmSync(dir, { recursive: true, force: true });
}
