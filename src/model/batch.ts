// Many rows through any Predictor: its own predictBatch when it has one (tree ensembles predict a
// block of rows tree by tree), else the one-row methods in a loop. Same numbers either way.
import { PredictInputError } from './errors.js';
import {
  type BatchPrediction,
  type ClassLabel,
  type FeatureValue,
  type Predictor,
  predictsProbabilities,
} from './types.js';

/** Rows from nested arrays into one row-major array, as predictBatch takes them. */
export function flattenRows(rows: ReadonlyArray<ArrayLike<FeatureValue>>, nFeatures: number): FeatureValue[] {
  const flat: FeatureValue[] = new Array(rows.length * nFeatures);
  rows.forEach((row, r) => {
    for (let f = 0; f < nFeatures; f++) flat[r * nFeatures + f] = row[f] as FeatureValue;
  });
  return flat;
}

/** The row loop every predictor supports. */
export function predictRowByRow(
  p: Predictor,
  rows: ArrayLike<FeatureValue>,
  nRows: number,
  probabilities: boolean,
): BatchPrediction {
  const F = p.nFeatures;
  const predictions: ClassLabel[] = new Array(nRows);
  const K = p.classes?.length ?? 0;
  const proba = probabilities ? new Float64Array(nRows * K) : null;
  const row: FeatureValue[] = new Array(F);
  for (let r = 0; r < nRows; r++) {
    for (let f = 0; f < F; f++) row[f] = rows[r * F + f] as FeatureValue;
    predictions[r] = p.predict(row);
    if (proba) proba.set(p.predictProba(row), r * K);
  }
  return { predictions, probabilities: proba };
}

/** `nRows` rows (row-major in `rows`) through `p`, probabilities too when asked (classifiers only). */
export function predictBatch(
  p: Predictor,
  rows: ArrayLike<FeatureValue>,
  nRows: number,
  probabilities = false,
): BatchPrediction {
  if (rows.length !== nRows * p.nFeatures) {
    throw new PredictInputError(
      `a batch of ${nRows} rows of ${p.nFeatures} features has ${nRows * p.nFeatures} values, got ${rows.length}`,
    );
  }
  if (probabilities && !predictsProbabilities(p)) {
    throw new PredictInputError(`${p.kind} has no probabilities`);
  }
  return p.predictBatch
    ? p.predictBatch(rows, nRows, probabilities)
    : predictRowByRow(p, rows, nRows, probabilities);
}
