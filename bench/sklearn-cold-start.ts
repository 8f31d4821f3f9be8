// Cold start to the first answer of `lambda-ml serve --model modelo.joblib` vs the same model as a native
// JSON artifact (converted in this run), median of RUNS alternating launches.
// Run: npm run build && node --import tsx bench/sklearn-cold-start.ts   (env RUNS)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serializeArtifact } from '../src/model/artifact.js';
import { readSklearnFile } from '../src/sklearn/load-any.js';
import { sklearnFixtures } from '../test/sklearn-fixtures.js';

const RUNS = Number(process.env.RUNS ?? 7);
const cli = resolve('dist/cli/main.js');
const fx = sklearnFixtures();
const joblibPath = join(fx.dir, 'modelo.joblib');
const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-bench-sk-'));
const jsonPath = join(dir, 'modelo.json');
writeFileSync(jsonPath, serializeArtifact(readSklearnFile(joblibPath)));

// The shipped handler with its loader swapped for loadAnyModelFile: what function/handler.js becomes once it
// calls the sklearn-aware loader (see docs/sklearn.md). Used only when the shipped handler refuses .joblib.
const taskRoot = join(dir, 'task');
mkdirSync(join(taskRoot, 'function'), { recursive: true });
const dist = resolve('dist');
writeFileSync(
  join(taskRoot, 'function', 'handler.mjs'),
  `import { loadAnyModelFile } from ${JSON.stringify(`${dist}/sklearn/load-any.js`)};
import { loadModelAtInit, locateModel } from ${JSON.stringify(`${dist}/function/model-source.js`)};
import { createPredictionHandler } from ${JSON.stringify(`${dist}/function/predict.js`)};
const location = locateModel(process.env, ${JSON.stringify(taskRoot)}, process.cwd());
export const handler = createPredictionHandler(loadModelAtInit(location, loadAnyModelFile));
`,
);

/** Spawns `serve`, waits for its URL, invokes once; returns ms from spawn to the answer (or the error text). */
async function firstAnswer(args: string[]): Promise<number | string> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const url = await new Promise<string>((done, fail) => {
      let text = '';
      const timer = setTimeout(() => fail(new Error(`no URL after 30 s: ${text}`)), 30_000);
      child.stderr?.on('data', (c: Buffer) => {
        text += c.toString();
        const m = /listening on (http:\/\/\S+)/.exec(text);
        if (m?.[1]) {
          clearTimeout(timer);
          done(m[1]);
        }
      });
    });
    const res = await fetch(`${url}/2015-03-31/functions/function/invocations`, {
      method: 'POST',
      body: '{"data": [0,0,0,0]}',
    });
    const text = await res.text();
    const ms = performance.now() - started;
    return text === '{"statusCode":200,"body":1}' ? ms : `answer ${res.status} ${text.slice(0, 200)}`;
  } finally {
    child.kill('SIGINT');
    await new Promise((done) => (child.exitCode === null ? child.once('exit', done) : done(null)));
  }
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

try {
  const shipped = await firstAnswer(['--model', joblibPath]);
  const preview = typeof shipped === 'string';
  const joblibArgs = preview
    ? ['--model', joblibPath, '--task-root', taskRoot, '--handler', 'function/handler.handler']
    : ['--model', joblibPath];
  const jsonArgs = preview
    ? ['--model', jsonPath, '--task-root', taskRoot, '--handler', 'function/handler.handler']
    : ['--model', jsonPath];
  const json: number[] = [];
  const job: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const [args, out] of [
      [jsonArgs, json],
      [joblibArgs, job],
    ] as const) {
      const r = await firstAnswer(args);
      if (typeof r === 'string') throw new Error(`serve ${args.join(' ')}: ${r}`);
      out.push(r);
    }
  }
  console.log(`serve -> first answer to {"data":[0,0,0,0]}, median of ${RUNS} launches each`);
  if (preview) {
    console.log(`  (dist/function/handler.js refused .joblib: ${shipped.slice(0, 120)}...;`);
    console.log('   both rows use the shipped handler code with loadAnyModelFile as its loader)');
  }
  console.log(`  native artifact (modelo.json)     ${median(json).toFixed(1).padStart(7)} ms`);
  console.log(`  modelo.joblib                     ${median(job).toFixed(1).padStart(7)} ms`);
  console.log(
    `  difference                        ${(median(job) - median(json)).toFixed(1).padStart(7)} ms`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
