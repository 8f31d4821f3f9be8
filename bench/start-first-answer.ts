// Time from `lambda-ml start` (model already trained) to the first correct answer to the tutorial's
// request, median of N launches, next to a bare node:http server launched and asked the same way.
// Run: npm run build && node --import tsx bench/start-first-answer.ts   (env RUNS)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchToFirstAnswer, median, TUTORIAL_ANSWER } from './launch-common.js';

const RUNS = Number(process.env.RUNS ?? 10);
const BARE_SERVER = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('${TUTORIAL_ANSWER}')); })
  .listen(0, '127.0.0.1', function () { process.stderr.write('listening on http://127.0.0.1:' + this.address().port + '\\n'); });`;

const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-bench-start-'));
const model = join(dir, 'model.json');
const start = [process.execPath, resolve('dist/cli/main.js'), 'start', '--port', '0', '--model', model];
try {
  await launchToFirstAnswer(start); // trains the model once
  const started: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(await launchToFirstAnswer([process.execPath, '-e', BARE_SERVER]));
    started.push(await launchToFirstAnswer(start));
  }
  console.log(`launch -> first correct answer, median of ${RUNS} (model already trained)`);
  console.log(`  bare node:http server (floor)   ${median(bare).toFixed(1)} ms`);
  console.log(`  lambda-ml start                 ${median(started).toFixed(1)} ms`);
  console.log(`  difference                      ${(median(started) - median(bare)).toFixed(1)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
