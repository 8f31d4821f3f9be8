// Decodes numpy's pickle forms (dtype state, scalars, _reconstruct, _frombuffer, joblib wrappers) as data.
import type { Budget } from '../core/budget.js';
import { PickleFormatError, UnsafePickleError } from './errors.js';
import { fortranObjects, fortranToC } from './fortran.js';
import { Dtype, type DtypeField, readScalar, readString } from './numpy-dtype.js';
import { NdArray, PyGlobal, PyTuple, type PyValue, typeName } from './values.js';

function fail(msg: string): never {
  throw new PickleFormatError(msg);
}

function tupleItems(v: PyValue, what: string): readonly PyValue[] {
  if (!(v instanceof PyTuple)) fail(`${what}: expected a tuple, got ${typeName(v)}`);
  return v.items;
}

export function asDtype(v: PyValue, what: string): Dtype {
  if (!(v instanceof Dtype)) fail(`${what}: expected a numpy dtype, got ${typeName(v)}`);
  if (!v.isBuilt) fail(`${what}: numpy dtype '${v.code}' was used before its state was set`);
  return v;
}

/** `numpy.dtype(code, align, copy)`; a string dtype's item is one string, so it is charged as one. */
export function reduceDtype(args: readonly PyValue[], budget: Budget): Dtype {
  const code = args[0];
  if (typeof code !== 'string') fail(`numpy.dtype expects a type code string, got ${typeName(code)}`);
  const dtype = new Dtype(code);
  chargeItem(dtype, budget);
  return dtype;
}

function chargeItem(dtype: Dtype, budget: Budget): void {
  if (dtype.kind === 'U' || dtype.kind === 'S' || dtype.kind === 'V')
    budget.string(dtype.itemsize, `numpy dtype '${dtype.code}' of ${dtype.itemsize}-byte items`);
}

/** BUILD on a dtype: `(version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])`. */
export function buildDtype(dtype: Dtype, state: PyValue, budget: Budget): void {
  const s = tupleItems(state, `state of numpy dtype '${dtype.code}'`);
  const [version, byteorder, subarray, names, fields, elsize] = s;
  if ((version !== 3 && version !== 4) || s.length < 8) {
    fail(`numpy dtype '${dtype.code}' has a state of version ${String(version)}; expected version 3 or 4`);
  }
  if (typeof byteorder !== 'string' || typeof elsize !== 'number')
    fail(`numpy dtype '${dtype.code}' state is malformed`);
  let parsed: Map<string, DtypeField> | null = null;
  if (names !== null) {
    if (!(fields instanceof Map)) fail(`structured numpy dtype '${dtype.code}' has no fields dict`);
    parsed = new Map();
    for (const name of tupleItems(names, 'dtype field names')) {
      if (typeof name !== 'string') fail('numpy dtype field names must be strings');
      const [fieldDtype, offset] = tupleItems(fields.get(name), `dtype field '${name}'`);
      if (typeof offset !== 'number' || !Number.isInteger(offset))
        fail(`dtype field '${name}' has no offset`);
      parsed.set(name, { dtype: asDtype(fieldDtype, `dtype field '${name}'`), offset });
    }
  }
  dtype.applyState({ byteorder, hasSubarray: subarray !== null, fields: parsed, elsize });
  chargeItem(dtype, budget);
}

/**
 * `numpy.core.multiarray.scalar(dtype, raw_bytes)`: a numpy int/float/bool scalar as a number, a str_
 * or bytes_ scalar (a label in LGBMClassifier's class map) as a string.
 */
export function reduceScalar(args: readonly PyValue[]): number | string {
  const dtype = asDtype(args[0], 'numpy scalar');
  const raw = args[1];
  if (!(raw instanceof Uint8Array) || raw.length !== dtype.itemsize || !'biufUS'.includes(dtype.kind)) {
    fail(`numpy scalar of dtype '${dtype.code}' needs ${dtype.itemsize} raw bytes, got ${typeName(raw)}`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return 'US'.includes(dtype.kind) ? readString(dtype, view, 0) : readScalar(dtype, view, 0);
}

/** `_codecs.encode(text, 'latin1')`: how protocol 2 writes bytes. Any other encoding is refused. */
export function reduceEncode(args: readonly PyValue[], budget: Budget): Uint8Array {
  const [text, encoding] = args;
  if (args.length !== 2 || typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) {
    throw new UnsafePickleError(
      `refused _codecs.encode with arguments (${args.map(typeName).join(', ')}, encoding ${String(encoding)}): only (str, 'latin1') is allowed`,
    );
  }
  budget.bytes(text.length, '_codecs.encode');
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) fail('_codecs.encode latin1 input has a character above U+00FF');
    out[i] = c;
  }
  return out;
}

