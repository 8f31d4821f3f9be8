// The "dataset" section of a training config: make_classification parameters or a CSV file,
// validated by name, turned into a Dataset and fingerprinted.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { didYouMean } from '../core/suggest.js';
import { parseCsvDataset } from './csv.js';
import { DatasetError, ModelConfigError } from './errors.js';
import type { Dataset } from './estimator.js';
import {
  MAKE_CLASSIFICATION_DEFAULTS,
  type MakeClassificationParams,
  makeClassification,
} from './make-classification.js';

export interface NamedDataset extends Dataset {
  readonly featureNames: readonly string[];
  readonly targetName: string;
}

type Check = (v: unknown) => boolean;
const int =
  (lo: number, hi = 1e9): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const nums: Check = (v) => Array.isArray(v) && v.every(num);
const bool: Check = (v) => typeof v === 'boolean';

const MC: Record<string, [Check, string]> = {
  n_samples: [int(1, 10_000_000), 'an integer in [1, 10000000]'],
  n_features: [int(1, 100_000), 'an integer in [1, 100000]'],
  n_informative: [int(1, 1000), 'an integer in [1, 1000]'],
  n_redundant: [int(0), 'an integer >= 0'],
  n_repeated: [int(0), 'an integer >= 0'],
  n_classes: [int(1, 10_000), 'an integer in [1, 10000]'],
  n_clusters_per_class: [int(1, 10_000), 'an integer in [1, 10000]'],
  weights: [(v) => v === null || nums(v), 'null or an array of numbers'],
  flip_y: [num, 'a number'],
  class_sep: [num, 'a number'],
  hypercube: [bool, 'true or false'],
  shift: [(v) => v === null || num(v) || nums(v), 'null, a number or an array of numbers'],
  scale: [(v) => v === null || num(v) || nums(v), 'null, a number or an array of numbers'],
  shuffle: [bool, 'true or false'],
  random_state: [int(0, 0xffffffff), 'an integer in [0, 4294967295] (null is not reproducible)'],
};

function parseMakeClassification(raw: unknown): MakeClassificationParams {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ModelConfigError('config "dataset.make_classification" must be an object of parameters');
  }
  for (const [k, v] of Object.entries(raw)) {
    const rule = MC[k];
    if (!rule) {
      throw new ModelConfigError(
        `unknown make_classification parameter "${k}";${didYouMean(k, Object.keys(MC))} accepted: ${Object.keys(MC).join(', ')}`,
      );
    }
    if (!rule[0](v))
      throw new ModelConfigError(
        `make_classification parameter "${k}" is ${JSON.stringify(v)}; expected ${rule[1]}`,
      );
  }
  if ((raw as Record<string, unknown>).random_state === undefined) {
    throw new ModelConfigError('make_classification parameter "random_state" is required (an integer seed)');
  }
  const p = { ...MAKE_CLASSIFICATION_DEFAULTS, ...(raw as object) } as MakeClassificationParams;
  if (p.n_samples * p.n_features > 200_000_000) {
    throw new ModelConfigError(`make_classification: n_samples * n_features is too large (limit 200000000)`);
  }
  return p;
}

function parseCsvSection(raw: unknown, baseDir: string): NamedDataset {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ModelConfigError('config "dataset.csv" must be {"path": "...", "target": "..."}');
  }
  const { path, target, ...rest } = raw as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0)
    throw new ModelConfigError(
      `unknown dataset.csv key "${extra[0]}";${didYouMean(String(extra[0]), ['path', 'target'])} accepted: path, target`,
    );
  if (typeof path !== 'string' || path === '')
    throw new ModelConfigError('dataset.csv "path" must be a file path');
  if (typeof target !== 'string' || target === '')
    throw new ModelConfigError('dataset.csv "target" must name a column');
  const file = resolve(baseDir, path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DatasetError(
      `cannot read CSV dataset ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return { ...parseCsvDataset(text, target, file), targetName: target };
}

/** Builds the dataset a config's "dataset" section describes. CSV paths are relative to `baseDir`. */
export function loadDataset(section: unknown, baseDir: string): NamedDataset {
  const accepted = 'make_classification, csv';
  if (typeof section !== 'object' || section === null || Array.isArray(section)) {
    throw new ModelConfigError(`config "dataset" must be an object with one key; accepted: ${accepted}`);
  }
  const keys = Object.keys(section);
  const s = section as Record<string, unknown>;
  if (keys.length === 1 && keys[0] === 'make_classification') {
    const d = makeClassification(parseMakeClassification(s.make_classification));
    const featureNames = Array.from({ length: d.nFeatures }, (_, f) => `x${f}`);
    return {
      X: d.X,
      nRows: d.nRows,
      nFeatures: d.nFeatures,
      y: Array.from(d.y),
      featureNames,
      targetName: 'y',
    };
  }
  if (keys.length === 1 && keys[0] === 'csv') return parseCsvSection(s.csv, baseDir);
  const hint = keys.length === 1 ? didYouMean(keys[0] as string, ['make_classification', 'csv']) : '';
  throw new ModelConfigError(
    `config "dataset" has keys ${JSON.stringify(keys)};${hint} expected exactly one of: ${accepted}`,
  );
}

/** sha256 of X (row-major float64 LE) then y (float64 LE when numeric, else its JSON text). */
export function fingerprint(d: Dataset): string {
  const h = createHash('sha256');
  h.update(new Uint8Array(d.X.buffer, d.X.byteOffset, d.X.byteLength));
  if (d.y.every((v) => typeof v === 'number'))
    h.update(new Uint8Array(Float64Array.from(d.y as number[]).buffer));
  else h.update(JSON.stringify(d.y), 'utf8');
  return h.digest('hex');
}

/** Quotes a CSV field when it needs it. */
function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

export function datasetToCsv(d: NamedDataset): string {
  const lines = [[...d.featureNames, d.targetName].map(csvField).join(',')];
  for (let i = 0; i < d.nRows; i++) {
    const row = Array.from(d.X.subarray(i * d.nFeatures, (i + 1) * d.nFeatures), String);
    row.push(csvField(String(d.y[i])));
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}
