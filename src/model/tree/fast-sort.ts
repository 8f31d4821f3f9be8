// A faster sort of (feature value, sample) pairs for the cases where the order of equal values cannot
// change the tree: classification with integer weights, where every criterion sum is an exact integer
// sum (see the spec, 4.5). Values are packed with their sample ids into float64 keys and sorted natively.

const ID_BITS = 2 ** 21;
/** Largest number of rows the packed keys can carry. */
export const FAST_SORT_MAX_ROWS = ID_BITS;

/** Scratch space a splitter keeps for fastSortSamples (sized for its row count). */
export class SortScratch {
  readonly packed: Float64Array;
  readonly keys: Uint32Array;
  readonly keys2: Uint32Array;
  readonly ids: Int32Array;
  readonly ids2: Int32Array;
  readonly hist = new Uint32Array(3 * 2048);
  constructor(n: number) {
    this.packed = new Float64Array(n);
    this.keys = new Uint32Array(n);
    this.keys2 = new Uint32Array(n);
    this.ids = new Int32Array(n);
    this.ids2 = new Int32Array(n);
  }
}

/** Map float32 bits to an unsigned integer with the same order; -0 and +0 become one key. */
function orderKey(bits: number): number {
  const b = bits === 0x80000000 ? 0 : bits;
  return b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
}

function fromOrderKey(key: number): number {
  return key & 0x80000000 ? (key & 0x7fffffff) >>> 0 : ~key >>> 0;
}

/** Sorts Xf[start:start+n] ascending, moving samples along; ties end up in any order. */
export function fastSortSamples(
  Xf: Float32Array,
  Xbits: Uint32Array,
  S: Int32Array,
  start: number,
  n: number,
  scratch: SortScratch,
): void {
  if (n < 24) {
    insertionSort(Xf, S, start, n);
    return;
  }
  if (n >= 4096) {
    radixSort(Xbits, S, start, n, scratch);
    return;
  }
  packedSort(Xbits, S, start, n, scratch.packed);
}

/** LSD radix sort on the 32-bit order keys, 3 passes of 11 bits. */
function radixSort(Xbits: Uint32Array, S: Int32Array, start: number, n: number, sc: SortScratch): void {
  const { hist } = sc;
  hist.fill(0);
  let keys = sc.keys;
  let ids = sc.ids;
  let keys2 = sc.keys2;
  let ids2 = sc.ids2;
  for (let i = 0; i < n; i++) {
    const k = orderKey(Xbits[start + i] as number);
    keys[i] = k;
    ids[i] = S[start + i] as number;
    hist[k & 2047] = (hist[k & 2047] as number) + 1;
    const d1 = 2048 + ((k >>> 11) & 2047);
    hist[d1] = (hist[d1] as number) + 1;
    const d2 = 4096 + (k >>> 22);
    hist[d2] = (hist[d2] as number) + 1;
  }
  for (let pass = 0; pass < 3; pass++) {
    const base = pass * 2048;
    let sum = 0;
    for (let b = 0; b < 2048; b++) {
      const c = hist[base + b] as number;
      hist[base + b] = sum;
      sum += c;
    }
    const shift = pass * 11;
    for (let i = 0; i < n; i++) {
      const k = keys[i] as number;
      const d = base + ((k >>> shift) & 2047);
      const pos = hist[d] as number;
      hist[d] = pos + 1;
      keys2[pos] = k;
      ids2[pos] = ids[i] as number;
    }
    [keys, keys2] = [keys2, keys];
    [ids, ids2] = [ids2, ids];
  }
  for (let i = 0; i < n; i++) {
    Xbits[start + i] = fromOrderKey(keys[i] as number);
    S[start + i] = ids[i] as number;
  }
}

/** Packs (order key, sample id) into exact float64 integers and sorts them natively. */
function packedSort(
  Xbits: Uint32Array,
  S: Int32Array,
  start: number,
  n: number,
  scratch: Float64Array,
): void {
  const end = start + n;
  for (let p = start; p < end; p++)
    scratch[p - start] = orderKey(Xbits[p] as number) * ID_BITS + (S[p] as number);
  quicksort(scratch, 0, n);
  for (let p = start; p < end; p++) {
    const v = scratch[p - start] as number;
    const key = Math.floor(v / ID_BITS);
    S[p] = v - key * ID_BITS;
    Xbits[p] = fromOrderKey(key);
  }
}

/** Sorts a[lo, hi) ascending: median-of-3 quicksort, insertion sort for short runs. */
function quicksort(a: Float64Array, lo0: number, hi0: number): void {
  let lo = lo0;
  let hi = hi0;
  while (hi - lo > 16) {
    let x = a[lo] as number;
    let y = a[(lo + hi) >>> 1] as number;
    const z = a[hi - 1] as number;
    if (x > y) [x, y] = [y, x];
    if (y > z) y = Math.max(z, x);
    const pivot = y;
    let i = lo;
    let j = hi - 1;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i++] = a[j] as number;
        a[j--] = t;
      }
    }
    // Recurse into the smaller part, loop on the larger one.
    if (j - lo < hi - i) {
      quicksort(a, lo, j + 1);
      lo = i;
    } else {
      quicksort(a, i, hi);
      hi = j + 1;
    }
  }
  for (let i = lo + 1; i < hi; i++) {
    const v = a[i] as number;
    let j = i - 1;
    while (j >= lo && (a[j] as number) > v) {
      a[j + 1] = a[j] as number;
      j--;
    }
    a[j + 1] = v;
  }
}

function insertionSort(Xf: Float32Array, S: Int32Array, start: number, n: number): void {
  const end = start + n;
  for (let i = start + 1; i < end; i++) {
    const x = Xf[i] as number;
    const s = S[i] as number;
    let j = i - 1;
    while (j >= start && (Xf[j] as number) > x) {
      Xf[j + 1] = Xf[j] as number;
      S[j + 1] = S[j] as number;
      j--;
    }
    Xf[j + 1] = x;
    S[j + 1] = s;
  }
}
