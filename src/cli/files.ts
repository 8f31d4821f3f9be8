// File helpers the CLI commands share: JSON configs with errors that name the file, atomic writes.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';

/** Reads and parses a JSON config file; errors name the file. */
export function readJsonConfig(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read config ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`config ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Writes a file through a temporary name so a crash never leaves half an artifact. */
export function writeFileAtomic(path: string, text: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
