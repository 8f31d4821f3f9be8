// Tells a model file's format by its first bytes, never by its name: lambda-ml's artifact (JSON or
// binary), XGBoost JSON or UBJSON, LightGBM model text, or a joblib/pickle stream (raw or compressed).
// Light enough for the prediction handler to choose its loader before importing any reader.
import { startsLikeBinary } from './binary-format.js';

export type ModelFormat =
  | 'artifact'
  | 'xgboost-json'
  | 'xgboost-ubjson'
  | 'lightgbm-text'
  | 'pickle'
  | 'unknown';

/** The formats lambda-ml reads, for the message about a file that is none of them. */
export const ACCEPTED_FORMATS = [
  "lambda-ml's model artifact, JSON or binary (lambda-ml train / convert)",
  'scikit-learn, XGBoost (XGBClassifier/XGBRegressor) or LightGBM (LGBMClassifier/LGBMRegressor) .joblib/.pkl files (uncompressed, zlib or gzip)',
  'XGBoost Booster.save_model JSON (.json) or UBJSON (.ubj)',
  'LightGBM Booster.save_model text (model.txt)',
] as const;

/** First keys of XGBoost documents: save_model's {learner, version}, a serialised booster's {Config, Model}. */
const XGBOOST_KEYS = ['learner', 'version', 'Config', 'Model'];

/** bz2, xz, lzma, lz4 and joblib < 0.9.3 'ZF' magics: the pickle reader names these when it refuses them. */
const COMPRESSED: readonly (readonly number[])[] = [
  [0x42, 0x5a, 0x68],
  [0xfd, 0x37, 0x7a, 0x58, 0x5a],
  [0x5d, 0x00],
  [0x04, 0x22, 0x4d, 0x18],
  [0x5a, 0x46],
];

function isBlank(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** The first key of a JSON object starting at `i` (just after `{`), or null. */
function firstKey(bytes: Uint8Array, i: number): string | null {
  let j = i;
  while (j < bytes.length && isBlank(bytes[j] as number)) j++;
  if (bytes[j] !== 0x22) return null;
  const end = bytes.indexOf(0x22, j + 1);
  if (end < 0 || end - j > 64) return null;
  return Buffer.from(bytes.subarray(j + 1, end)).toString('latin1');
}

/** Classifies the head of a file (a few hundred bytes are enough). */
export function sniffModelFormat(bytes: Uint8Array): ModelFormat {
  if (startsLikeBinary(bytes)) return 'artifact'; // lambda-ml's binary artifact encoding
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3; // UTF-8 byte-order mark
  while (i < bytes.length && isBlank(bytes[i] as number)) i++;
  const b = bytes[i];
  if (b === 0x7b /* { */) {
    const next = bytes[i + 1];
    // UBJSON: '{' then a key length's integer type, or an optimized-container header.
    if (i === 0 && next !== undefined && 'iUIlL#$'.includes(String.fromCharCode(next)))
      return 'xgboost-ubjson';
    const key = firstKey(bytes, i + 1);
    return key !== null && XGBOOST_KEYS.includes(key) ? 'xgboost-json' : 'artifact';
  }
  if (i === 0 && /^tree\r?\n/.test(Buffer.from(bytes.subarray(0, 6)).toString('latin1')))
    return 'lightgbm-text';
  if (i === 0 && b !== undefined) {
    // joblib/pickle: PROTO, zlib, gzip -- and the compressions the pickle reader names when it refuses them.
    if (b === 0x80 || b === 0x78 || (b === 0x1f && bytes[1] === 0x8b)) return 'pickle';
    if (COMPRESSED.some((magic) => magic.every((m, k) => bytes[k] === m))) return 'pickle';
  }
  return 'unknown';
}
