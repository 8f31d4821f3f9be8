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
