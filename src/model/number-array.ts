// Numeric arrays as estimators hold them: JSON arrays from a JSON artifact, typed arrays (views of the
// file) from a binary one. Validators check both through these helpers, one tight loop per type.

export type NumberArray = readonly number[] | Float64Array | Float32Array | Int32Array;

export function isNumberArray(v: unknown): v is NumberArray {
  return (
    Array.isArray(v) || v instanceof Float64Array || v instanceof Float32Array || v instanceof Int32Array
  );
}

function firstNonFiniteTyped(v: Float64Array | Float32Array): number {
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    if (x - x !== 0) return i; // NaN and ±Infinity
  }
  return -1;
}

function firstNonFinitePlain(v: readonly unknown[]): number {
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || x - x !== 0) return i;
  }
  return -1;
}

/** Index of the first entry that is not a finite number, or -1. */
export function firstNonFinite(v: NumberArray): number {
  if (v instanceof Int32Array) return -1;
  if (v instanceof Float64Array || v instanceof Float32Array) return firstNonFiniteTyped(v);
  return firstNonFinitePlain(v);
}

/**
 * `v` when it is a NumberArray of `n` finite numbers, else null. The one check every estimator
 * validator uses for its numeric arrays, whichever encoding they came from.
 */
export function finiteNumbers(v: unknown, n: number): NumberArray | null {
  if (!isNumberArray(v) || v.length !== n) return null;
  return firstNonFinite(v) === -1 ? v : null;
}

/** An Int32Array with the same values (a view-free copy for plain arrays, `v` itself when it is one). */
export function toInt32(v: NumberArray): Int32Array {
  return v instanceof Int32Array ? v : Int32Array.from(v);
}

/** A Float64Array with the same values (`v` itself when it is one). */
export function toFloat64(v: NumberArray): Float64Array {
  return v instanceof Float64Array ? v : Float64Array.from(v);
}
