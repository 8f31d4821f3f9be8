// The float64 math scikit-learn / scipy use for linear and boosting probabilities, in the same order, with
// glibc's exp (what scipy's expit and numpy call) instead of V8's.

import { PredictInputError } from './errors.js';
import { glibcExp } from './glibc-exp.js';

/** scipy.special.expit for doubles: `1 / (1 + exp(-x))`. */
export function expit(x: number): number {
  return 1 / (1 + glibcExp(-x));
}

/** sklearn.utils.extmath.softmax on one row: subtract the max, exp, divide by the (sequential) sum. */
export function softmax(scores: readonly number[]): Float64Array {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  const out = new Float64Array(scores.length);
  let sum = 0;
  for (let k = 0; k < scores.length; k++) {
    out[k] = glibcExp((scores[k] ?? 0) - max);
    sum += out[k] ?? 0;
  }
  for (let k = 0; k < out.length; k++) out[k] = (out[k] ?? 0) / sum;
  return out;
}

/** numpy.argmax: index of the first maximum. */
export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < v.length; k++) if ((v[k] ?? 0) > (v[best] ?? 0)) best = k;
  return best;
}

/** Checks a request row: an array of `n` finite numbers. */
export function checkRow(row: ArrayLike<number>, n: number, kind: string): void {
  if (row === null || typeof row !== 'object' || typeof row.length !== 'number') {
    throw new PredictInputError(`a ${kind} row must be an array of ${n} numbers`);
  }
  if (row.length !== n) {
    throw new PredictInputError(`row has ${row.length} features; the ${kind} model expects ${n}`, {
      context: { expected: n, got: row.length },
    });
  }
  for (let j = 0; j < n; j++) {
    if (typeof row[j] !== 'number' || !Number.isFinite(row[j])) {
      throw new PredictInputError(`feature ${j} of the row is ${String(row[j])}, expected a finite number`);
    }
  }
}
