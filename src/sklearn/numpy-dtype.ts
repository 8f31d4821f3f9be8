// numpy dtypes as pickled (`numpy.dtype(code, False, True)` + BUILD state): kind, size, byte order, fields.
import { PickleFormatError, UnsupportedModelError } from './errors.js';

export type DtypeKind = 'b' | 'i' | 'u' | 'f' | 'U' | 'S' | 'O' | 'V';

export interface DtypeField {
  readonly dtype: Dtype;
  readonly offset: number;
}

const CODE = /^([biufUSOV])(\d{1,9})$/;
const NUMERIC_SIZES: Record<string, readonly number[]> = {
  b: [1],
  i: [1, 2, 4, 8],
  u: [1, 2, 4, 8],
  f: [4, 8],
  O: [8],
};

/**
 * A numpy dtype. Created from its code ('f8', 'U9', 'V56', ...), then completed by the BUILD state
 * `(version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])`.
 */
export class Dtype {
  readonly kind: DtypeKind;
  itemsize: number;
  /** True when multi-byte elements are stored big-endian ('>'); '<', '|' and '=' read as little-endian. */
  bigEndian = false;
  /** Fields of a structured ('V') dtype, by name, with their offsets. */
  fields: Map<string, DtypeField> | null = null;
  private built = false;

  constructor(readonly code: string) {
    const m = CODE.exec(code);
    if (!m) {
      throw new UnsupportedModelError(
        `unsupported numpy dtype '${code}': expected one of b1, i1-i8, u1-u8, f4, f8, U<n>, S<n>, O8, V<n>`,
      );
    }
    this.kind = m[1] as DtypeKind;
    const n = Number(m[2]);
    const sizes = NUMERIC_SIZES[this.kind];
    if (sizes && !sizes.includes(n)) {
      throw new UnsupportedModelError(`unsupported numpy dtype '${code}': no ${n}-byte '${this.kind}' type`);
    }
    this.itemsize = this.kind === 'U' ? 4 * n : n;
  }

  get isBuilt(): boolean {
    return this.built;
  }

  /** Applies the BUILD state; the caller has already checked the tuple's element types loosely. */
  applyState(state: {
    byteorder: string;
    hasSubarray: boolean;
    fields: Map<string, DtypeField> | null;
    elsize: number;
  }): void {
    if (this.built) throw new PickleFormatError(`numpy dtype '${this.code}' was given a state twice`);
    this.built = true;
    if (!['<', '>', '|', '='].includes(state.byteorder)) {
      throw new PickleFormatError(`numpy dtype '${this.code}' has byte order '${state.byteorder}'`);
    }
    if (state.hasSubarray) throw new UnsupportedModelError(`numpy sub-array dtypes are not supported`);
    this.bigEndian = state.byteorder === '>';
    if ((this.kind === 'U' || this.kind === 'S' || this.kind === 'V') && state.elsize > 0) {
      if (this.kind === 'U' && state.elsize % 4 !== 0) {
        throw new PickleFormatError(`numpy dtype '${this.code}' has item size ${state.elsize}`);
      }
      this.itemsize = state.elsize;
    }
    if (state.fields) {
      if (this.kind !== 'V') throw new PickleFormatError(`numpy dtype '${this.code}' has fields`);
      for (const [name, f] of state.fields) {
        if (f.offset < 0 || f.offset + f.dtype.itemsize > this.itemsize) {
          throw new PickleFormatError(
            `field '${name}' of numpy dtype '${this.code}' lies outside its ${this.itemsize}-byte item`,
          );
        }
      }
      this.fields = state.fields;
    }
  }
}

/** Reads one numeric element (b/i/u/f) at a byte offset. 8-byte integers beyond 2^53 lose precision. */
export function readScalar(dtype: Dtype, view: DataView, offset: number): number {
  const le = !dtype.bigEndian;
  switch (dtype.kind) {
    case 'f':
      return dtype.itemsize === 8 ? view.getFloat64(offset, le) : view.getFloat32(offset, le);
    case 'b':
      return view.getUint8(offset) === 0 ? 0 : 1;
    case 'i':
      // Two 32-bit halves instead of a BigInt: exact for |v| < 2^53, which node ids and counts are.
      if (dtype.itemsize === 8) {
        return le
          ? view.getInt32(offset + 4, true) * 4294967296 + view.getUint32(offset, true)
          : view.getInt32(offset, false) * 4294967296 + view.getUint32(offset + 4, false);
      }
      if (dtype.itemsize === 4) return view.getInt32(offset, le);
      if (dtype.itemsize === 2) return view.getInt16(offset, le);
      return view.getInt8(offset);
    case 'u':
      if (dtype.itemsize === 8) {
        return le
          ? view.getUint32(offset + 4, true) * 4294967296 + view.getUint32(offset, true)
          : view.getUint32(offset, false) * 4294967296 + view.getUint32(offset + 4, false);
      }
      if (dtype.itemsize === 4) return view.getUint32(offset, le);
      if (dtype.itemsize === 2) return view.getUint16(offset, le);
      return view.getUint8(offset);
    default:
      throw new UnsupportedModelError(`expected a numeric numpy dtype, got '${dtype.code}'`);
  }
}

/**
 * Reads one fixed-width string element ('U': UCS-4, 'S': latin-1), dropping numpy's trailing NUL padding.
 * The padding is skipped before decoding and the rest is decoded in chunks, so a wide item costs one pass.
 */
export function readString(dtype: Dtype, view: DataView, offset: number): string {
  const le = !dtype.bigEndian;
  if (dtype.kind === 'U') {
    let n = dtype.itemsize / 4;
    while (n > 0 && view.getUint32(offset + 4 * (n - 1), le) === 0) n--;
    const parts: string[] = [];
    const chunk: number[] = [];
    for (let i = 0; i < n; i++) {
      const cp = view.getUint32(offset + 4 * i, le);
      if (cp > 0x10ffff)
        throw new PickleFormatError(`invalid code point ${cp} in a numpy '${dtype.code}' array`);
      chunk.push(cp);
      if (chunk.length === 4096) {
        parts.push(String.fromCodePoint(...chunk));
        chunk.length = 0;
      }
    }
    parts.push(String.fromCodePoint(...chunk));
    return parts.join('');
  }
  if (dtype.kind === 'S') {
    let n = dtype.itemsize;
    while (n > 0 && view.getUint8(offset + n - 1) === 0) n--;
    return Buffer.from(view.buffer, view.byteOffset + offset, n).toString('latin1');
  }
  throw new UnsupportedModelError(`expected a string numpy dtype, got '${dtype.code}'`);
}
