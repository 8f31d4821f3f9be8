// Bad training configs are refused by name with what is accepted; valid ones resolve sklearn defaults.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DatasetError, ModelConfigError } from './errors.js';
import { parseModelSection } from './params.js';
import { trainFromConfig } from './train.js';

const dataset = { make_classification: { n_samples: 60, n_features: 4, random_state: 0 } };
const train = (model: unknown, ds: unknown = dataset) => trainFromConfig({ dataset: ds, model });

test('unknown top-level config key lists the accepted keys', () => {
  assert.throws(
    () => trainFromConfig({ dataset, model: { RandomForestClassifier: { random_state: 0 } }, extra: 1 }),
    (e: unknown) =>
      e instanceof ModelConfigError && /unknown config key "extra"; accepted: dataset, model/.test(e.message),
  );
});

test('unknown model name lists the trainable estimators', () => {
  assert.throws(
    () => train({ GradientBoostingClassifier: {} }),
    (e: unknown) =>
      e instanceof ModelConfigError &&
      /GradientBoostingClassifier/.test(e.message) &&
      /accepted: DecisionTreeClassifier, DecisionTreeRegressor, RandomForestClassifier, RandomForestRegressor/.test(
        e.message,
      ),
  );
});

test('unknown or unsupported parameters are refused by name', () => {
  for (const [param, value] of [
    ['n_trees', 10],
    ['oob_score', true],
    ['warm_start', true],
    ['ccp_alpha', 0.1],
    ['monotonic_cst', null],
  ] as const) {
    assert.throws(
      () => parseModelSection({ RandomForestClassifier: { random_state: 0, [param]: value } }),
      (e: unknown) => e instanceof ModelConfigError && e.message.includes(`"${param}"`),
      param,
    );
  }
  assert.throws(
    () => parseModelSection({ DecisionTreeRegressor: { random_state: 0, class_weight: 'balanced' } }),
    /class_weight/,
  );
  assert.throws(
    () => parseModelSection({ DecisionTreeClassifier: { random_state: 0, splitter: 'random' } }),
    /splitter/,
  );
});

test('out-of-range and mistyped values name the parameter and the expected range', () => {
  const cases: [string, unknown][] = [
    ['n_estimators', 0],
    ['n_estimators', 2.5],
    ['max_depth', 0],
    ['min_samples_split', 1.5],
    ['min_samples_split', 0],
    ['min_samples_leaf', 1.0001],
    ['min_samples_leaf', 0],
    ['min_weight_fraction_leaf', 0.6],
    ['max_features', 'auto'],
    ['max_features', 0],
    ['max_features', 1.5],
    ['max_leaf_nodes', 1],
    ['min_impurity_decrease', -1],
    ['bootstrap', 'yes'],
    ['max_samples', 0],
    ['max_samples', 1.5],
    ['class_weight', 'balanced_subsample'],
    ['class_weight', { 0: 'heavy' }],
    ['criterion', 'squared_error'],
    ['random_state', -1],
    ['random_state', null],
  ];
  for (const [param, value] of cases) {
    assert.throws(
      () => parseModelSection({ RandomForestClassifier: { random_state: 0, [param]: value } }),
      (e: unknown) =>
        e instanceof ModelConfigError && e.message.includes(`"${param}"`) && /expected/.test(e.message),
      `${param}=${JSON.stringify(value)}`,
    );
  }
  assert.throws(
    () => parseModelSection({ RandomForestRegressor: { random_state: 0, criterion: 'gini' } }),
    /criterion/,
  );
  assert.throws(() => parseModelSection({ RandomForestClassifier: {} }), /random_state" is required/);
});

test('data-dependent checks: max_features above n_features, max_samples above n_samples, bootstrap=False', () => {
  assert.throws(
    () => train({ RandomForestClassifier: { random_state: 0, max_features: 5 } }),
    /max_features/,
  );
  assert.throws(
    () => train({ RandomForestClassifier: { random_state: 0, max_samples: 61 } }),
    /max_samples must be <= n_samples=60/,
  );
  assert.throws(
    () => train({ RandomForestClassifier: { random_state: 0, bootstrap: false, max_samples: 0.5 } }),
    /max_samples" cannot be set when "bootstrap" is false/,
  );
  assert.throws(
    () => train({ RandomForestClassifier: { random_state: 0, class_weight: { 0: 1, 7: 2 } } }),
    /class_weight names classes not in the data/,
  );
});

test('make_classification parameters are checked by name', () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ n_samples: 10, random_state: 0, n_sample: 3 }, /unknown make_classification parameter "n_sample"/],
    [{ n_samples: 0, random_state: 0 }, /"n_samples" is 0; expected an integer in \[1, 10000000\]/],
    [{ n_samples: 10 }, /"random_state" is required/],
    [{ n_samples: 10, n_features: 3, random_state: 0 }, /must be <= n_features/],
    [{ n_samples: 10, n_features: 5, n_informative: 1, n_classes: 3, random_state: 0 }, /2\*\*n_informative/],
    [{ n_samples: 10, weights: [0.1, 0.2, 0.3], random_state: 0 }, /weights has 3 entries/],
  ];
  for (const [mc, re] of bad) {
    assert.throws(
      () => train({ RandomForestClassifier: { random_state: 0 } }, { make_classification: mc }),
      (e: unknown) => (e instanceof ModelConfigError || e instanceof DatasetError) && re.test(e.message),
      JSON.stringify(mc),
    );
  }
  assert.throws(
    () => train({ RandomForestClassifier: { random_state: 0 } }, { sql: {} }),
    /expected exactly one of: make_classification, csv/,
  );
});

test('defaults follow scikit-learn 1.2.1', () => {
  const rf = parseModelSection({ RandomForestClassifier: { random_state: 1 } });
  assert.equal(rf.nEstimators, 100);
  assert.equal(rf.maxFeatures, 'sqrt');
  assert.equal(rf.bootstrap, true);
  assert.equal(rf.criterion, 'gini');
  const rr = parseModelSection({ RandomForestRegressor: { random_state: 1 } });
  assert.equal(rr.maxFeatures, null);
  assert.equal(rr.criterion, 'squared_error');
  const dt = parseModelSection({ DecisionTreeClassifier: { random_state: 1 } });
  assert.equal(dt.bootstrap, false);
  assert.equal(dt.maxFeatures, null);
});
