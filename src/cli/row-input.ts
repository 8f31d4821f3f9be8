// Rows for `lambda-ml predict` from JSON lines or a CSV file with a header, streamed: each record becomes
// the JSON value a request row would be (an object by feature name, or an array by position) with its line.
import { createReadStream, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { UsageError } from '../core/errors.js';
import { type FeatureSpec, featureNames, type InputSchema } from '../model/types.js';

export type InputFormat = 'jsonl' | 'csv';

/** One input record: the row value to validate, or why the record itself could not be read. */
export type InputRecord =
  | { readonly line: number; readonly value: unknown }
  | { readonly line: number; readonly error: string };

export interface RowInputOptions {
  /** `--input`: a path, or undefined for stdin. */
  readonly path?: string;
  /** `--format`; undefined tells by the extension, then by the first line. */
  readonly format?: InputFormat;
  /** `--target`: a CSV column to ignore (the label), needed only for models without feature names. */
  readonly target?: string;
  /** Where notes go (ignored CSV columns). */
  readonly note?: (line: string) => void;
}

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** Opens --input (errors name the file) or stdin. */
function open(path: string | undefined): NodeJS.ReadableStream {
  if (path === undefined) return process.stdin;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new UsageError(`cannot read input ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return createReadStream('', { fd });
}

function formatOf(path: string | undefined, format: InputFormat | undefined, firstLine: string): InputFormat {
  if (format !== undefined) return format;
  const ext = path?.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  if (ext === 'csv') return 'csv';
  if (ext === 'jsonl' || ext === 'ndjson' || ext === 'json') return 'jsonl';
  const start = firstLine.trimStart()[0];
  return start === '[' || start === '{' ? 'jsonl' : 'csv';
}

/** Parses one JSON line into a row value; a line holding a batch of rows is refused by name. */
export function parseJsonLine(line: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    if (/\b(NaN|-?Infinity)\b/.test(line)) {
      throw new Error(
        'row contains NaN or Infinity, which JSON does not have; write null for a missing value',
      );
    }
    const csvHint =
      line.includes(',') && !/^\s*[[{]/.test(line)
        ? ' (for CSV input, use a .csv file with a header row, or --format csv)'
        : '';
    throw new Error(
      `line is not valid JSON; expected an array such as [0.1, 2, 3.5] or an object such as {"age": 31, "city": "porto"}${csvHint}`,
    );
  }
  if (Array.isArray(value) && value.length > 0 && value[0] !== null && typeof value[0] === 'object') {
    throw new Error(
      `line holds a batch of ${value.length} rows; predict takes one row per line (put each row on its own line)`,
    );
  }
  return value;
}

/** A CSV cell as JSON would carry it for its feature: a number, a string (categories), or null (empty). */
function cell(text: string, feature: FeatureSpec | undefined): unknown {
  if (text.trim() === '') return null;
  if (feature?.kind === 'category') {
    const numeric =
      (feature.categories ?? []).length > 0 && (feature.categories ?? []).every((c) => typeof c === 'number');
    return numeric && NUMBER.test(text) ? Number(text) : text;
  }
  return NUMBER.test(text) ? Number(text) : text;
}

/** How CSV columns map to the model's features, decided once from the header. */
function csvLayout(
  header: string[],
  schema: InputSchema,
  options: RowInputOptions,
): (fields: string[]) => unknown {
  const names = featureNames(schema);
  const n = schema.features.length;
  const trimmed = header.map((h) => h.trim());
  if (names !== null) {
    const at = new Map(trimmed.map((h, i) => [h, i]));
    const absent = names.filter((name) => !at.has(name));
    if (absent.length > 0) {
      throw new UsageError(
        `the CSV header lacks the column(s) ${absent.map((a) => JSON.stringify(a)).join(', ')}; the model's features are ${names.map((a) => JSON.stringify(a)).join(', ')}`,
      );
    }
    const ignored = trimmed.filter((h) => !names.includes(h));
    if (ignored.length > 0) {
      options.note?.(
        `ignoring CSV column(s) ${ignored.map((h) => JSON.stringify(h)).join(', ')}: not features of the model`,
      );
    }
    const index = names.map((name) => at.get(name) as number);
    return (fields) =>
      Object.fromEntries(
        names.map((name, j) => [name, cell(fields[index[j] as number] ?? '', schema.features[j])]),
      );
  }
  if (options.target !== undefined && !trimmed.includes(options.target)) {
    throw new UsageError(
      `--target ${JSON.stringify(options.target)} is not a column of the CSV header: ${trimmed.join(', ')}`,
    );
  }
  const keep = trimmed.map((h, i) => (h === options.target ? -1 : i)).filter((i) => i >= 0);
  if (keep.length !== n) {
    const hint =
      options.target === undefined && keep.length === n + 1
        ? '; name the label column with --target <column> to ignore it'
        : '';
    throw new UsageError(
      `the CSV has ${keep.length} feature column(s) but the model takes ${n} unnamed features, in training order${hint}`,
    );
  }
  return (fields) => keep.map((i, j) => cell(fields[i] ?? '', schema.features[j]));
}

async function* jsonLines(lines: AsyncIterable<string>, first: string | null): AsyncGenerator<InputRecord> {
  let lineNo = 0;
  const one = (line: string): InputRecord | null => {
    lineNo++;
    if (line.trim() === '') return null;
    try {
      return { line: lineNo, value: parseJsonLine(line) };
    } catch (error) {
      return { line: lineNo, error: (error as Error).message };
    }
  };
  if (first !== null) {
    const r = one(first);
    if (r) yield r;
  }
  for await (const line of lines) {
    const r = one(line);
    if (r) yield r;
  }
}

async function* csvRecords(
  text: AsyncIterable<string>,
  schema: InputSchema,
  options: RowInputOptions,
): AsyncGenerator<InputRecord> {
  const parser = Readable.from(text).pipe(
    parse({ relax_column_count: true, skip_empty_lines: true, bom: true, info: true }),
  );
  let toRow: ((fields: string[]) => unknown) | null = null;
  for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (toRow === null) {
      toRow = csvLayout(record.record, schema, options);
      continue;
    }
    yield { line: record.info.lines, value: toRow(record.record) };
  }
  if (toRow === null)
    throw new UsageError('the CSV input is empty; expected a header row, then one row per line');
}

/** The input's records in order, read lazily: JSON lines, or CSV with a header mapped to `schema`. */
export async function* readRows(schema: InputSchema, options: RowInputOptions): AsyncGenerator<InputRecord> {
  const input = open(options.path);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })[Symbol.asyncIterator]();
  const head = await lines.next();
  if (head.done) return; // no input, no rows
  const first: string | null = head.value;
  const format = formatOf(options.path, options.format, first ?? '');
  if (format === 'jsonl') {
    yield* jsonLines({ [Symbol.asyncIterator]: () => lines }, first);
    return;
  }
  async function* again(): AsyncGenerator<string> {
    if (first !== null) yield `${first}\n`;
    for await (const line of { [Symbol.asyncIterator]: () => lines }) yield `${line}\n`;
  }
  yield* csvRecords(again(), schema, options);
}
