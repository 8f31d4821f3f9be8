// A pickled LGBMClassifier/LGBMRegressor (already unpickled into inert records by the safe VM) -> a
// LightGBM model: the booster's model text plus the wrapper's classes and best_iteration.
import type { LightGBMModel } from '../lightgbm/read-model.js';
import { readLightGBMText } from '../lightgbm/read-model.js';
import { UnsupportedModelError } from '../sklearn/errors.js';
import { EstimatorState, labels } from '../sklearn/state.js';
import { NdArray, type PyObject } from '../sklearn/values.js';

function wrapperClasses(s: EstimatorState): (string | number)[] | null {
  const direct = s.has('_classes') ? s.raw('_classes') : null;
  if (direct instanceof NdArray) return labels(direct, `${s.path}._classes`);
  if (s.has('_le')) {
    const le = new EstimatorState(s.object('_le'), `${s.path}._le`);
    return labels(le.array('classes_'), `${s.path}._le.classes_`);
  }
  return null;
}

/** The model text and best_iteration of a pickled lightgbm.basic.Booster (Booster.predict stops there). */
function boosterState(booster: EstimatorState): { text: string; bestIteration: number } {
  const best = booster.has('best_iteration') ? booster.raw('best_iteration') : 0;
  return {
    text: booster.str('_handle'),
    bestIteration: typeof best === 'number' && Number.isSafeInteger(best) ? best : 0,
  };
}

/** A pickled LGBMClassifier/LGBMRegressor, or a bare lightgbm.basic.Booster (className 'Booster'). */
export function readPickledLightGBM(root: PyObject, className: string): LightGBMModel {
  if (className === 'Booster') {
    const { text, bestIteration } = boosterState(new EstimatorState(root, 'Booster'));
    return readLightGBMText(text, { estimatorType: null, classes: null, bestIteration });
  }
  const s = new EstimatorState(root, className);
  if (!s.has('_Booster') || s.raw('_Booster') === null) {
    throw new UnsupportedModelError(`${className} has no _Booster: it was pickled before fit()`);
  }
  const { text, bestIteration } = boosterState(
    new EstimatorState(s.object('_Booster'), `${className}._Booster`),
  );
  const classifier = className === 'LGBMClassifier';
  return readLightGBMText(text, {
    estimatorType: classifier ? 'classifier' : 'regressor',
    classes: classifier ? wrapperClasses(s) : null,
    bestIteration,
  });
}
