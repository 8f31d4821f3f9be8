// A pickled XGBClassifier/XGBRegressor (already unpickled into inert records by the safe VM) -> an
// XGBoost model: the booster's UBJSON bytes plus the wrapper's classes_, missing and feature names.
import { UnsupportedModelError } from '../sklearn/errors.js';
import { EstimatorState, labels } from '../sklearn/state.js';
import { NdArray, type PyObject } from '../sklearn/values.js';
import { readXGBoostBytes } from '../xgboost/read.js';
import type { WrapperInfo, XGBoostModel } from '../xgboost/read-model.js';

/** feature_names_in_ (set when the wrapper was fitted on a DataFrame with string column names). */
export function featureNamesIn(s: EstimatorState): string[] | null {
  if (!s.has('feature_names_in_')) return null;
  const v = s.raw('feature_names_in_');
  if (!(v instanceof NdArray)) return null;
  const names = labels(v, `${s.path}.feature_names_in_`);
  return names.every((n) => typeof n === 'string') ? (names as string[]) : null;
}

/** The UBJSON bytes a pickled xgboost.core.Booster keeps in `handle`. */
function boosterBytes(booster: EstimatorState, className: string): Uint8Array {
  const handle = booster.raw('handle');
  if (!(handle instanceof Uint8Array)) return booster.fail('handle', 'the booster bytes (a bytearray)');
  if (handle[0] !== 0x7b /* { */) {
    throw new UnsupportedModelError(
      `${className} was pickled by an XGBoost older than 1.6 (a binary booster, not UBJSON); load it there and save_model() to JSON`,
    );
  }
  return handle;
}

/** A pickled XGBClassifier/XGBRegressor, or a bare xgboost.core.Booster (className 'Booster'). */
export function readPickledXGBoost(root: PyObject, className: string): XGBoostModel {
  if (className === 'Booster')
    return readXGBoostBytes(boosterBytes(new EstimatorState(root, 'Booster'), 'Booster'), 'ubjson');
  const s = new EstimatorState(root, className);
  if (!s.has('_Booster')) {
    throw new UnsupportedModelError(`${className} has no _Booster: it was pickled before fit()`);
  }
  const handle = boosterBytes(new EstimatorState(s.object('_Booster'), `${className}._Booster`), className);
  const classifier = className.endsWith('Classifier');
  const missing = s.has('missing') && typeof s.raw('missing') === 'number' ? s.num('missing') : Number.NaN;
  const wrapper: WrapperInfo = {
    estimatorType: classifier ? 'classifier' : 'regressor',
    classes: classifier && s.has('classes_') ? labels(s.array('classes_'), `${className}.classes_`) : null,
    missing,
    featureNames: featureNamesIn(s),
  };
  return readXGBoostBytes(handle, 'ubjson', wrapper);
}
