#!/usr/bin/env node
// The README's Quick start, run exactly as written there, in a fresh clone: its install-and-start command
// (until the README's request gets the README's answer, then Ctrl-C), then its test command.
// Usage: node scripts/fresh-machine.mjs [--image IMAGE]
//   (no flag)      on this machine, as it is (CI runs it before installing anything)
//   --image IMAGE  inside a container of IMAGE that has only Node and npm (e.g. the debootstrap base image
//                  from container/build-base-image.sh), host network, the clone mounted at /work/lambda-ml
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const START_MINUTES = 20; // a cold `npm ci` downloads the AWS SDK and the CDK
const { values } = parseArgs({ options: { image: { type: 'string' }, inside: { type: 'boolean' } } });

function log(message) {
  process.stderr.write(`fresh-machine: ${message}\n`);
}

function die(message) {
  log(`FAIL: ${message}`);
  process.exit(1);
}

/** The Quick start commands, the request and the answer, as the README writes them. */
function readQuickStart(readme) {
  const section = readme.split(/^## Quick start$/m)[1]?.split(/^## /m)[0];
  if (section === undefined) die('README.md has no "## Quick start" section');
  const blocks = [...section.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1],
    body: m[2],
  }));
  const commands = (blocks[0]?.body ?? '')
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
  const curl = blocks.find((b, i) => i > 0 && b.lang === 'sh' && b.body.startsWith('curl'))?.body.trim();
  const answer = blocks.find((b) => b.lang === 'json')?.body;
  if (commands.length !== 2 || curl === undefined || answer === undefined) {
    die('the Quick start should hold two commands (start, test), a curl request and its JSON answer');
  }
  const url = curl.match(/"(http[^"]+)"/)?.[1];
  const data = curl.match(/-d '([^']*)'/)?.[1];
  if (url === undefined || data === undefined) die(`cannot read the URL and -d payload of: ${curl}`);
  return { start: commands[0], test: commands[1], url, data, answer: JSON.parse(answer) };
}

/** The README's request, sent as curl would (POST, the -d body), until it gets an answer or time runs out. */
async function askUntilAnswered(url, data, child, deadline) {
  for (;;) {
    if (child.exitCode !== null) die(`the start command exited (${child.exitCode}) before answering`);
    if (Date.now() > deadline) die(`no answer from ${url} within ${START_MINUTES} minutes`);
    try {
      const res = await fetch(url, { method: 'POST', body: data, signal: AbortSignal.timeout(10_000) });
      return { status: res.status, body: await res.text() };
    } catch {
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function runQuickStart(dir) {
  const quick = readQuickStart(readFileSync(join(dir, 'README.md'), 'utf8'));
  const env = { ...process.env };
  delete env.CI; // a user's machine: tests that need a missing tool skip, saying why
  delete env.LAMBDA_ML_REFERENCES;

  log(`$ ${quick.start}`);
  const started = Date.now();
  const child = spawn('bash', ['-c', quick.start], { cwd: dir, env, detached: true, stdio: 'inherit' });
  const reply = await askUntilAnswered(quick.url, quick.data, child, started + START_MINUTES * 60_000);
  log(`answered in ${((Date.now() - started) / 1000).toFixed(1)} s: ${reply.status} ${reply.body}`);
  let parsed;
  try {
    parsed = JSON.parse(reply.body);
  } catch {
    die(`the answer is not JSON: ${reply.body}`);
  }
  if (reply.status !== 200 || JSON.stringify(parsed) !== JSON.stringify(quick.answer)) {
    die(`expected the README's answer ${JSON.stringify(quick.answer)}, got ${reply.status} ${reply.body}`);
  }
  process.kill(-child.pid, 'SIGINT'); // Ctrl-C, as a terminal sends it to the whole process group
  const code = child.exitCode ?? (await new Promise((r) => child.once('exit', (c, s) => r(c ?? s))));
  if (code !== 0) die(`Ctrl-C: the start command exited with ${code}, expected 0`);

  log(`$ ${quick.test}`);
  const tested = spawnSync('bash', ['-c', quick.test], { cwd: dir, env, stdio: 'inherit' });
  if (tested.status !== 0) die(`\`${quick.test}\` failed (exit ${tested.status})`);
  log("the README's two commands work on this machine");
}

if (values.inside) {
  await runQuickStart(process.cwd());
} else {
  const work = mkdtempSync(join(tmpdir(), 'lambda-ml-fresh-'));
  const clone = join(work, 'lambda-ml');
  try {
    const cloned = spawnSync('git', ['clone', '-q', ROOT, clone], { stdio: 'inherit' });
    if (cloned.status !== 0) die('git clone failed');
    if (values.image === undefined) {
      await runQuickStart(clone);
    } else {
      cpSync(fileURLToPath(import.meta.url), join(work, 'fresh-machine.mjs'));
      log(`in a container of ${values.image} (only Node and npm), host network`);
      const run = spawnSync(
        'docker',
        [
          'run',
          '--rm',
          '--network=host',
          '-v',
          `${work}:/work`,
          '-w',
          '/work/lambda-ml',
          values.image,
          'node',
          '/work/fresh-machine.mjs',
          '--inside',
        ],
        { stdio: 'inherit' },
      );
      if (run.status !== 0) die(`the Quick start failed inside ${values.image} (exit ${run.status})`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
