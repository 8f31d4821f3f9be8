// Typed access to a parsed XGBoost document (from JSON or UBJSON): each getter names the field's
// path in its error, and number arrays accept JS arrays, typed arrays and the bare-NaN sentinel.
import { XGBoostFormatError } from './errors.js';
import { NAN_SENTINEL } from './json-text.js';

export type DocObject = Readonly<Record<string, unknown>>;

export function fail(path: string, what: string): never {
  throw new XGBoostFormatError(`XGBoost model: ${path} ${what}`, { context: { path } });
}

function kindOf(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

export function isObject(v: unknown): v is DocObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

export function has(o: DocObject, key: string): boolean {
  return Object.hasOwn(o, key);
}

export function obj(o: DocObject, key: string, path: string): DocObject {
  const v = has(o, key) ? o[key] : undefined;
  if (!isObject(v)) fail(`${path}.${key}`, `is ${kindOf(v)}; expected an object`);
  return v;
}

export function str(o: DocObject, key: string, path: string): string {
  const v = has(o, key) ? o[key] : undefined;
  if (typeof v !== 'string') fail(`${path}.${key}`, `is ${kindOf(v)}; expected a string`);
  return v;
}

/** An integer stored as a string (learner_model_param, tree_param) or as a number. */
export function intField(o: DocObject, key: string, path: string, min = 0): number {
  const v = has(o, key) ? o[key] : undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min)
    fail(`${path}.${key}`, `is ${kindOf(v)}; expected an integer >= ${min}`);
  return n;
}

export function list(o: DocObject, key: string, path: string): readonly unknown[] {
  const v = has(o, key) ? o[key] : undefined;
  if (!Array.isArray(v)) fail(`${path}.${key}`, `is ${kindOf(v)}; expected an array`);
  return v;
}

/** A number array of length n (when given): a JS array (NaN written as a bare token) or a typed array. */
export function numbers(o: DocObject, key: string, path: string, n?: number): ArrayLike<number> {
  const v = has(o, key) ? o[key] : undefined;
  let out: ArrayLike<number>;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    out = v as unknown as ArrayLike<number>;
  } else if (Array.isArray(v)) {
    const a = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (typeof x === 'number') a[i] = x;
      else if (typeof x === 'boolean') a[i] = x ? 1 : 0;
      else if (x === NAN_SENTINEL) a[i] = Number.NaN;
      else fail(`${path}.${key}[${i}]`, `is ${kindOf(x)}; expected a number`);
    }
    out = a;
  } else {
    return fail(`${path}.${key}`, `is ${kindOf(v)}; expected an array of numbers`);
  }
  if (n !== undefined && out.length !== n)
    fail(`${path}.${key}`, `has ${out.length} entries; expected ${n} (one per node)`);
  return out;
}

/** Integers in [min, max] (node ids, feature indices, categories). */
export function integers(
  o: DocObject,
  key: string,
  path: string,
  n: number | undefined,
  min: number,
  max: number,
): number[] {
  const a = numbers(o, key, path, n);
  const out = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    if (!Number.isInteger(x) || x < min || x > max)
      fail(`${path}.${key}[${i}]`, `is ${x}; expected an integer in ${min}..${max}`);
    out[i] = x;
  }
  return out;
}
