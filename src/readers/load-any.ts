// One loader for every model file, told by its bytes: lambda-ml's JSON artifact, scikit-learn /
// XGBoost / LightGBM joblib and pickle files, XGBoost JSON/UBJSON and LightGBM model text.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LambdaMlError } from '../core/errors.js';
import { GENERATED_BY } from '../core/version.js';
import { type LightGBMModel, readLightGBMText } from '../lightgbm/read-model.js';
import { createPredictor, FORMAT_VERSION, validateArtifact } from '../model/artifact.js';
import { startsLikeBinary } from '../model/binary-format.js';
import { ArtifactError } from '../model/errors.js';
import { loadModelBytes } from '../model/load.js';
import { ACCEPTED_FORMATS, sniffModelFormat } from '../model/sniff.js';
import { ARTIFACT_FORMAT, type ModelArtifact, type Predictor, type Provenance } from '../model/types.js';
import { BOOSTER_WRAPPERS } from '../sklearn/allowlist-boosters.js';
import { ModelFileError } from '../sklearn/errors.js';
import { interpretEstimator } from '../sklearn/interpret.js';
import { type ReadOptions, unpickleFile } from '../sklearn/read.js';
import { toArtifact } from '../sklearn/to-artifact.js';
import { PyObject } from '../sklearn/values.js';
import { readXGBoostBytes } from '../xgboost/read.js';
import type { XGBoostModel } from '../xgboost/read-model.js';
import { UnknownModelFormatError } from './errors.js';
import { readPickledLightGBM } from './pickled-lightgbm.js';
import { readPickledXGBoost } from './pickled-xgboost.js';

export { ACCEPTED_FORMATS, type ModelFormat, sniffModelFormat } from '../model/sniff.js';

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ModelFileError(`cannot read model file ${path} (${code})`, { cause: error, context: { path } });
  }
}

