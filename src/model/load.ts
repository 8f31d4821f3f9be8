// Loads a model file from disk into a Predictor (used by the Lambda handler, the CLI and the emulator).
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { createPredictor, parseArtifactBytes, predictorFromHead } from './artifact.js';
import { decodeHead, headLength, type SectionInfo, startsLikeBinary } from './binary-format.js';
import { ArtifactError } from './errors.js';
import type { Predictor } from './types.js';

function cannotRead(path: string, error: unknown): never {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  throw new ArtifactError(`cannot read model file ${path} (${code})`, { cause: error, context: { path } });
}

/** Reads exactly `into.length` bytes at `position`; a short read means the file changed under us. */
function readFully(fd: number, into: Uint8Array, position: number, path: string): void {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0)
      throw new ArtifactError(`${path}: the file got shorter while it was read`, { context: { path } });
    done += n;
  }
}

/**
 * Reads, validates and compiles a native artifact (JSON or binary); errors name the path. A binary file
 * with a predictor image (big forests) is loaded from its header, metadata and image alone, read straight
 * into the kernel's memory; every other file is read whole and parsed.
 */
export function loadModelFile(path: string): Predictor {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    cannotRead(path, error);
  }
  try {
    const fast = withPath(path, () => fromImage(fd, path));
    if (fast !== null) return fast;
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(fd);
    } catch (error) {
      cannotRead(path, error);
    }
    return loadModelBytes(bytes, path);
  } finally {
    closeSync(fd);
  }
}

/** The Predictor from a binary file's head and predictor image, or null (not binary, no usable image). */
function fromImage(fd: number, path: string): Predictor | null {
  let size: number;
  const first = new Uint8Array(32);
  try {
    size = fstatSync(fd).size;
    if (size < first.length || readSync(fd, first, 0, first.length, 0) !== first.length) return null;
  } catch (error) {
    cannotRead(path, error);
  }
  if (!startsLikeBinary(first)) return null;
  const head = new Uint8Array(Math.min(headLength(first), size));
  readFully(fd, head, 0, path);
  return predictorFromHead(decodeHead(head, size), (info: SectionInfo, into: Uint8Array) =>
    readFully(fd, into, info.offset, path),
  );
}

function withPath<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof ArtifactError && !error.message.startsWith(path)) {
      throw new ArtifactError(`${path}: ${error.message}`, { cause: error, context: { path } });
    }
    throw error;
  }
}

/** The Predictor of a native artifact's bytes already read from `path` (named in errors). */
export function loadModelBytes(bytes: Uint8Array, path: string): Predictor {
  return withPath(path, () => {
    if (startsLikeBinary(bytes) && bytes.length >= 32 && bytes.byteOffset % 8 === 0) {
      const fast = predictorFromHead(decodeHead(bytes, bytes.length), (info, into) =>
        into.set(bytes.subarray(info.offset, info.offset + info.byteLength)),
      );
      if (fast !== null) return fast;
    }
    return createPredictor(parseArtifactBytes(bytes));
  });
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
