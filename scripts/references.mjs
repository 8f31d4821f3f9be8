#!/usr/bin/env node
// Regenerates (update) or verifies (check) every checked-in reference against the real library, as listed
// in scripts/references/generators.json: generated fixture folders are compared byte for byte, oracle
// answers by re-running their tests with LAMBDA_ML_REFERENCES=verify. `npm test` itself never runs Python.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const REGISTRY = join(ROOT, 'scripts', 'references', 'generators.json');
const USAGE = `usage: node scripts/references.mjs <list|update|check> [name...]
  list            what is checked in, and which Python makes it
  update [name]   regenerate with the real libraries (all, or the named generators/oracles)
  check [name]    regenerate into a temporary folder and fail on any difference (what CI runs)`;

function fail(message) {
  process.stderr.write(`references: ${message}\n`);
  process.exit(1);
}

const { positionals } = parseArgs({ allowPositionals: true, options: {} });
const [command, ...names] = positionals;
if (!['list', 'update', 'check'].includes(command)) fail(`expected a command\n${USAGE}`);
const registry = JSON.parse(readFileSync(REGISTRY, 'utf8'));
const all = [
  ...registry.generators.map((g) => ({ ...g, kind: 'generator' })),
  ...registry.oracles.map((o) => ({ ...o, kind: 'oracle' })),
];
for (const name of names) {
  if (!all.some((entry) => entry.name === name)) {
    fail(`no reference named '${name}'; known: ${[...new Set(all.map((e) => e.name))].join(', ')}`);
  }
}
const selected = all.filter((entry) => names.length === 0 || names.includes(entry.name));

const VENVS = process.env.LAMBDA_ML_VENVS ?? join(homedir(), '.cache', 'lambda-ml', 'venvs');

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (r.error) fail(`cannot run ${cmd}: ${r.error.message}`);
  return r;
}

/** The interpreter a generator runs on: Debian's python3, or a venv with pinned packages (made once). */
function pythonFor(entry) {
  if (entry.python === 'debian') {
    if (!existsSync('/usr/bin/python3'))
      fail(`${entry.name} needs Debian's /usr/bin/python3 and ${entry.debianPackages.join(', ')}`);
    return '/usr/bin/python3';
  }
  const { venv, pip } = entry.python;
  const dir = join(VENVS, venv);
  const python = join(dir, 'bin', 'python');
  const stamp = join(dir, 'lambda-ml-pip.txt');
  const wanted = `${pip.join('\n')}\n`;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return python;
  process.stderr.write(`references: creating the venv ${dir} (${pip.join(' ')})\n`);
  rmSync(dir, { recursive: true, force: true });
  const made = run('/usr/bin/python3', ['-m', 'venv', dir], { stdio: 'inherit' });
  if (made.status !== 0) fail(`python3 -m venv failed: install Debian's python3-venv`);
  const installed = run(python, ['-m', 'pip', 'install', '--quiet', ...pip], { stdio: 'inherit' });
  if (installed.status !== 0)
    fail(`pip install ${pip.join(' ')} failed (pip needs the machine's wheel mirror)`);
  writeFileSync(stamp, wanted);
  return python;
}

/** Runs a generator into a fresh temporary folder and returns it. */
function generate(entry) {
  const python = pythonFor(entry);
  const out = mkdtempSync(join(tmpdir(), `lambda-ml-ref-${entry.name}-`));
  const started = Date.now();
  const r = run(python, [join(ROOT, entry.script), out], {
    env: { ...process.env, ...(entry.env ?? {}) },
    cwd: ROOT,
  });
  if (r.status !== 0) {
    rmSync(out, { recursive: true, force: true });
    fail(`${entry.name}: ${entry.script} failed (exit ${r.status}):\n${r.stderr.slice(-4000)}`);
  }
  process.stderr.write(
    `references: ${entry.name}: generated in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return out;
}

function files(dir, base = dir, out = new Map()) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, base, out);
    else out.set(relative(base, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
  }
  return out;
}

/** Differences between two folders, one line each (empty when byte-identical). */
function compare(stored, fresh) {
  const a = existsSync(stored) ? files(stored) : new Map();
  const b = files(fresh);
  const lines = [];
  for (const [file, hash] of a) {
    if (!b.has(file)) lines.push(`  ${file}: checked in, no longer generated`);
    else if (b.get(file) !== hash) lines.push(`  ${file}: differs`);
  }
  for (const file of b.keys()) if (!a.has(file)) lines.push(`  ${file}: generated, not checked in`);
  return lines;
}

/** Runs an oracle's tests in verify or update mode. */
function runOracleTests(entry, mode) {
  const r = run(process.execPath, ['--import', 'tsx', '--test', ...entry.tests], {
    cwd: ROOT,
    env: { ...process.env, LAMBDA_ML_REFERENCES: mode },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) {
    const failures = r.stdout
      .split('\n')
      .filter((l) => /^\s*(not ok|error:)/.test(l))
      .slice(0, 20);
    return [`  ${entry.tests.join(' ')} failed in ${mode} mode:`, ...failures.map((l) => `    ${l.trim()}`)];
  }
  return [];
}

let problems = 0;
for (const entry of selected) {
  if (command === 'list') {
    const where =
      entry.kind === 'generator'
        ? entry.out
        : `test/references/${entry.name}/ (from ${entry.tests.join(', ')})`;
    const python =
      entry.python === undefined || entry.python === 'debian'
        ? `Debian python3 + ${(entry.debianPackages ?? []).join(', ')}`
        : `venv ${entry.python.venv}: ${entry.python.pip.join(' ')}`;
    process.stdout.write(
      `${entry.kind.padEnd(9)} ${entry.name.padEnd(16)} ${where}\n          ${' '.repeat(16)} ${python}: ${entry.what}\n`,
    );
    continue;
  }
  if (entry.kind === 'generator') {
    const fresh = generate(entry);
    const target = join(ROOT, entry.out);
    if (command === 'update') {
      rmSync(target, { recursive: true, force: true });
      mkdirSync(dirname(target), { recursive: true });
      renameSync(fresh, target);
      process.stdout.write(`updated ${entry.out}\n`);
      continue;
    }
    const lines = compare(target, fresh);
    rmSync(fresh, { recursive: true, force: true });
    if (lines.length > 0) {
      problems++;
      process.stdout.write(`STALE ${entry.out} (generator ${entry.name}):\n${lines.join('\n')}\n`);
    } else process.stdout.write(`current ${entry.out}\n`);
    continue;
  }
  if (command === 'update') {
    rmSync(join(ROOT, 'test', 'references', entry.name), { recursive: true, force: true });
    const lines = runOracleTests(entry, 'update');
    if (lines.length > 0) fail(`${entry.name}:\n${lines.join('\n')}`);
    process.stdout.write(`updated test/references/${entry.name}/\n`);
    continue;
  }
  const lines = runOracleTests(entry, 'verify');
  if (lines.length > 0) {
    problems++;
    process.stdout.write(`STALE test/references/${entry.name}/:\n${lines.join('\n')}\n`);
  } else process.stdout.write(`current test/references/${entry.name}/\n`);
}
if (problems > 0) {
  fail(
    `${problems} reference set(s) differ from what the real libraries give now; run \`npm run references -- update\` and review the diff`,
  );
}
