// Bounded fuzzing of the reader over mutated real model files: only typed errors, no hang, bounded memory.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sklearnFixtures } from './sklearn-fixtures.js';

const fx = sklearnFixtures();
const FILES = [
  'modelo.joblib',
  'modelo_z3.joblib',
  'gb_clf_multi.joblib',
  'gb_clf_multi_p2.pkl',
  'rf_clf_str_p5.pkl',
  'lr_ovr.joblib',
  'dt_reg.joblib',
  'rf_named.joblib',
];

interface Report {
  readonly ok: boolean;
  readonly done?: number;
  readonly parsed?: number;
  readonly slowest?: number;
  readonly errorTypes?: Record<string, number>;
  readonly file?: string;
  readonly iteration?: number;
  readonly error?: string;
}

/** Runs the driver in a child process with a 256 MB heap cap; a hang past `wallMs` kills it (by PID) and fails. */
function fuzz(seed: number, count: number, budgetMs: number, wallMs: number): Promise<Report> {
  return new Promise((resolve, reject) => {
    const job = JSON.stringify({ dir: fx.dir, files: FILES, count, budgetMs, seed });
    const child = spawn(
      process.execPath,
      [
        '--max-old-space-size=256',
        '--import',
        'tsx',
        fileURLToPath(new URL('./sklearn-fuzz-worker.ts', import.meta.url)),
        job,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fuzz driver still running after ${wallMs} ms: a hang`));
    }, wallMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out) as Report);
      } catch {
        reject(
          new Error(`fuzz driver exited ${code} without a report (out of memory?): ${err.slice(-2000)}`),
        );
      }
    });
  });
}

test('mutated model files give only typed errors, quickly, within a 256 MB heap', {
  timeout: 180_000,
}, async () => {
  const report = await fuzz(20261124, 6000, 20_000, 150_000); // hang guard: 50 s was hit at load average 50
  assert.equal(
    report.ok,
    true,
    `untyped error on ${report.file} at iteration ${report.iteration}: ${report.error}`,
  );
  assert.ok((report.done ?? 0) >= 300, `only ${report.done} iterations ran`);
  assert.ok((report.slowest ?? 0) < 2000, `one input took ${report.slowest} ms`);
  const typed = Object.values(report.errorTypes ?? {}).reduce((a, b) => a + b, 0);
  assert.ok(typed > 0, 'no mutation was rejected: the fuzzer is not mutating anything');
});
