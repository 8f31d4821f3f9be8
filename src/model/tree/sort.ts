// scikit-learn's introsort of float32 feature values that carries the sample indices along. Ties are
// ordered exactly as the Cython code orders them, because regression and weighted sums depend on it.

import { glibcLog } from '../glibc-log.js';
import { fastSortSamples, type SortScratch } from './fast-sort.js';

const LN2_GLIBC = glibcLog(2.0);
/** 2 * trunc(log(2^k) / log(2)) with glibc's log, for k = 0..30 (rounding may put a power of two below k). */
const MAXD_POW2 = Array.from({ length: 31 }, (_, k) => 2 * Math.trunc(glibcLog(2 ** k) / LN2_GLIBC));

/**
 * sklearn's maxd = 2 * <int>log2(n), with log2(x) = ln(x) / ln(2.0). Only an exact power of two can
 * land on the other side of an integer through rounding (between powers the quotient is at least
 * 1/(n ln 2) away from one); those are read from the table computed with glibc's log.
 */
export function maxDepthOf(n: number): number {
  const k = 31 - Math.clz32(n);
  return n === 2 ** k ? (MAXD_POW2[k] as number) : 2 * k;
}

function swap(Xf: Float32Array, S: Int32Array, i: number, j: number): void {
  const x = Xf[i] as number;
  Xf[i] = Xf[j] as number;
  Xf[j] = x;
  const s = S[i] as number;
  S[i] = S[j] as number;
  S[j] = s;
}

/** Bentley-McIlroy median of three of Xf[s], Xf[s + n/2], Xf[s + n - 1]. */
function median3(Xf: Float32Array, s: number, n: number): number {
  const a = Xf[s] as number;
  const b = Xf[s + Math.floor(n / 2)] as number;
  const c = Xf[s + n - 1] as number;
  if (a < b) {
    if (b < c) return b;
    if (a < c) return c;
    return a;
  }
  if (b < c) {
    if (a < c) return a;
    return c;
  }
  return b;
}

function siftDown(Xf: Float32Array, S: Int32Array, s: number, start: number, end: number): void {
  let root = start;
  for (;;) {
    const child = root * 2 + 1;
    let maxind = root;
    if (child < end && (Xf[s + maxind] as number) < (Xf[s + child] as number)) maxind = child;
    if (child + 1 < end && (Xf[s + maxind] as number) < (Xf[s + child + 1] as number)) maxind = child + 1;
    if (maxind === root) return;
    swap(Xf, S, s + root, s + maxind);
    root = maxind;
  }
}

function heapsort(Xf: Float32Array, S: Int32Array, s: number, n: number): void {
  let start = Math.floor((n - 2) / 2);
  for (;;) {
    siftDown(Xf, S, s, start, n);
    if (start === 0) break;
    start -= 1;
  }
  for (let end = n - 1; end > 0; end--) {
    swap(Xf, S, s, s + end);
    siftDown(Xf, S, s, 0, end);
  }
}

function introsort(Xf: Float32Array, S: Int32Array, s0: number, n0: number, maxd0: number): void {
  let s = s0;
  let n = n0;
  let maxd = maxd0;
  while (n > 1) {
    if (maxd <= 0) {
      heapsort(Xf, S, s, n);
      return;
    }
    maxd -= 1;
    const pivot = median3(Xf, s, n);
    // 3-way partition; the swaps are written out (same sequence as sklearn's swap calls).
    let i = s;
    let l = s;
    let r = s + n;
    while (i < r) {
      const v = Xf[i] as number;
      if (v < pivot) {
        if (i !== l) {
          const si = S[i] as number;
          Xf[i] = Xf[l] as number;
          S[i] = S[l] as number;
          Xf[l] = v;
          S[l] = si;
        }
        i += 1;
        l += 1;
      } else if (v > pivot) {
        r -= 1;
        const si = S[i] as number;
        Xf[i] = Xf[r] as number;
        S[i] = S[r] as number;
        Xf[r] = v;
        S[r] = si;
      } else {
        i += 1;
      }
    }
    introsort(Xf, S, s, l - s, maxd);
    n -= r - s;
    s = r;
  }
}

/** `sort(Xf + start, samples + start, n)` from sklearn's `_splitter.pyx`. */
export function sortSamples(Xf: Float32Array, S: Int32Array, start: number, n: number): void {
  if (n === 0) return;
  introsort(Xf, S, start, n, maxDepthOf(n));
}

/**
 * The same permutation as `sortSamples`, for an array where every sample whose value ties with
 * another one (or is a zero, whose sign the fast sorts drop) is marked as `~sample` (negative), and
 * `nMarked` counts them. The introsort runs step by step as sklearn's does while a subarray holds a
 * marked sample; equal values always land in the same subarray, so one without a marked sample
 * holds distinct values, whose ascending order is unique: any sort gives it, and a fast one does.
 * Marks are left in place (the caller clears them).
 */
export function sortSamplesMarked(
  Xf: Float32Array,
  Xbits: Uint32Array,
  S: Int32Array,
  start: number,
  n: number,
  nMarked: number,
  scratch: SortScratch,
): void {
  if (n === 0) return;
  introsortMarked(Xf, Xbits, S, start, n, maxDepthOf(n), nMarked, scratch);
}

function introsortMarked(
  Xf: Float32Array,
  Xbits: Uint32Array,
  S: Int32Array,
  s0: number,
  n0: number,
  maxd0: number,
  marked0: number,
  scratch: SortScratch,
): void {
  let s = s0;
  let n = n0;
  let maxd = maxd0;
  let marked = marked0;
  while (n > 1) {
    if (marked === 0) {
      fastSortSamples(Xf, Xbits, S, s, n, scratch);
      return;
    }
    if (maxd <= 0) {
      heapsort(Xf, S, s, n);
      return;
    }
    maxd -= 1;
    const pivot = median3(Xf, s, n);
    let i = s;
    let l = s;
    let r = s + n;
    let markedLeft = 0;
    let markedEqual = 0;
    while (i < r) {
      const v = Xf[i] as number;
      if (v < pivot) {
        const si = S[i] as number;
        if (si < 0) markedLeft += 1;
        if (i !== l) {
          Xf[i] = Xf[l] as number;
          S[i] = S[l] as number;
          Xf[l] = v;
          S[l] = si;
        }
        i += 1;
        l += 1;
      } else if (v > pivot) {
        r -= 1;
        const si = S[i] as number;
        Xf[i] = Xf[r] as number;
        S[i] = S[r] as number;
        Xf[r] = v;
        S[r] = si;
      } else {
        if ((S[i] as number) < 0) markedEqual += 1;
        i += 1;
      }
    }
    introsortMarked(Xf, Xbits, S, s, l - s, maxd, markedLeft, scratch);
    marked -= markedLeft + markedEqual;
    n -= r - s;
    s = r;
  }
}
