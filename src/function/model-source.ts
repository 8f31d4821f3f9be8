// Where the function's model comes from (MODEL_PATH, else model.json beside the handler), which loader it
// needs, and its one load at init.
import { closeSync, openSync, readSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { sniffModelFormat } from '../model/sniff.js';
import type { Predictor } from '../model/types.js';
import { ModelInitError } from './errors.js';

export const DEFAULT_MODEL_FILE = 'model.json';

export interface ModelLocation {
  readonly path: string;
  /** How the path was chosen, for the init error message. */
  readonly origin: string;
}

/** MODEL_PATH (relative to the working directory, which is the task root on Lambda) or the default. */
export function locateModel(
  env: Readonly<Record<string, string | undefined>>,
  handlerDir: string,
  cwd: string,
): ModelLocation {
  const fromEnv = env.MODEL_PATH;
  if (fromEnv !== undefined && fromEnv !== '') {
    return { path: isAbsolute(fromEnv) ? fromEnv : resolve(cwd, fromEnv), origin: `MODEL_PATH=${fromEnv}` };
  }
  return {
    path: join(handlerDir, DEFAULT_MODEL_FILE),
    origin: `the default ${DEFAULT_MODEL_FILE} next to the handler; set MODEL_PATH to use another file`,
  };
}

/** Loads once; any failure becomes a ModelInitError naming the path, so Lambda reports an init error. */
export function loadModelAtInit(location: ModelLocation, load: (path: string) => Predictor): Predictor {
  try {
    return load(location.path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ModelInitError(`cannot load the model from ${location.path} (${location.origin}): ${reason}`, {
      cause: error,
      context: { path: location.path },
    });
  }
}

/**
 * True when the file is a native artifact: JSON whose first key is not an XGBoost one, or the binary
 * signature; false for anything else (a joblib/pickle file, XGBoost JSON/UBJSON, LightGBM text), which
 * needs the readers. An unreadable file counts as native so the native loader reports the read error.
 */
export function looksLikeNativeArtifact(path: string): boolean {
  const head = Buffer.alloc(512);
  let n: number;
  try {
    const fd = openSync(path, 'r');
    try {
      n = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return true;
  }
  return sniffModelFormat(head.subarray(0, n)) === 'artifact';
}
