// Detects a joblib container by its magic bytes and returns the pickle bytes inside (zlib, gzip or raw).
import { gunzipSync, inflateSync } from 'node:zlib';
import { PickleFormatError, PickleLimitError, UnsupportedCompressionError } from './errors.js';

export type Container = 'pickle' | 'zlib' | 'gzip';

const RESAVE =
  "lambda-ml reads uncompressed, zlib and gzip joblib files: re-save it with joblib.dump(model, path, compress=('zlib', 3))";

const UNSUPPORTED: ReadonlyArray<{ name: string; magic: readonly number[] }> = [
  { name: 'bz2', magic: [0x42, 0x5a, 0x68] },
  { name: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a] },
  { name: 'lzma', magic: [0x5d, 0x00] },
  { name: 'lz4', magic: [0x04, 0x22, 0x4d, 0x18] },
];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** Which container the bytes are, by magic: zlib (0x78), gzip (1f 8b) or a bare pickle (0x80). */
export function detectContainer(bytes: Uint8Array): Container {
  if (bytes[0] === 0x80) return 'pickle';
  if (bytes[0] === 0x78) return 'zlib';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'gzip';
  for (const u of UNSUPPORTED) {
    if (startsWith(bytes, u.magic)) {
      throw new UnsupportedCompressionError(`this joblib file is ${u.name}-compressed; ${RESAVE}`, {
        context: { compression: u.name },
      });
    }
  }
  if (startsWith(bytes, [0x5a, 0x46])) {
    throw new UnsupportedCompressionError(`this is a joblib < 0.9.3 'ZF' file; ${RESAVE}`);
  }
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new PickleFormatError(
    `not a joblib/pickle file: it starts with ${head || 'nothing'}; expected a pickle (80), zlib (78) or gzip (1f 8b) stream`,
  );
}

/**
 * The pickle bytes of a joblib/pickle file. A file is at most `maxBytes`; decompressed output is capped
 * at `maxInflated` (the budget scales it to the stored size, so a small bomb stops early).
 */
export function unwrapContainer(
  bytes: Uint8Array,
  maxBytes: number,
  maxInflated: number = maxBytes,
): { container: Container; pickle: Uint8Array } {
  const container = detectContainer(bytes);
  if (bytes.length > maxBytes)
    throw new PickleLimitError(`model file of ${bytes.length} bytes exceeds ${maxBytes}`);
  if (container === 'pickle') return { container, pickle: bytes };
  const limit = Math.min(maxBytes, maxInflated);
  try {
    const opts = { maxOutputLength: limit };
    const pickle = container === 'zlib' ? inflateSync(bytes, opts) : gunzipSync(bytes, opts);
    return { container, pickle: new Uint8Array(pickle.buffer, pickle.byteOffset, pickle.byteLength) };
  } catch (error) {
    if (error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PickleLimitError(
        `${container} stream of ${bytes.length} bytes inflates to more than ${limit} bytes (a file may grow 256-fold, to at least 32 MiB and at most ${maxBytes} bytes); if the model really is that compressible, save it uncompressed`,
        { cause: error, context: { resource: 'inflatedBytes', limit, offset: 0 } },
      );
    }
    throw new PickleFormatError(`corrupt ${container} stream: ${(error as Error).message}`, { cause: error });
  }
}
