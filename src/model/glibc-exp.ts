// exp as glibc 2.36 computes it on x86-64 CPUs with FMA (its e_exp-fma build, which the dynamic loader picks
// there): x = k ln2/128 + r, exp(x) = 2^(k/128) (1 + tail_k) (1 + r + ... ), a degree-5 polynomial, with the
// multiply-adds that build fuses. scipy's expit (LogisticRegression, GradientBoosting, HistGradientBoosting
// probabilities) calls it; V8's Math.exp rounds differently now and then, and 1 - p turns one ulp of p
// into hundreds of ulps of a small probability.
import { fma } from './fma.js';

const N = 128;
const INV_LN2_N = 184.6649652337873; // 128 / ln 2, rounded
const SHIFT = 6755399441055744; // 0x1.8p52: adding it rounds to an integer kept in the low mantissa bits
const NEG_LN2_HI_N = -0.005415212348111709; // -ln2/128, top bits (exact products with small k)
const NEG_LN2_LO_N = -1.2864023111638346e-14; // -ln2/128 - NEG_LN2_HI_N
const C2 = 0.49999999999996786;
const C3 = 0.16666666666665886;
const C4 = 0.0416666808410674;
const C5 = 0.008333335853059549;

/**
 * For k in [0, 128): the bits of H_k, the double nearest 2^(k/128), minus k << 45 (added back from the
 * integer part of x / (ln2/128)), as low and high 32-bit words, and tail_k = (2^(k/128) - H_k) / H_k
 * rounded to a double. Computed here on first use from 2^(1/128) = sqrt(sqrt(...sqrt(2))) in 320-bit
 * fixed point, so nothing is copied; the products' error stays far below what rounding to a double sees.
 */
let TAB_LO: Uint32Array | null = null;
let TAB_HI = new Uint32Array(N);
const TAIL = new Float64Array(N);

const PREC = 320n;
const ONE = 1n << PREC;

function isqrt(v: bigint): bigint {
  let x = 1n << BigInt(Math.ceil(v.toString(2).length / 2));
  for (;;) {
    const y = (x + v / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** A non-negative fixed-point value v / 2^PREC, rounded to the nearest double (ties to even). */
function toDouble(v: bigint): number {
  if (v === 0n) return 0;
  const shift = BigInt(v.toString(2).length) - 53n;
  let m = v >> shift;
  const rem = v - (m << shift);
  const half = 1n << (shift - 1n);
  if (rem > half || (rem === half && (m & 1n) === 1n)) m += 1n;
  return Number(m) * 2 ** Number(shift - PREC);
}

const box = new Float64Array(1);
const words = new Uint32Array(box.buffer); // little-endian: [low, high]

function buildTable(): Uint32Array {
  let root = 2n * ONE; // 2^(1/128) by seven square roots of 2
  for (let i = 0; i < 7; i++) root = isqrt(root * ONE);
  const lo = new Uint32Array(N);
  const hi = new Uint32Array(N);
  let exact = ONE; // 2^(k/128)
  for (let k = 0; k < N; k++) {
    const h = toDouble(exact);
    const hFixed = BigInt(h * 2 ** 52) << (PREC - 52n);
    const diff = exact - hFixed;
    const tail = toDouble(((diff < 0n ? -diff : diff) << PREC) / hFixed);
    TAIL[k] = diff < 0n ? -tail : tail;
    box[0] = h;
    lo[k] = words[0] as number;
    hi[k] = ((words[1] as number) - (k << 13)) >>> 0; // minus k << 45, on the high word
    exact = (exact * root) >> PREC;
  }
  TAB_HI = hi;
  return lo;
}

function fromWords(lo: number, hi: number): number {
  words[0] = lo;
  words[1] = hi >>> 0;
  return box[0] as number;
}

/** For |x| >= 512: the scaled results that may overflow or fall into the subnormal range. */
function special(tmp: number, lo: number, hi: number, kNegative: boolean): number {
  if (!kNegative) {
    const scale = fromWords(lo, hi - (1009 << 20));
    return 2 ** 1009 * fma(scale, tmp, scale);
  }
  const scale = fromWords(lo, hi + (1022 << 20));
  let y = scale + scale * tmp;
  if (y < 1) {
    const lo0 = scale - y + scale * tmp;
    const h = 1 + y;
    const l = 1 - h + y + lo0;
    y = h + l - 1;
    if (y === 0) y = 0;
  }
  return 2 ** -1022 * y;
}

export function glibcExp(x: number): number {
  if (TAB_LO === null) TAB_LO = buildTable();
  const tabLo = TAB_LO;
  box[0] = x;
  let abstop = ((words[1] as number) >>> 20) & 0x7ff;
  if (abstop - 0x3c9 >= 0x3f || abstop < 0x3c9) {
    if (abstop < 0x3c9) return 1 + x; // |x| < 2^-54
    if (abstop >= 0x409) {
      // |x| >= 1024
      if (x === Number.NEGATIVE_INFINITY) return 0;
      if (abstop >= 0x7ff) return 1 + x;
      return x < 0 ? 0 : Number.POSITIVE_INFINITY;
    }
    abstop = 0; // 512 <= |x| < 1024: the result needs the special scaling
  }
  const kd0 = fma(x, INV_LN2_N, SHIFT);
  box[0] = kd0;
  const ki = words[0] as number; // the low word holds k (two's complement, as the 64-bit integer's low bits)
  const kd = kd0 - SHIFT;
  let r = fma(kd, NEG_LN2_HI_N, x);
  r = fma(kd, NEG_LN2_LO_N, r);
  const idx = ki & 0x7f;
  // sbits = tab + (ki << 45): only ki's low 19 bits reach the 64-bit word, all into its high half.
  const lo = tabLo[idx] as number;
  const hi = ((TAB_HI[idx] as number) + ((ki & 0x7ffff) << 13)) | 0;
  const r2 = r * r;
  const p45 = fma(r, C5, C4);
  const t = fma(fma(r, C3, C2), r2, r + (TAIL[idx] as number));
  const tmp = fma(r2 * r2, p45, t);
  if (abstop === 0) return special(tmp, lo, hi, (ki & 0x80000000) !== 0);
  const scale = fromWords(lo, hi);
  return fma(scale, tmp, scale);
}
