// The Lambda prediction function (`function/handler.handler`): loads the model (JSON artifact, or a
// scikit-learn / XGBoost / LightGBM file) once at init, then predicts.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModelFile } from '../model/load.js';
import { loadModelAtInit, locateModel, looksLikeNativeArtifact } from './model-source.js';
import { createPredictionHandler, warmUp } from './predict.js';

const location = locateModel(process.env, dirname(fileURLToPath(import.meta.url)), process.cwd());
// process.hrtime, not the `performance` global: the first touch of that global loads perf_hooks (~1 ms).
const started = process.hrtime.bigint();
// Any other format (told by its bytes: joblib/pickle, XGBoost, LightGBM) needs the readers; they are
// imported only then, so a native model's cold start does not load them.
const load = looksLikeNativeArtifact(location.path)
  ? loadModelFile
  : (await import('../readers/load-any.js')).loadAnyModelFile;
const predictor = loadModelAtInit(location, load);
console.log(
  `loaded ${predictor.kind} (${predictor.nFeatures} features) from ${location.path} in ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(1)} ms`,
);

/** `handler(event, context)`: direct `{"data": ...}` invocations and Function URL / API Gateway events. */
export const handler = createPredictionHandler(predictor);
// One prediction now, so its one-time costs land in Init Duration rather than in the first call.
await warmUp(handler, predictor);
