// Validates a model section of a training config against scikit-learn 1.2.1's parameter constraints
// and fills in its defaults. Every key is checked by name; unsupported ones are refused, never ignored.
import { didYouMean } from '../core/suggest.js';
import { ModelConfigError } from './errors.js';

export const TRAINABLE = [
  'DecisionTreeClassifier',
  'DecisionTreeRegressor',
  'RandomForestClassifier',
  'RandomForestRegressor',
] as const;
export type TrainableKind = (typeof TRAINABLE)[number];

export type ClassWeight = null | 'balanced' | Readonly<Record<string, number>>;

/** Parameters as scikit-learn holds them (before resolution against the data). */
export interface EstimatorParams {
  readonly kind: TrainableKind;
  readonly nEstimators: number;
  readonly criterion: 'gini' | 'entropy' | 'log_loss' | 'squared_error';
  readonly maxDepth: number | null;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly minWeightFractionLeaf: number;
  readonly maxFeatures: number | 'sqrt' | 'log2' | null;
  readonly maxLeafNodes: number | null;
  readonly minImpurityDecrease: number;
  readonly bootstrap: boolean;
  readonly maxSamples: number | null;
  readonly classWeight: ClassWeight;
  readonly randomState: number;
  /** Forests: worker threads for the trees (scikit-learn's n_jobs; null = 1, -1 = every core). */
  readonly nJobs: number | null;
}

type Check = (v: unknown) => string | null;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const oneOf =
  (...checks: Check[]): Check =>
  (v) => {
    const errs = checks.map((c) => c(v));
    return errs.includes(null) ? null : errs.join(' or ');
  };
const nullable: Check = (v) => (v === null ? null : 'null');
const intAtLeast =
  (lo: number): Check =>
  (v) =>
    isInt(v) && v >= lo ? null : `an integer >= ${lo}`;
const realIn =
  (lo: number, hi: number, loClosed: boolean, hiClosed: boolean): Check =>
  (v) =>
    isNum(v) && (loClosed ? v >= lo : v > lo) && (hiClosed ? v <= hi : v < hi)
      ? null
      : `a number in ${loClosed ? '[' : '('}${lo}, ${hi}${hiClosed ? ']' : ')'}`;
const realAtLeast =
  (lo: number): Check =>
  (v) =>
    isNum(v) && v >= lo ? null : `a number >= ${lo}`;
const str =
  (...opts: string[]): Check =>
  (v) =>
    typeof v === 'string' && opts.includes(v) ? null : opts.map((o) => JSON.stringify(o)).join(' or ');
const bool: Check = (v) => (typeof v === 'boolean' ? null : 'true or false');
const exactly =
  (value: unknown, why: string): Check =>
  (v) =>
    v === value ? null : `${JSON.stringify(value)} (${why})`;
const seed: Check = (v) =>
  isInt(v) && v >= 0 && v <= 0xffffffff ? null : 'an integer in [0, 4294967295] (null is not reproducible)';
const classWeight: Check = (v) => {
  if (v === null || v === 'balanced') return null;
  if (typeof v === 'object' && !Array.isArray(v)) {
    const bad = Object.entries(v as object).find(([, w]) => !isNum(w));
    return bad
      ? `a dict of class -> number (class ${JSON.stringify(bad[0])} has ${JSON.stringify(bad[1])})`
      : null;
  }
  return 'null, "balanced" or a dict of class -> weight';
};

const TREE_CHECKS: Record<string, Check> = {
  max_depth: oneOf(intAtLeast(1), nullable),
  min_samples_split: oneOf(intAtLeast(2), realIn(0, 1, false, true)),
  min_samples_leaf: oneOf(intAtLeast(1), realIn(0, 1, false, false)),
  min_weight_fraction_leaf: realIn(0, 0.5, true, true),
  max_features: oneOf(intAtLeast(1), realIn(0, 1, false, true), str('sqrt', 'log2'), nullable),
  max_leaf_nodes: oneOf(intAtLeast(2), nullable),
  min_impurity_decrease: realAtLeast(0),
  random_state: seed,
  ccp_alpha: exactly(0, 'cost-complexity pruning is not supported'),
};
const FOREST_CHECKS: Record<string, Check> = {
  n_estimators: intAtLeast(1),
  bootstrap: bool,
  max_samples: oneOf(nullable, realIn(0, 1, false, true), intAtLeast(1)),
  oob_score: exactly(false, 'out-of-bag scores are not supported'),
  warm_start: exactly(false, 'warm starts are not supported'),
  n_jobs: oneOf(nullable, (v) => (isInt(v) && v !== 0 ? null : 'a non-zero integer')),
  verbose: intAtLeast(0),
};

