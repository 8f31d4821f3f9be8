// Shared by bench/sklearn-load.ts and bench/sklearn-cold-start.ts: the two models of issue 11's figures (a
// ColumnTransformer + RandomForestClassifier pipeline and a HistGradientBoostingClassifier with categorical
// features, fitted on a DataFrame), made at bench time by bench/sklearn_bench.py with a scikit-learn >= 1.4
// (SKLEARN_PYTHON, default the 1.6.1 venv of docs/sklearn.md), and 10,000 rows by name to predict.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const PY_SCRIPT = resolve('bench/sklearn_bench.py');

export interface BenchModel {
  readonly name: string;
  readonly what: string;
  readonly path: string;
}

export interface BenchModels {
  readonly python: string;
  readonly sklearn: string;
  readonly dir: string;
  readonly rowsPath: string;
  readonly rows: Record<string, number | string | null>[];
  readonly models: readonly BenchModel[];
  cleanup(): void;
}

function pythonWithSklearn(): string | null {
  const candidates = [
    process.env.SKLEARN_PYTHON,
    join(homedir(), '.cache', 'lambda-ml', 'venvs', 'sklearn-1.6.1', 'bin', 'python'),
  ].filter((p): p is string => p !== undefined && p !== '');
  for (const python of candidates) {
    const probe = spawnSync(
      python,
      [
        '-c',
        'import sklearn, pandas; v = sklearn.__version__.split("."); assert (int(v[0]), int(v[1])) >= (1, 4)',
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    if (probe.status === 0) return python;
  }
  return null;
}

/** Makes (or, with BENCH_SKLEARN_DIR holding them already, reuses) the bench models; null with a note when no Python fits. */
export function benchModels(): BenchModels | null {
  const python = pythonWithSklearn();
  if (python === null) {
    console.log(
      'skipped the pipeline / HistGradientBoosting figures: they need a python with scikit-learn >= 1.4 and pandas\n' +
        '  (python3 -m venv /tmp/sk && /tmp/sk/bin/pip install scikit-learn==1.6.1 pandas; then SKLEARN_PYTHON=/tmp/sk/bin/python)',
    );
    return null;
  }
  const kept = process.env.BENCH_SKLEARN_DIR;
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'lambda-ml-bench-sk11-'));
  mkdirSync(dir, { recursive: true });
  const rowsPath = join(dir, 'rows.json');
  if (!existsSync(rowsPath)) {
    const made = spawnSync(python, [PY_SCRIPT, 'make', dir], { encoding: 'utf8', timeout: 1_200_000 });
    if (made.status !== 0) throw new Error(`${python} ${PY_SCRIPT} make failed: ${made.stderr}`);
  }
  const meta = JSON.parse(readFileSync(rowsPath, 'utf8')) as {
    sklearn: string;
    rows: Record<string, number | string | null>[];
  };
  return {
    python,
    sklearn: meta.sklearn,
    dir,
    rowsPath,
    rows: meta.rows,
    models: [
      {
        name: 'pipe_ct_rf',
        what: 'ColumnTransformer(imputer + scaler, OneHotEncoder) + RandomForestClassifier(100 trees, depth 10)',
        path: join(dir, 'pipe_ct_rf.joblib'),
      },
      {
        name: 'hgb_cat',
        what: "HistGradientBoostingClassifier(categorical_features='from_dtype', 100 iterations)",
        path: join(dir, 'hgb_cat.joblib'),
      },
    ],
    cleanup: () => {
      if (kept === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
