// The checked-in scikit-learn 1.2.1 fixtures (test/fixtures/sklearn-1.2.1/, made by
// scripts/fixtures/make_sklearn_fixtures.py through `npm run references`) and scikit-learn's answers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SKLEARN_FIXTURES_DIR = join(import.meta.dirname, 'fixtures', 'sklearn-1.2.1');

/** The file every malicious fixture would create if anything ran it (fixed: the files are checked in). */
export const MARKER_PATH = '/tmp/lambda-ml-fixture-MARKER';

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
  readonly sklearn: string;
  readonly models: FixtureEntry[];
}

/**
 * Written by Debian's python3-sklearn 1.2.1 on Debian's reference BLAS, so np.dot sums in plain order and
 * LogisticRegression is checked bit for bit. CI regenerates them and fails if a byte differs.
 */
export function sklearnFixtures(): Fixtures {
  const meta = JSON.parse(readFileSync(join(SKLEARN_FIXTURES_DIR, 'expected.json'), 'utf8')) as Omit<
    Fixtures,
    'dir'
  >;
  return { dir: SKLEARN_FIXTURES_DIR, ...meta };
}
