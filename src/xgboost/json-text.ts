// XGBoost's JSON model text -> plain values: a bounded pre-scan (depth, value count, bare NaN and
// Infinity tokens that JSON.parse rejects), then V8's JSON.parse; errors name the line and column.
import { XGBoostFormatError, XGBoostLimitError } from './errors.js';
import { locateJsonError } from './json-locate.js';

export interface DocLimits {
  /** Largest model file accepted, in bytes. */
  readonly maxBytes: number;
  /** Deepest nesting of arrays/objects (an XGBoost model needs 8). */
  readonly maxDepth: number;
  /** Most values (numbers, strings, containers) in one document. */
  readonly maxValues: number;
}

export const DEFAULT_DOC_LIMITS: DocLimits = {
  maxBytes: 512 * 1024 * 1024,
  maxDepth: 64,
  maxValues: 64 * 1024 * 1024,
};

/** What a bare `NaN` becomes before JSON.parse: a 3-byte string the reader maps back to NaN. */
export const NAN_SENTINEL = 'N';

/** 1-based line and column of a byte offset (the text is checked to be ASCII-compatible UTF-8). */
export function lineColumn(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, bytes.length);
  for (let i = 0; i < end; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function formatError(bytes: Uint8Array, offset: number, what: string): XGBoostFormatError {
  const { line, column } = lineColumn(bytes, offset);
  return new XGBoostFormatError(`XGBoost JSON: ${what} at line ${line}, column ${column} (byte ${offset})`, {
    context: { offset, line, column },
  });
}

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function matches(bytes: Uint8Array, at: number, word: string): boolean {
  if (at + word.length > bytes.length) return false;
  for (let k = 0; k < word.length; k++) if (bytes[at + k] !== word.charCodeAt(k)) return false;
  return true;
}

function patch(out: Uint8Array, at: number, text: string): void {
  for (let k = 0; k < text.length; k++) out[at + k] = text.charCodeAt(k);
}

/**
 * Checks nesting and size, and rewrites bare `NaN` as `"N"` and `Infinity` as `1e999999` (same
 * lengths, so JSON.parse's positions still point into the original file). Returns the bytes to parse.
 */
function prescan(bytes: Uint8Array, limits: DocLimits): Uint8Array {
  const stack = new Uint8Array(limits.maxDepth);
  let depth = 0;
  let values = 0;
  let out = bytes;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    if (b === QUOTE) {
      // Skip the string; an escape skips the byte after the backslash.
      let j = i + 1;
      while (j < n && bytes[j] !== QUOTE) j += bytes[j] === BACKSLASH ? 2 : 1;
      if (j >= n) throw formatError(bytes, i, 'a string starts here and never ends (truncated file?)');
      i = j;
      values++;
    } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      if (depth >= limits.maxDepth) {
        throw new XGBoostLimitError(
          `XGBoost JSON nests deeper than ${limits.maxDepth} levels at byte ${i}; a model needs fewer than 10`,
        );
      }
      stack[depth++] = b;
      values++;
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
      const open = b === CLOSE_OBJECT ? OPEN_OBJECT : OPEN_ARRAY;
      if (depth === 0 || stack[depth - 1] !== open) {
        throw formatError(bytes, i, `unexpected '${String.fromCharCode(b)}'`);
      }
      depth--;
    } else if (b === 0x2c /* , */) {
      values++;
    } else if (b === 0x4e /* N */ && matches(bytes, i, 'NaN')) {
      if (out === bytes) out = Uint8Array.from(bytes);
      patch(out, i, `"${NAN_SENTINEL}"`);
      i += 2;
    } else if (b === 0x49 /* I */ && matches(bytes, i, 'Infinity')) {
      if (out === bytes) out = Uint8Array.from(bytes);
      patch(out, i, '1e999999');
      i += 7;
    }
    if (values > limits.maxValues) {
      throw new XGBoostLimitError(
        `XGBoost JSON holds more than ${limits.maxValues} values (at byte ${i}); raise the reader's maxValues to read it`,
      );
    }
  }
  if (depth > 0) {
    throw formatError(
      bytes,
      n,
      `the file ends with ${depth} object(s)/array(s) still open (truncated file?)`,
    );
  }
  return out;
}

/** Parses XGBoost's JSON model text (bare NaN and Infinity allowed); throws XGBoostFormatError naming the place. */
export function parseModelJson(bytes: Uint8Array, limits: DocLimits = DEFAULT_DOC_LIMITS): unknown {
  if (bytes.length > limits.maxBytes) {
    throw new XGBoostLimitError(
      `XGBoost JSON model is ${bytes.length} bytes; the reader accepts at most ${limits.maxBytes}`,
    );
  }
  const scanned = prescan(bytes, limits);
  const text = Buffer.from(scanned.buffer, scanned.byteOffset, scanned.byteLength).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8's message does not always give a position: find the first grammar error ourselves.
    const problem = locateJsonError(scanned);
    if (problem) throw formatError(bytes, problem.offset, `invalid JSON: ${problem.what}`);
    throw formatError(bytes, bytes.length, `invalid JSON (${(error as Error).message})`);
  }
}
