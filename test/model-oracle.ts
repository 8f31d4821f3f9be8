// Runs scripts/oracle/sklearn_oracle.py once (Debian's /usr/bin/python3 with scikit-learn 1.2.1)
// for a batch of cases and returns its parsed answers.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClassLabel, FlatTree } from '../src/model/types.js';

export interface OracleResult {
  error?: string;
  trees: FlatTree[];
  classes?: ClassLabel[];
  proba?: number[][];
  predict: ClassLabel[];
  X?: number[];
  y?: ClassLabel[];
}

const script = fileURLToPath(new URL('../scripts/oracle/sklearn_oracle.py', import.meta.url));

/**
 * Reference BLAS when installed (Debian's libblas3), so np.dot rounds the same on every machine,
 * whichever BLAS `update-alternatives` picked; otherwise whatever libblas.so.3 is.
 */
export const REFERENCE_BLAS_DIR = '/usr/lib/x86_64-linux-gnu/blas';

export function oracleUsesReferenceBlas(): boolean {
  return existsSync(`${REFERENCE_BLAS_DIR}/libblas.so.3`);
}

export function runOracle(cases: unknown[]): OracleResult[] {
  const env = { ...process.env };
  if (oracleUsesReferenceBlas()) env.LD_LIBRARY_PATH = REFERENCE_BLAS_DIR;
  const r = spawnSync('/usr/bin/python3', [script], {
    env,
    input: JSON.stringify(cases),
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 512 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`sklearn oracle failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout) as OracleResult[];
}
