// Loads a model file from disk into a Predictor (used by the Lambda handler, the CLI and the emulator).
import { readFileSync } from 'node:fs';
import { createPredictor, parseArtifactBytes } from './artifact.js';
import { startsLikeBinary } from './binary-format.js';
import { ArtifactError } from './errors.js';
import type { Predictor } from './types.js';

/** Reads, validates and compiles a native artifact (JSON or binary); errors name the path. */
export function loadModelFile(path: string): Predictor {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ArtifactError(`cannot read model file ${path} (${code})`, { cause: error, context: { path } });
  }
  return loadModelBytes(bytes, path);
}

/** The Predictor of a native artifact's bytes already read from `path` (named in errors). */
export function loadModelBytes(bytes: Uint8Array, path: string): Predictor {
  try {
    return createPredictor(parseArtifactBytes(bytes));
  } catch (error) {
    if (error instanceof ArtifactError) {
      throw new ArtifactError(`${path}: ${error.message}`, { cause: error, context: { path } });
    }
    throw error;
  }
}

/**
 * True when the bytes look like a JSON artifact: the first byte after blanks (and a UTF-8 byte-order
 * mark) is `{`. Anything else, such as a joblib/pickle file (0x80, 0x78, 0x1f 0x8b ...), is not.
 */
export function startsLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0xef || b === 0xbb || b === 0xbf)
      continue;
    return b === 0x7b;
  }
  return false;
}

/** True for either native encoding: JSON text or the binary container's signature. */
export function startsLikeArtifact(bytes: Uint8Array): boolean {
  return startsLikeBinary(bytes) || startsLikeJson(bytes);
}