function checksFor(kind: TrainableKind): Record<string, Check> {
  const classifier = kind.endsWith('Classifier');
  const crit = classifier ? str('gini', 'entropy', 'log_loss') : str('squared_error');
  const out: Record<string, Check> = { ...TREE_CHECKS, criterion: crit };
  if (classifier) out.class_weight = classWeight;
  if (kind.startsWith('RandomForest')) Object.assign(out, FOREST_CHECKS);
  else out.splitter = str('best');
  return out;
}

function defaults(kind: TrainableKind): Record<string, unknown> {
  const forest = kind.startsWith('RandomForest');
  const classifier = kind.endsWith('Classifier');
  return {
    n_estimators: forest ? 100 : 1,
    criterion: classifier ? 'gini' : 'squared_error',
    max_depth: null,
    min_samples_split: 2,
    min_samples_leaf: 1,
    min_weight_fraction_leaf: 0,
    // RandomForestRegressor's default 1.0 means all features, which null (None) also means.
    max_features: forest && classifier ? 'sqrt' : null,
    max_leaf_nodes: null,
    min_impurity_decrease: 0,
    bootstrap: forest,
    max_samples: null,
    class_weight: null,
  };
}

/** Parses `{"<Kind>": {...params}}` into validated parameters with scikit-learn's defaults. */
export function parseModelSection(section: unknown): EstimatorParams {
  if (typeof section !== 'object' || section === null || Array.isArray(section)) {
    throw new ModelConfigError(`config "model" must be an object like {"RandomForestClassifier": {...}}`);
  }
  const keys = Object.keys(section);
  const kind = keys[0];
  if (keys.length !== 1 || kind === undefined || !(TRAINABLE as readonly string[]).includes(kind)) {
    const hint = keys.length === 1 && kind !== undefined ? didYouMean(kind, TRAINABLE) : '';
    throw new ModelConfigError(
      `config "model" must have exactly one key naming the estimator; got ${JSON.stringify(keys)};${hint} accepted: ${TRAINABLE.join(', ')}`,
    );
  }
  const k = kind as TrainableKind;
  const raw = (section as Record<string, unknown>)[kind];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ModelConfigError(`config "model.${kind}" must be an object of scikit-learn parameters`);
  }
  const checks = checksFor(k);
  for (const [name, value] of Object.entries(raw)) {
    const check = checks[name];
    if (!check) {
      throw new ModelConfigError(
        `unknown or unsupported ${kind} parameter "${name}";${didYouMean(name, Object.keys(checks))} accepted: ${Object.keys(checks).sort().join(', ')}`,
        { context: { parameter: name } },
      );
    }
    const err = check(value);
    if (err !== null) {
      throw new ModelConfigError(`${kind} parameter "${name}" is ${JSON.stringify(value)}; expected ${err}`, {
        context: { parameter: name },
      });
    }
  }
  const p = { ...defaults(k), ...(raw as Record<string, unknown>) };
  if (p.random_state === undefined) {
    throw new ModelConfigError(
      `${kind} parameter "random_state" is required (an integer seed) for reproducible models`,
    );
  }
  if (p.bootstrap === false && p.max_samples !== null) {
    throw new ModelConfigError(`${kind} parameter "max_samples" cannot be set when "bootstrap" is false`);
  }
  return {
    kind: k,
    nEstimators: p.n_estimators as number,
    criterion: p.criterion as EstimatorParams['criterion'],
    maxDepth: p.max_depth as number | null,
    minSamplesSplit: p.min_samples_split as number,
    minSamplesLeaf: p.min_samples_leaf as number,
    minWeightFractionLeaf: p.min_weight_fraction_leaf as number,
    maxFeatures: p.max_features as EstimatorParams['maxFeatures'],
    maxLeafNodes: p.max_leaf_nodes as number | null,
    minImpurityDecrease: p.min_impurity_decrease as number,
    bootstrap: p.bootstrap as boolean,
    maxSamples: p.max_samples as number | null,
    classWeight: p.class_weight as ClassWeight,
    randomState: p.random_state as number,
    nJobs: (p.n_jobs ?? null) as number | null,
  };
}
