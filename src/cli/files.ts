// File helpers the CLI commands share: JSON configs with errors that name the file, atomic writes.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../core/errors.js';
import { resolveFloatLiterals } from '../model/float-literals.js';

/** Reads and parses a JSON config file; errors name the file. */
export function readJsonConfig(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read config ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`config ${path} is not valid JSON: ${(error as Error).message}`);
  }
  // `"max_features": 1.0` must keep scikit-learn's float meaning, which JSON.parse alone loses.
  return resolveFloatLiterals(config, text);
}

/**
 * Writes a file through a temporary name so a crash never leaves half an artifact. Missing folders on the
 * way are created (`--out models/forest.json` in a fresh checkout); any other failure names the path.
 */
export function writeFileAtomic(path: string, text: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot write ${path} (${code}: ${(error as Error).message.split(',')[0]})`, {
      cause: error,
    });
  }
}
