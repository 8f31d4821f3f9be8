// LightGBM's model text (save_model / model_to_string) -> its sections: header key=values, Tree=N
// blocks, pandas_categorical. Bounded by a budget on bytes, trees and values; errors name the line.
import { LightGBMFormatError, LightGBMLimitError } from './errors.js';

export interface TextLimits {
  readonly maxBytes: number;
  readonly maxTrees: number;
  /** Most numbers across all tree arrays. */
  readonly maxValues: number;
}

export const DEFAULT_TEXT_LIMITS: TextLimits = {
  maxBytes: 512 * 1024 * 1024,
  maxTrees: 1_000_000,
  maxValues: 256 * 1024 * 1024,
};

/** A `key=value` line and where it was. */
export interface Field {
  readonly value: string;
  readonly line: number;
}

export interface TreeBlock {
  /** The N of `Tree=N`. */
  readonly index: number;
  readonly line: number;
  readonly fields: ReadonlyMap<string, Field>;
}

export interface ModelText {
  readonly header: ReadonlyMap<string, Field>;
  readonly trees: readonly TreeBlock[];
  /** The JSON after `pandas_categorical:` (null when absent or `null`). */
  readonly pandasCategorical: unknown;
  /** `[name: value]` lines of the parameters section. */
  readonly parameters: ReadonlyMap<string, string>;
}

export function textError(line: number, what: string): LightGBMFormatError {
  return new LightGBMFormatError(`LightGBM model text, line ${line}: ${what}`, { context: { line } });
}

/** Splits into lines (LF or CRLF), keeping 1-based line numbers. */
function lines(text: string): string[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** `key=value`, or a bare `key` (a flag such as average_output). */
function keyValue(line: string, no: number): [string, string] {
  const eq = line.indexOf('=');
  if (eq === 0) throw textError(no, `expected key=value, found ${JSON.stringify(line.slice(0, 60))}`);
  return eq < 0 ? [line, ''] : [line.slice(0, eq), line.slice(eq + 1)];
}

export function parseModelText(text: string, limits: TextLimits = DEFAULT_TEXT_LIMITS): ModelText {
  if (text.length > limits.maxBytes) {
    throw new LightGBMLimitError(
      `LightGBM model text is ${text.length} bytes; the reader accepts at most ${limits.maxBytes}`,
    );
  }
  const all = lines(text);
  if (all[0] !== 'tree')
    throw textError(1, `expected "tree" (a LightGBM model), found ${JSON.stringify(all[0]?.slice(0, 40))}`);
  const header = new Map<string, Field>();
  let i = 1;
  for (; i < all.length && !(all[i] as string).startsWith('Tree=') && all[i] !== 'end of trees'; i++) {
    const line = all[i] as string;
    if (line === '') continue;
    const [key, value] = keyValue(line, i + 1);
    header.set(key, { value, line: i + 1 });
  }
  const trees: TreeBlock[] = [];
  let values = 0;
  while (i < all.length && (all[i] as string).startsWith('Tree=')) {
    const start = i + 1;
    const index = Number((all[i] as string).slice(5));
    if (!Number.isSafeInteger(index)) throw textError(start, `bad tree header ${JSON.stringify(all[i])}`);
    if (trees.length >= limits.maxTrees) {
      throw new LightGBMLimitError(`LightGBM model has more than ${limits.maxTrees} trees (line ${start})`);
    }
    const fields = new Map<string, Field>();
    for (i++; i < all.length && all[i] !== ''; i++) {
      const [key, value] = keyValue(all[i] as string, i + 1);
      fields.set(key, { value, line: i + 1 });
      values += value.length >> 1; // each number takes at least two characters with its separator
    }
    if (values > limits.maxValues) {
      throw new LightGBMLimitError(`LightGBM model holds more than ${limits.maxValues} values (line ${i})`);
    }
    trees.push({ index, line: start, fields });
    while (i < all.length && all[i] === '') i++;
  }
  if (all[i] !== 'end of trees') {
    const where = trees.length > 0 ? `after Tree=${trees[trees.length - 1]?.index}` : 'before any tree';
    throw textError(
      Math.min(i + 1, all.length),
      `the model ends ${where} without "end of trees" (truncated file?)`,
    );
  }
  return { header, trees, ...tail(all, i + 1) };
}

/** The sections after the trees: parameters and the pandas_categorical line. */
function tail(all: readonly string[], from: number): Pick<ModelText, 'pandasCategorical' | 'parameters'> {
  const parameters = new Map<string, string>();
  let pandasCategorical: unknown = null;
  let inParameters = false;
  for (let i = from; i < all.length; i++) {
    const line = all[i] as string;
    if (line === 'parameters:') inParameters = true;
    else if (line === 'end of parameters') inParameters = false;
    else if (inParameters) {
      const m = /^\[([^:\]]+): ?(.*)\]$/.exec(line);
      if (m) parameters.set(m[1] as string, m[2] as string);
    } else if (line.startsWith('pandas_categorical:')) {
      try {
        pandasCategorical = JSON.parse(line.slice('pandas_categorical:'.length));
      } catch (error) {
        throw textError(i + 1, `pandas_categorical is not valid JSON (${(error as Error).message})`);
      }
    }
  }
  return { pandasCategorical, parameters };
}

/** A space-separated list of numbers; `inf`/`-inf`/`nan` are C++'s spellings. */
export function numberList(f: Field, what: string, n: number, integer = false): number[] {
  const parts = f.value === '' ? [] : f.value.split(' ');
  if (parts.length !== n) throw textError(f.line, `${what} has ${parts.length} values; expected ${n}`);
  return parts.map((p) => {
    const v = p === 'inf' ? Number.POSITIVE_INFINITY : p === '-inf' ? Number.NEGATIVE_INFINITY : Number(p);
    if (Number.isNaN(v) || p === '' || (integer && !Number.isInteger(v)))
      throw textError(
        f.line,
        `${what} holds ${JSON.stringify(p)}; expected ${integer ? 'integers' : 'numbers'}`,
      );
    return v;
  });
}

export function intValue(f: Field | undefined, what: string, line: number, min = 0): number {
  if (f === undefined) throw textError(line, `${what} is missing`);
  const v = Number(f.value);
  if (!/^-?\d+$/.test(f.value) || !Number.isSafeInteger(v) || v < min)
    throw textError(f.line, `${what} is ${JSON.stringify(f.value)}; expected an integer >= ${min}`);
  return v;
}
