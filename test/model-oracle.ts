// scikit-learn 1.2.1's answers for the parity cases: checked-in references (test/references/sklearn-1.2.1-parity/),
// regenerated or verified by running scripts/oracle/sklearn_oracle.py with Debian's /usr/bin/python3.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClassLabel, FlatTree } from '../src/model/types.js';
import { python, references } from './references.js';

export interface OracleResult {
  error?: string;
  trees: FlatTree[];
  classes?: ClassLabel[];
  proba?: number[][];
  predict: ClassLabel[];
  X?: number[];
  y?: ClassLabel[];
}

/** One parity case: a training config, the rows to predict, and whether to return the generated X and y. */
export interface OracleCase {
  readonly config: unknown;
  readonly rows: number[][];
  readonly returnData: boolean;
}

const script = fileURLToPath(new URL('../scripts/oracle/sklearn_oracle.py', import.meta.url));

/**
 * Debian's reference BLAS (libblas3): np.dot then sums rounded products in order, so the references do not
 * depend on which BLAS `update-alternatives` picked on the machine that made them.
 */
export const REFERENCE_BLAS_DIR = '/usr/lib/x86_64-linux-gnu/blas';

/** Runs the real scikit-learn on every case in one process; `baseDir` resolves CSV dataset paths. */
function live(cases: readonly OracleCase[], baseDir: string): OracleResult[] {
  if (!existsSync(`${REFERENCE_BLAS_DIR}/libblas.so.3`)) {
    throw new Error(
      'the scikit-learn oracle needs Debian libblas3 (apt-get install python3-sklearn libblas3)',
    );
  }
  const input = JSON.stringify(cases.map((c) => ({ ...c, baseDir })));
  return JSON.parse(python([script], input, { LD_LIBRARY_PATH: REFERENCE_BLAS_DIR })) as OracleResult[];
}

/** scikit-learn's answers, one per case, from the references (or live, per LAMBDA_ML_REFERENCES). */
export function runOracle(cases: readonly OracleCase[], baseDir: string): OracleResult[] {
  return references('sklearn-1.2.1-parity', cases, (missing) => live(missing, baseDir));
}