/** Re-throws a typed error with the path in front, keeping its class (UnsafePickleError stays one). */
function withPath(path: string, error: unknown): never {
  if (error instanceof LambdaMlError) {
    const Ctor = error.constructor as new (m: string, o: object) => LambdaMlError;
    throw new Ctor(`${path}: ${error.message}`, { cause: error, context: { ...error.context, path } });
  }
  throw error;
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

export interface Source {
  readonly file: string;
  readonly sha256: string;
}

type ForeignModel = Pick<ModelArtifact, 'kind' | 'nFeatures' | 'classes' | 'estimator'>;

function foreignArtifact(
  model: ForeignModel,
  library: 'xgboost' | 'lightgbm',
  version: string,
  source: Source,
): ModelArtifact {
  const provenance: Provenance = {
    source: library,
    file: source.file,
    sha256: source.sha256,
    libraryVersion: version,
  };
  return {
    format: ARTIFACT_FORMAT,
    formatVersion: FORMAT_VERSION,
    kind: model.kind,
    generatedBy: GENERATED_BY,
    provenance,
    dataSha256: null,
    nFeatures: model.nFeatures,
    classes: model.classes,
    estimator: model.estimator,
  };
}

function xgboostArtifact(model: XGBoostModel, source: Source): ModelArtifact {
  return foreignArtifact(model, 'xgboost', model.estimator.version.join('.'), source);
}

function lightgbmArtifact(model: LightGBMModel, source: Source): ModelArtifact {
  return foreignArtifact(model, 'lightgbm', model.estimator.version, source);
}

/** A joblib/pickle file: scikit-learn estimators, or the XGBoost/LightGBM scikit-learn wrappers. */
function readPickled(bytes: Uint8Array, source: Source, options: ReadOptions): ModelArtifact {
  const { root } = unpickleFile(bytes, options);
  const cls = root instanceof PyObject ? root.cls.qualified : '';
  const wrapper = BOOSTER_WRAPPERS[cls];
  if (wrapper?.startsWith('XGB') || cls === 'xgboost.core.Booster')
    return xgboostArtifact(readPickledXGBoost(root as PyObject, wrapper ?? 'Booster'), source);
  if (wrapper?.startsWith('LGBM') || cls === 'lightgbm.basic.Booster')
    return lightgbmArtifact(readPickledLightGBM(root as PyObject, wrapper ?? 'Booster'), source);
  const model = interpretEstimator(root, options);
  return toArtifact(model, source);
}

function unknownFormat(bytes: Uint8Array): never {
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new UnknownModelFormatError(
    `not a model file lambda-ml reads (it starts with ${head || 'nothing'}); accepted: ${ACCEPTED_FORMATS.join('; ')}`,
  );
}

/**
 * Reads a non-artifact model file's bytes into a native artifact (what `lambda-ml convert` writes).
 * A lambda-ml artifact itself is not converted: it is refused with a message saying so.
 */
export function readModelBytes(bytes: Uint8Array, source: Source, options: ReadOptions = {}): ModelArtifact {
  const artifact = readForeign(bytes, source, options);
  try {
    return validateArtifact(artifact);
  } catch (error) {
    if (!(error instanceof ArtifactError)) throw error;
    // The same checks an artifact file gets at load: a model that fails them is never served or written.
    throw new ArtifactError(
      `the ${artifact.kind} read from this file fails lambda-ml's structural checks: ${error.message.replace(/^invalid model artifact: /, '')}`,
      { cause: error, context: error.context },
    );
  }
}

function readForeign(bytes: Uint8Array, source: Source, options: ReadOptions): ModelArtifact {
  switch (sniffModelFormat(bytes.subarray(0, 512))) {
    case 'pickle':
      return readPickled(bytes, source, options);
    case 'xgboost-json':
      return xgboostArtifact(readXGBoostBytes(bytes, 'json'), source);
    case 'xgboost-ubjson':
      return xgboostArtifact(readXGBoostBytes(bytes, 'ubjson'), source);
    case 'lightgbm-text':
      return lightgbmArtifact(readLightGBMText(utf8(bytes)), source);
    case 'artifact':
      throw new UnknownModelFormatError(
        'this is JSON but no XGBoost model; if it is a lambda-ml artifact it needs no conversion',
      );
    default:
      return unknownFormat(bytes);
  }
}

/** Reads any non-artifact model file into a native artifact; errors name the path. */
export function readModelFile(path: string, options: ReadOptions = {}): ModelArtifact {
  const bytes = readBytes(path);
  try {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return readModelBytes(bytes, { file: basename(path), sha256 }, options);
  } catch (error) {
    return withPath(path, error);
  }
}

/** The earlier name of readModelFile, from when it read scikit-learn files only. */
export const readSklearnFile = readModelFile;

/** True when an artifact-looking file is one: binary, or JSON with a "format" key. */
function isArtifact(bytes: Uint8Array): boolean {
  if (startsLikeBinary(bytes)) return true;
  const text = Buffer.from(bytes.subarray(0, 4096)).toString('utf8');
  if (/^\s*\{\s*"format"\s*:/.test(text.replace(/^\ufeff/, ''))) return true;
  try {
    const o = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
    return typeof o === 'object' && o !== null && Object.hasOwn(o, 'format');
  } catch {
    return true; // let the artifact parser report where the JSON breaks
  }
}

/** Loads any model file into a Predictor; the format is told by the bytes, never by the extension. */
export function loadAnyModelFile(path: string, options: ReadOptions = {}): Predictor {
  const bytes = readBytes(path);
  if (sniffModelFormat(bytes.subarray(0, 512)) === 'artifact') {
    if (isArtifact(bytes)) return loadModelBytes(bytes, path);
    const what =
      'this JSON is neither a lambda-ml artifact (no "format" field) nor an XGBoost model (no "learner")';
    return withPath(path, new UnknownModelFormatError(`${what}; accepted: ${ACCEPTED_FORMATS.join('; ')}`));
  }
  try {
    // No hash here: this artifact only feeds a Predictor and is never written (convert records it).
    return createPredictor(readModelBytes(bytes, { file: basename(path), sha256: '' }, options));
  } catch (error) {
    return withPath(path, error);
  }
}

/** How CLI help names the files a command accepts. */
export const MODEL_FILE_HELP =
  'a lambda-ml JSON artifact, a scikit-learn/XGBoost/LightGBM .joblib/.pkl, XGBoost JSON/UBJSON or LightGBM model text';
