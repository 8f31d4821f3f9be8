// Allow-list entries for the scikit-learn wrappers of XGBoost and LightGBM (and the plain containers
// their pickled state uses): inert records for the same safe pickle VM, never imported or called.
import type { GlobalRole } from './allowlist.js';

/** Wrapper classes the readers turn into models, by qualified name. */
export const BOOSTER_WRAPPERS: Readonly<Record<string, string>> = {
  'xgboost.sklearn.XGBClassifier': 'XGBClassifier',
  'xgboost.sklearn.XGBRegressor': 'XGBRegressor',
  'xgboost.sklearn.XGBRFClassifier': 'XGBRFClassifier',
  'xgboost.sklearn.XGBRFRegressor': 'XGBRFRegressor',
  'lightgbm.sklearn.LGBMClassifier': 'LGBMClassifier',
  'lightgbm.sklearn.LGBMRegressor': 'LGBMRegressor',
};

export const BOOSTER_GLOBALS: ReadonlyArray<readonly [string, GlobalRole]> = [
  ...Object.keys(BOOSTER_WRAPPERS).map((k): [string, GlobalRole] => [k, 'class']),
  // The boosters inside: XGBoost's holds its model as a bytearray of UBJSON, LightGBM's as model text.
  ['xgboost.core.Booster', 'class'],
  ['lightgbm.basic.Booster', 'class'],
  // LGBMClassifier's label encoder (its classes_ are the labels).
  ['sklearn.preprocessing._label.LabelEncoder', 'class'],
  // bytearray(b'...') rebuilds bytes; OrderedDict() / defaultdict(factory) build plain dicts (the
  // factory is only an argument, never called).
  ['builtins.bytearray', 'bytearray'],
  ['collections.OrderedDict', 'dict'],
  ['collections.defaultdict', 'dict'],
];

/** Modules whose unknown names are unsupported models rather than unsafe globals. */
export function isBoosterModule(module: string): boolean {
  return /^(xgboost|lightgbm)(\.|$)/.test(module);
}
