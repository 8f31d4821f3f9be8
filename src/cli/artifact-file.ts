// How the CLI writes model artifacts: JSON or the binary container, chosen by --format or by the file name
// (`.lmlb` means binary), with the sha256 of the bytes written.
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import { UsageError } from '../core/errors.js';
import { serializeArtifact, serializeArtifactBinary } from '../model/artifact.js';
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

/** Writes the artifact atomically; returns the sha256 (hex) of the bytes written. */
export function writeArtifact(path: string, artifact: ModelArtifact, encoding: ArtifactEncoding): string {
  const bytes = encodeArtifact(artifact, encoding);
  writeFileAtomic(path, bytes);
  return createHash('sha256').update(bytes).digest('hex');
}
