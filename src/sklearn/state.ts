// Typed access to an unpickled estimator's state dict, with errors that name the estimator and field.
import { UnsupportedModelError } from './errors.js';
import { readScalar, readString } from './numpy-dtype.js';
import { NdArray, type PyKey, PyObject, type PyValue, typeName } from './values.js';

/** An estimator record and its `__getstate__` dict, read field by field. */
export class EstimatorState {
  readonly name: string;
  private readonly dict: Map<PyKey, PyValue>;

  constructor(
    readonly obj: PyObject,
    readonly path: string,
  ) {
    this.name = obj.cls.name;
    if (!(obj.state instanceof Map)) {
      throw new UnsupportedModelError(`${path} (${obj.cls.qualified}) has no state dict: is it fitted?`);
    }
    this.dict = obj.state;
  }

  has(key: string): boolean {
    return this.dict.has(key);
  }

  raw(key: string): PyValue {
    if (!this.dict.has(key)) {
      throw new UnsupportedModelError(
        `${this.path} (${this.name}) has no '${key}': is it fitted, and by a supported scikit-learn version?`,
      );
    }
    return this.dict.get(key);
  }

  fail(key: string, expected: string): never {
    throw new UnsupportedModelError(
      `${this.path}.${key} is ${typeName(this.raw(key))}, expected ${expected}`,
    );
  }

  int(key: string): number {
    const v = this.raw(key);
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) this.fail(key, 'an integer');
    return v;
  }

  num(key: string): number {
    const v = this.raw(key);
    if (typeof v !== 'number') this.fail(key, 'a number');
    return v;
  }

  str(key: string): string {
    const v = this.raw(key);
    if (typeof v !== 'string') this.fail(key, 'a string');
    return v;
  }

  array(key: string): NdArray {
    const v = this.raw(key);
    if (!(v instanceof NdArray)) this.fail(key, 'a numpy array');
    return v;
  }

  object(key: string): PyObject {
    const v = this.raw(key);
    if (!(v instanceof PyObject)) this.fail(key, 'an object');
    return v;
  }

  /** The value, or undefined when the state has no such key (fields that newer versions added). */
  opt(key: string): PyValue {
    return this.dict.get(key);
  }

  bool(key: string): boolean {
    const v = this.raw(key);
    if (typeof v !== 'boolean') this.fail(key, 'true or false');
    return v;
  }

  list(key: string): PyValue[] {
    const v = this.raw(key);
    if (!Array.isArray(v)) this.fail(key, 'a list');
    return v;
  }

  sklearnVersion(): string | null {
    const v = this.dict.get('_sklearn_version');
    return typeof v === 'string' ? v : null;
  }
}

/** Numeric array elements as float64 numbers (C order). */
export function numbers(a: NdArray, what: string): number[] {
  if (!'biuf'.includes(a.dtype.kind)) {
    throw new UnsupportedModelError(`${what} has dtype '${a.dtype.code}', expected a numeric array`);
  }
  if (a.dtype.kind === 'f' && a.dtype.itemsize === 8 && !a.dtype.bigEndian && a.bytes.byteOffset % 8 === 0) {
    return Array.from(new Float64Array(a.bytes.buffer, a.bytes.byteOffset, a.size));
  }
  const view = new DataView(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength);
  const out = new Array<number>(a.size);
  for (let i = 0; i < out.length; i++) out[i] = readScalar(a.dtype, view, i * a.dtype.itemsize);
  return out;
}

/** `classes_`: numeric or string labels (U/S dtype, or an object array of str). */
export function labels(a: NdArray, what: string): Array<number | string> {
  if (a.shape.length !== 1)
    throw new UnsupportedModelError(`${what} has shape (${a.shape.join(', ')}), expected 1-D`);
  if (a.objects !== null) {
    return a.objects.map((v) => {
      if (typeof v === 'string' || typeof v === 'number') return v;
      throw new UnsupportedModelError(`${what} holds a ${typeName(v)}, expected str or number labels`);
    });
  }
  if (a.dtype.kind === 'U' || a.dtype.kind === 'S') {
    const view = new DataView(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength);
    return Array.from({ length: a.size }, (_, i) => readString(a.dtype, view, i * a.dtype.itemsize));
  }
  return numbers(a, what);
}

/** Reads an element of a 2-D numeric array as number[][] (rows). */
export function matrix(a: NdArray, what: string): number[][] {
  if (a.shape.length !== 2)
    throw new UnsupportedModelError(`${what} has shape (${a.shape.join(', ')}), expected 2-D`);
  const flat = numbers(a, what);
  const [rows = 0, cols = 0] = a.shape;
  return Array.from({ length: rows }, (_, i) => flat.slice(i * cols, (i + 1) * cols));
}

/** Elements of a 1-D array or list as numbers, strings or null (None / NaN): category values, statistics. */
export function values(v: PyValue, what: string): Array<number | string | null> {
  const items: readonly PyValue[] =
    v instanceof NdArray ? (v.objects ?? (labels(v, what) as PyValue[])) : Array.isArray(v) ? v : [];
  if (!(v instanceof NdArray) && !Array.isArray(v)) {
    throw new UnsupportedModelError(`${what} is ${typeName(v)}, expected an array of values`);
  }
  return items.map((x) => {
    if (x === null || (typeof x === 'number' && Number.isNaN(x))) return null;
    if (typeof x === 'number' || typeof x === 'string') return x;
    if (typeof x === 'bigint') return Number(x);
    if (typeof x === 'boolean') return x ? 1 : 0;
    throw new UnsupportedModelError(`${what} holds a ${typeName(x)}, expected numbers or strings`);
  });
}

/** `feature_names_in_`: an object array of str. */
export function featureNames(v: PyValue, what: string): string[] {
  const names = values(v, what);
  if (!names.every((n): n is string => typeof n === 'string'))
    throw new UnsupportedModelError(`${what} holds non-string names`);
  return names;
}
