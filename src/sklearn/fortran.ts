// Reorders Fortran-ordered (first axis fastest) numpy data into C order in one pass, without index tables.
import type { PyValue } from './values.js';

/**
 * Calls `visit(c, f)` for every element: `c` its index in C order (visited in increasing order), `f` its
 * index in the Fortran-ordered input. An odometer over all axes but the last, which is the inner loop.
 */
function forEachElement(shape: readonly number[], visit: (c: number, f: number) => void): void {
  const k = shape.length;
  if (k === 0) {
    visit(0, 0);
    return;
  }
  const strides = new Array<number>(k);
  let stride = 1;
  for (let a = 0; a < k; a++) {
    strides[a] = stride;
    stride *= shape[a] as number;
  }
  if (stride === 0) return;
  const last = shape[k - 1] as number;
  const lastStride = strides[k - 1] as number;
  const idx = new Array<number>(k).fill(0);
  let c = 0;
  let base = 0;
  for (;;) {
    for (let j = 0; j < last; j++) visit(c++, base + j * lastStride);
    // Advance the odometer over axes k-2 .. 0 (C order: the last of them moves fastest).
    let a = k - 2;
    for (; a >= 0; a--) {
      idx[a] = (idx[a] as number) + 1;
      base += strides[a] as number;
      if ((idx[a] as number) < (shape[a] as number)) break;
      base -= (idx[a] as number) * (strides[a] as number);
      idx[a] = 0;
    }
    if (a < 0) return;
  }
}

/** Fortran-ordered element bytes in C order (a new buffer). */
export function fortranToC(bytes: Uint8Array, shape: readonly number[], itemsize: number): Uint8Array {
  if (shape.length < 2) return bytes.slice();
  // An aligned copy first, so 2/4/8-byte items move as one typed-array element each.
  const src = bytes.slice();
  const out = new Uint8Array(src.length);
  const view = (b: Uint8Array) =>
    itemsize === 8
      ? new Float64Array(b.buffer, b.byteOffset, b.length / 8)
      : itemsize === 4
        ? new Uint32Array(b.buffer, b.byteOffset, b.length / 4)
        : itemsize === 2
          ? new Uint16Array(b.buffer, b.byteOffset, b.length / 2)
          : itemsize === 1
            ? b
            : null;
  const from = view(src);
  const to = view(out);
  if (from !== null && to !== null) {
    forEachElement(shape, (c, f) => {
      to[c] = from[f] as number;
    });
  } else {
    forEachElement(shape, (c, f) => {
      out.set(src.subarray(f * itemsize, (f + 1) * itemsize), c * itemsize);
    });
  }
  return out;
}

/** The items of a Fortran-ordered object array, in C order. */
export function fortranObjects(items: readonly PyValue[], shape: readonly number[]): PyValue[] {
  const out = new Array<PyValue>(items.length);
  forEachElement(shape, (c, f) => {
    out[c] = items[f];
  });
  return out;
}
