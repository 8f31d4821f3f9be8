// scikit-learn's input check for trees, `check_array(X, dtype=np.float32)`: every value a number that is
// still finite once cast to float32. One place for the message, used by every tree predictor path.
import { PredictInputError } from './errors.js';

function refuse(rows: ArrayLike<unknown>, j: number, nFeatures: number): never {
  const v = rows[j];
  const shown = typeof v === 'number' ? String(v) : JSON.stringify(v);
  throw new PredictInputError(
    `row ${Math.floor(j / nFeatures)} feature ${j % nFeatures} is ${shown}; expected a finite number within float32 range`,
  );
}

/** rows[from .. from + n) cast to float32 into x[0 .. n); throws PredictInputError naming the row and feature. */
export function castToFloat32(
  rows: ArrayLike<unknown>,
  from: number,
  n: number,
  x: Float32Array,
  nFeatures: number,
): void {
  if (rows instanceof Float64Array || rows instanceof Float32Array) {
    for (let j = 0; j < n; j++) x[j] = rows[from + j] as number;
  } else {
    for (let j = 0; j < n; j++) {
      const v = rows[from + j];
      if (typeof v !== 'number') refuse(rows, from + j, nFeatures);
      x[j] = v;
    }
  }
  for (let j = 0; j < n; j++) {
    const v = x[j] as number;
    if (v - v !== 0) refuse(rows, from + j, nFeatures);
  }
}
