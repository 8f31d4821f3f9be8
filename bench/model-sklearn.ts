// Runs scripts/oracle/sklearn_bench.py (Debian's scikit-learn, n_jobs=1) so every model benchmark
// prints its figure next to scikit-learn's, measured in the same run on the same machine.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface SklearnTimes {
  fit: number;
  fitCpu: number;
  nodes: number;
  predictProba?: number;
  predictProbaCpu?: number;
  rows?: number;
  probaSha256?: string;
  oneRow?: number;
  oneRowTreesOnly?: number;
  joblibBytes?: number;
  joblibLoad?: number;
  regressionFit?: { nJobs: number; wall: number; cpu: number }[];
  regressionSha256?: string;
}

const script = fileURLToPath(new URL('../scripts/oracle/sklearn_bench.py', import.meta.url));

export function sklearnBaseline(task: Record<string, unknown>): SklearnTimes {
  const r = spawnSync('/usr/bin/python3', [script], {
    input: JSON.stringify(task),
    encoding: 'utf8',
    timeout: 30 * 60_000,
    // Debian's reference BLAS, as the parity oracle uses: make_classification's X is then bit-identical
    // to ours in float64 (OpenBLAS rounds np.dot differently), which a regression target built from it needs.
    env: {
      ...process.env,
      OMP_NUM_THREADS: '1',
      OPENBLAS_NUM_THREADS: '1',
      LD_LIBRARY_PATH: '/usr/lib/x86_64-linux-gnu/blas',
    },
  });
  if (r.status !== 0) throw new Error(`sklearn baseline failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as SklearnTimes;
}

/** Prints an aligned table: figure, lambda-ml, scikit-learn, ratio. */
export function printTable(rows: [string, string, string, string][]): void {
  const all: [string, string, string, string][] = [
    ['figure', 'lambda-ml', 'scikit-learn 1.2.1', 'ratio'],
    ...rows,
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...all.map((r) => r[c]?.length ?? 0)));
  for (const r of all) console.log(r.map((cell, c) => cell.padEnd(widths[c] as number)).join('  '));
}

/** Wall and CPU seconds of a synchronous function (CPU time suffers less from a busy machine). */
export function timed<T>(f: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1e6 };
}

export const ms = (s: number): string => `${(s * 1000).toFixed(1)} ms`;
export const us = (s: number): string => `${(s * 1e6).toFixed(2)} µs`;
