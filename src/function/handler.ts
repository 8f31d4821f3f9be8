// The Lambda prediction function (`function/handler.handler`): loads the model once at init, then predicts.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModelFile } from '../model/load.js';
import { loadModelAtInit, locateModel } from './model-source.js';
import { createPredictionHandler } from './predict.js';

const location = locateModel(process.env, dirname(fileURLToPath(import.meta.url)), process.cwd());
// process.hrtime, not the `performance` global: the first touch of that global loads perf_hooks (~1 ms).
const started = process.hrtime.bigint();
const predictor = loadModelAtInit(location, loadModelFile);
console.log(
  `loaded ${predictor.kind} (${predictor.nFeatures} features) from ${location.path} in ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(1)} ms`,
);

/** `handler(event, context)`: direct `{"data": ...}` invocations and Function URL / API Gateway events. */
export const handler = createPredictionHandler(predictor);
