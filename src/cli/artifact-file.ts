// How the CLI writes model artifacts: JSON or the binary container, chosen by --format or by the file name
// (`.lmlb` means binary), with the sha256 of the bytes written.
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import { LambdaMlError, UsageError } from '../core/errors.js';
import {
  createPredictor,
  parseArtifactBytes,
  serializeArtifact,
  serializeArtifactBinary,
} from '../model/artifact.js';
import { ArtifactError } from '../model/errors.js';
import type { ModelArtifact } from '../model/types.js';
import { writeFileAtomic } from './files.js';

export type ArtifactEncoding = 'json' | 'binary';

export const BINARY_EXTENSION = '.lmlb';

export const FORMAT_OPTION_HELP =
  'json (readable) or binary (typed sections, loads ~20x faster for big forests); default: binary for a .lmlb file, else json';

/** The encoding `--format` asks for, or the one the file name implies. */
export function encodingFor(path: string, format: string | undefined): ArtifactEncoding {
  if (format === undefined) return extname(path).toLowerCase() === BINARY_EXTENSION ? 'binary' : 'json';
  if (format === 'json' || format === 'binary') return format;
  throw new UsageError(`--format ${JSON.stringify(format)} is not a model format; expected json or binary`);
}

/** The artifact's bytes in `encoding`. */
export function encodeArtifact(artifact: ModelArtifact, encoding: ArtifactEncoding): string | Uint8Array {
  return encoding === 'binary' ? serializeArtifactBinary(artifact) : serializeArtifact(artifact);
}

/**
 * Loads `bytes` exactly as the function will (parse, checks, predictor): an artifact that would not load
 * is never written, so no command exits 0 leaving a file behind that the function then refuses.
 */
export function checkArtifactBytes(bytes: string | Uint8Array, path: string): void {
  try {
    createPredictor(parseArtifactBytes(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes));
  } catch (error) {
    if (!(error instanceof LambdaMlError)) throw error;
    throw new ArtifactError(`not writing ${path}: the artifact would not load: ${error.message}`, {
      cause: error,
      context: { ...error.context, path },
    });
  }
}

/** Writes the artifact atomically once its bytes load back; returns the sha256 (hex) of the bytes written. */
export function writeArtifact(path: string, artifact: ModelArtifact, encoding: ArtifactEncoding): string {
  const bytes = encodeArtifact(artifact, encoding);
  checkArtifactBytes(bytes, path);
  writeFileAtomic(path, bytes);
  return createHash('sha256').update(bytes).digest('hex');
}
