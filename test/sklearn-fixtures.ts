// Generates the scikit-learn fixtures once per script version (one python3 run) and caches them in the OS temp dir.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(import.meta.dirname, '..', 'scripts', 'fixtures', 'make_sklearn_fixtures.py');

/** The file every malicious fixture would create if anything ran it. */
export function markerPath(dir: string): string {
  return join(dir, 'malicious', 'MARKER');
}

export interface FixtureEntry {
  readonly file: string;
  readonly model: string;
  readonly kind: string;
  readonly container: string;
  readonly protocol: number;
  readonly nFeatures: number;
  readonly rows: number[][];
  readonly predict: Array<number | string>;
  readonly proba?: number[][];
  readonly decision?: number[][];
}

export interface Fixtures {
  readonly dir: string;
  /** 'reference' when numpy ran on Debian's reference BLAS (sequential, FMA-free dot products). */
  readonly blas: 'reference' | 'default';
  readonly sklearn: string;
  readonly models: FixtureEntry[];
}

/**
 * Debian's python3-sklearn 1.2.1 writes the files (why not checked in: the oracle stays the real
 * library, the repository carries no binaries, and one python run takes ~1.5 s). The cache key is the
 * script's hash, so editing the script regenerates them.
 */
/** Debian's reference BLAS, when installed: np.dot then sums in plain order, so LogisticRegression is exact. */
const REFERENCE_BLAS = '/usr/lib/x86_64-linux-gnu/blas';

export function sklearnFixtures(): Fixtures {
  const blas = existsSync(join(REFERENCE_BLAS, 'libblas.so.3')) ? 'reference' : 'default';
  const hash = createHash('sha256').update(readFileSync(SCRIPT)).update(blas).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `lambda-ml-sklearn-fixtures-${hash}`);
  if (!existsSync(join(dir, 'expected.json'))) {
    const tmp = mkdtempSync(`${dir}.tmp-`);
    const env = { ...process.env };
    if (blas === 'reference') env.LD_LIBRARY_PATH = REFERENCE_BLAS;
    const run = spawnSync('/usr/bin/python3', [SCRIPT, tmp, markerPath(dir)], {
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (run.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(
        `fixture script failed (is python3-sklearn installed?): ${run.stderr || run.error?.message}`,
      );
    }
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another test process won the race; use its copy
    }
  }
  const meta = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Omit<Fixtures, 'dir' | 'blas'>;
  return { dir, blas, ...meta };
}
