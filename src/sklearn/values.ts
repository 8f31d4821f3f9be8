// The inert values the safe pickle VM builds: plain data, plus records for allow-listed classes.
import type { GlobalRole } from './allowlist.js';
import type { Dtype } from './numpy-dtype.js';

/** A Python tuple (kept apart from lists because estimator state tells them apart). */
export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A Python set or frozenset. */
export class PySet {
  constructor(readonly items: PyValue[]) {}
}

/** A Python dict. Keys are primitive values (str, int, float, bool, None); anything else is refused. */
export type PyDict = Map<PyKey, PyValue>;
export type PyKey = string | number | bigint | boolean | null;

/** A global that passed the allow-list: a reference, never an imported or callable thing. */
export class PyGlobal {
  /** `module.name`, computed once: it is compared on every BUILD. */
  readonly qualified: string;
  constructor(
    readonly module: string,
    readonly name: string,
    /** What the allow-list lets this global do. */
    readonly role: GlobalRole,
  ) {
    this.qualified = `${module}.${name}`;
  }
}

/**
 * An instance of an allow-listed class, as data: the class, the constructor arguments it was
 * created with (NEWOBJ / REDUCE) and the state BUILD gave it. No Python method ever runs.
 */
export class PyObject {
  state: PyValue = undefined;
  constructor(
    readonly cls: PyGlobal,
    readonly args: readonly PyValue[],
  ) {}
}

/** A numpy array decoded from the file: raw bytes (or items, for object dtype) plus dtype and shape. */
export class NdArray {
  constructor(
    readonly dtype: Dtype,
    readonly shape: readonly number[],
    /** Element bytes in C order (F-ordered input is transposed on read). Empty for object arrays. */
    readonly bytes: Uint8Array,
    /** Items of an object array, C order; null otherwise. */
    readonly objects: readonly PyValue[] | null,
  ) {}
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
}

export type PyValue =
  | undefined
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyTuple
  | PyValue[]
  | PySet
  | PyDict
  | PyGlobal
  | PyObject
  | Dtype
  | NdArray;

/** Python's repr-ish name of a value's type, for error messages. */
export function typeName(v: PyValue): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'None';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int/float' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Map) return 'dict';
  if (v instanceof PyObject) return v.cls.qualified;
  return v.constructor.name;
}
