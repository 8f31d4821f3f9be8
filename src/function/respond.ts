// Shapes predictions into the function's answer body: a label, {prediction, probabilities}, or arrays of them.
import type { ClassLabel, Predictor } from '../model/types.js';
import type { PredictionRequest } from './request.js';

export interface WithProbabilities {
  readonly prediction: ClassLabel;
  readonly probabilities: number[];
}

export type Prediction = ClassLabel | WithProbabilities;

function predictRow(predictor: Predictor, row: readonly number[], probabilities: boolean): Prediction {
  const prediction = predictor.predict(row);
  if (!probabilities) return prediction;
  return { prediction, probabilities: Array.from(predictor.predictProba(row)) };
}

export function predictBody(predictor: Predictor, request: PredictionRequest): Prediction | Prediction[] {
  const answers = request.rows.map((row) => predictRow(predictor, row, request.probabilities));
  return request.batch ? answers : (answers[0] as Prediction);
}
