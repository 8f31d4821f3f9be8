// Where the function's model comes from (MODEL_PATH, else model.json beside the handler), the MODEL_SHA256
// pin its bytes must match, which loader it needs, and its one load at init.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { sniffModelFormat } from '../model/sniff.js';
import type { Predictor } from '../model/types.js';
import { ModelInitError } from './errors.js';

export const DEFAULT_MODEL_FILE = 'model.json';

export interface ModelLocation {
  readonly path: string;
  /** How the path was chosen, for the init error message. */
  readonly origin: string;
  /** MODEL_SHA256: the sha256 (hex) the model file's bytes must have; absent when no pin is set. */
  readonly sha256?: string;
}

/**
 * MODEL_SHA256, when set: the pin the deployment put beside the image (the CDK app sets it to the digest
 * of the model the build trained). An artifact's own sha256 field only shows it was not edited by
 * accident; anyone who edits the file can recompute that field, but not the function's configuration.
 */
function pinFrom(env: Readonly<Record<string, string | undefined>>): { sha256?: string } {
  const raw = env.MODEL_SHA256;
  if (raw === undefined || raw.trim() === '') return {};
  const sha256 = raw.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256)) {
    throw new ModelInitError(
      `MODEL_SHA256 is ${JSON.stringify(raw.slice(0, 80))}; expected the model file's sha256 as 64 hex digits (or unset it to load without a pin)`,
    );
  }
  return { sha256 };
}

/** MODEL_PATH (relative to the working directory, which is the task root on Lambda) or the default. */
export function locateModel(
  env: Readonly<Record<string, string | undefined>>,
  handlerDir: string,
  cwd: string,
): ModelLocation {
  const pin = pinFrom(env);
  const fromEnv = env.MODEL_PATH;
  if (fromEnv !== undefined && fromEnv !== '') {
    return {
      path: isAbsolute(fromEnv) ? fromEnv : resolve(cwd, fromEnv),
      origin: `MODEL_PATH=${fromEnv}`,
      ...pin,
    };
  }
  return {
    path: join(handlerDir, DEFAULT_MODEL_FILE),
    origin: `the default ${DEFAULT_MODEL_FILE} next to the handler; set MODEL_PATH to use another file`,
    ...pin,
  };
}

/** Refuses a model file whose bytes do not hash to the MODEL_SHA256 pin (before any of it is parsed). */
function checkPin(location: ModelLocation): void {
  if (location.sha256 === undefined) return;
  let actual: string;
  try {
    actual = createHash('sha256').update(readFileSync(location.path)).digest('hex');
  } catch {
    return; // unreadable: the loader reports the read error with its errno
  }
  if (actual !== location.sha256) {
    throw new ModelInitError(
      `the model file ${location.path} (${location.origin}) has sha256 ${actual}, but MODEL_SHA256 pins ${location.sha256}: it is not the model this function was deployed with, so it is not loaded`,
      { context: { path: location.path, expectedSha256: location.sha256, sha256: actual } },
    );
  }
}

/** Loads once; any failure becomes a ModelInitError naming the path, so Lambda reports an init error. */
export function loadModelAtInit(location: ModelLocation, load: (path: string) => Predictor): Predictor {
  checkPin(location);
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
