// Time from `lambda-ml start` (model already trained) to the first correct answer to the tutorial's
// request, median of N launches, next to a bare node:http server launched and asked the same way.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const RUNS = Number(process.env.RUNS ?? 10);
const BODY = '{"data": [0,0,0,0]}';
const EXPECTED = '{"statusCode":200,"body":1}';
const BARE_SERVER = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('${EXPECTED}')); })
  .listen(0, '127.0.0.1', function () { process.stderr.write('listening on http://127.0.0.1:' + this.address().port + '\\n'); });`;

/** Launches `argv`, waits for the URL on stderr, polls the Invoke path until the tutorial's answer; ms. */
async function launchToFirstAnswer(argv: string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const url = await new Promise<string>((done, fail) => {
      let text = '';
      const timer = setTimeout(() => fail(new Error(`no URL after 30 s:\n${text}`)), 30_000);
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
      body: BODY,
    });
    const text = await res.text();
    if (text !== EXPECTED) throw new Error(`unexpected answer ${text}`);
    return performance.now() - started;
  } finally {
    child.kill('SIGINT');
    await new Promise((done) => (child.exitCode === null ? child.once('exit', done) : done(null)));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const dir = mkdtempSync(join(tmpdir(), 'lambda-ml-bench-start-'));
const model = join(dir, 'model.json');
const cli = resolve('dist/cli/main.js');
try {
  await launchToFirstAnswer([process.execPath, cli, 'start', '--port', '0', '--model', model]); // trains once
  const start: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(await launchToFirstAnswer([process.execPath, '-e', BARE_SERVER]));
    start.push(await launchToFirstAnswer([process.execPath, cli, 'start', '--port', '0', '--model', model]));
  }
  console.log(`launch -> first correct answer, median of ${RUNS} (model already trained)`);
  console.log(`  bare node:http server (floor)   ${median(bare).toFixed(1)} ms`);
  console.log(`  lambda-ml start                 ${median(start).toFixed(1)} ms`);
  console.log(`  difference                      ${(median(start) - median(bare)).toFixed(1)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