/** Shape tuple -> dims, checked: non-negative integers whose product stays within the budget. */
export function checkedShape(v: PyValue, budget: Budget): { shape: number[]; size: number } {
  const maxElements = budget.limits.arrayElements;
  const shape: number[] = [];
  let size = 1;
  const dims = tupleItems(v, 'array shape');
  // An index loop, not for-of: this runs for every array while the code is still interpreted.
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)
      fail(`array shape has dimension ${String(d)}`);
    shape.push(d);
    size *= d;
    if (size > maxElements)
      budget.exceeded('arrayElements', size, `array of shape (${shape.join(', ')}, ...)`);
  }
  if (shape.length > 32) fail(`array has ${shape.length} dimensions (numpy allows 32)`);
  return { shape, size };
}

/** Builds an array from raw element bytes (copied, so later reads do not alias the input buffer). */
export function arrayFromBytes(
  dtype: Dtype,
  shape: number[],
  size: number,
  raw: Uint8Array,
  fortran: boolean,
  budget: Budget,
): NdArray {
  if (dtype.kind === 'O') fail('an object array cannot be built from raw bytes');
  budget.array(size, raw.length, `array of shape (${shape.join(', ')}) and dtype '${dtype.code}'`);
  if (raw.length !== size * dtype.itemsize) {
    fail(
      `array of shape (${shape.join(', ')}) and dtype '${dtype.code}' needs ${size * dtype.itemsize} bytes, got ${raw.length}`,
    );
  }
  const bytes = fortran ? fortranToC(raw, shape, dtype.itemsize) : raw.slice();
  return new NdArray(dtype, shape, bytes, null);
}

/** BUILD on a `_reconstruct(ndarray, (0,), b'b')` placeholder: `(version, shape, dtype, is_fortran, data)`. */
export function buildReconstructed(state: PyValue, budget: Budget): NdArray {
  let s = tupleItems(state, 'ndarray state');
  if (s.length === 5) s = s.slice(1);
  if (s.length !== 4) fail(`ndarray state has ${s.length} items, expected 5`);
  const [shapeV, dtypeV, fortran, data] = s;
  const { shape, size } = checkedShape(shapeV, budget);
  const dtype = asDtype(dtypeV, 'ndarray state');
  if (dtype.kind === 'O') {
    if (!Array.isArray(data) || data.length !== size)
      fail(`object array of ${size} items has ${typeName(data)} data`);
    return new NdArray(
      dtype,
      shape,
      new Uint8Array(0),
      fortran === true ? fortranObjects(data, shape) : data,
    );
  }
  if (!(data instanceof Uint8Array)) fail(`ndarray data must be bytes, got ${typeName(data)}`);
  return arrayFromBytes(dtype, shape, size, data, fortran === true, budget);
}

/** `numpy.core.numeric._frombuffer(buffer, dtype, shape, order)` (protocol 5 pickles of arrays). */
export function reduceFrombuffer(args: readonly PyValue[], budget: Budget): NdArray {
  const [buf, dtypeV, shapeV, order] = args;
  if (!(buf instanceof Uint8Array)) fail(`_frombuffer needs an in-band buffer, got ${typeName(buf)}`);
  const dtype = asDtype(dtypeV, '_frombuffer');
  const { shape, size } = checkedShape(shapeV, budget);
  return arrayFromBytes(dtype, shape, size, buf, order === 'F', budget);
}

/** The joblib wrapper's `subclass` must be a plain numpy array type. */
export function checkWrapperSubclass(v: PyValue): void {
  if (!(v instanceof PyGlobal) || (v.qualified !== 'numpy.ndarray' && v.qualified !== 'numpy.memmap')) {
    throw new UnsafePickleError(
      `refused joblib NumpyArrayWrapper with subclass ${v instanceof PyGlobal ? v.qualified : typeName(v)}: expected numpy.ndarray or numpy.memmap`,
    );
  }
}
