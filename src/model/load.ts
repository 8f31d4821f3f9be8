// Loads a model file from disk into a Predictor (used by the Lambda handler, the CLI and the emulator).
import { readFileSync } from 'node:fs';
import { createPredictor, parseArtifact } from './artifact.js';
import { ArtifactError } from './errors.js';
import type { Predictor } from './types.js';

/** Reads, validates and compiles a native JSON artifact; errors name the path. */
export function loadModelFile(path: string): Predictor {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ArtifactError(`cannot read model file ${path} (${code})`, { cause: error, context: { path } });
  }
  try {
    return createPredictor(parseArtifact(text));
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
