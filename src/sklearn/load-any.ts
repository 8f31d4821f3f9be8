// One loader for every model file: native artifacts (JSON or binary), and scikit-learn .joblib/.pkl files (by magic bytes).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LambdaMlError } from '../core/errors.js';
import { createPredictor } from '../model/artifact.js';
import { loadModelBytes, startsLikeArtifact } from '../model/load.js';
import type { ModelArtifact, Predictor } from '../model/types.js';
import { ModelFileError } from './errors.js';
import { type ReadOptions, readSklearnBytes } from './read.js';
import { toArtifact } from './to-artifact.js';

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
  // Any typed error (the model area's ArtifactError too, from building the predictor) gets the path.
  if (error instanceof LambdaMlError) {
    const Ctor = error.constructor as new (m: string, o: object) => LambdaMlError;
    throw new Ctor(`${path}: ${error.message}`, { cause: error, context: { ...error.context, path } });
  }
  throw error;
}

/** Reads a scikit-learn file into a native artifact (what `lambda-ml convert` writes). */
export function readSklearnFile(path: string, options: ReadOptions = {}): ModelArtifact {
  const bytes = readBytes(path);
  try {
    const { model } = readSklearnBytes(bytes, options);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return toArtifact(model, { file: basename(path), sha256 });
  } catch (error) {
    return withPath(path, error);
  }
}

/**
 * Loads any model file into a Predictor: a native artifact through the model area's `loadModelFile`,
 * anything else as a joblib/pickle file (zlib/gzip/raw, detected by magic bytes, never by extension).
 */
export function loadAnyModelFile(path: string, options: ReadOptions = {}): Predictor {
  const bytes = readBytes(path);
  if (startsLikeArtifact(bytes)) return loadModelBytes(bytes, path);
  try {
    const { model } = readSklearnBytes(bytes, options);
    // No hash here: this artifact only feeds a Predictor and is never written (convert records it).
    return createPredictor(toArtifact(model, { file: basename(path), sha256: '' }));
  } catch (error) {
    return withPath(path, error);
  }
}
