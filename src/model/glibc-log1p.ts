// log1p as glibc 2.36 computes it on x86-64 CPUs with FMA (its s_log1p-fma variant, which the dynamic
// loader picks there): the fdlibm method (1+x = 2^k (1+f), log(1+f) from s = f / (2+f) and a degree-14
// odd polynomial, a correction term for the rounding of 1+x), with the multiply-adds the compiler fused in
// that build, read from its machine code. scipy's logit uses log1p near p = 0.5, where GradientBoosting's
// binary prior usually is; V8's Math.log1p is the unfused fdlibm one and differs in the last bit.
import { fma } from './fma.js';

const LN2_HI = 0.6931471803691238; // the top 32 bits of ln 2
const LN2_LO = 1.9082149292705877e-10; // ln 2 - LN2_HI
const TWO54 = 1.8014398509481984e16;
const LP1 = 0.6666666666666735;
const LP2 = 0.3999999999940942;
const LP3 = 0.2857142874366239;
const LP4 = 0.22222198432149784;
const LP5 = 0.1818357216161805;
const LP6 = 0.15313837699209373;
const LP7 = 0.14798198605116586;

const box = new Float64Array(1);
const words = new Uint32Array(box.buffer); // little-endian: words[1] is the high word

function high(x: number): number {
  box[0] = x;
  return words[1] as number;
}

function withHigh(x: number, hi: number): number {
  box[0] = x;
  words[1] = hi >>> 0;
  return box[0] as number;
}

export function glibcLog1p(x: number): number {
  const hx = high(x) | 0; // signed high word
  const ax = hx & 0x7fffffff;
  let k = 1;
  let f = 0;
  let c = 0;
  let hu = 0;
  if (hx < 0x3fda827a) {
    // x < 0.41422
    if (ax >= 0x3ff00000) return x === -1 ? Number.NEGATIVE_INFINITY : Number.NaN;
    if (ax < 0x3e200000) {
      // |x| < 2^-29
      if (TWO54 + x > 0 && ax < 0x3c900000) return x;
      return x - x * x * 0.5;
    }
    if (hx > 0 || hx <= (0xbfd2bec3 | 0)) {
      // -0.2929 < x < 0.41422: f = x exactly
      k = 0;
      f = x;
      hu = 1;
    }
  } else if (hx >= 0x7ff00000) return x + x;
  if (k !== 0) {
    let u: number;
    if (hx < 0x43400000) {
      u = 1 + x;
      hu = high(u);
      k = (hu >>> 20) - 1023;
      c = k > 0 ? 1 - (u - x) : x - (u - 1);
      c /= u;
    } else {
      u = x;
      hu = high(u);
      k = (hu >>> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) {
      u = withHigh(u, hu | 0x3ff00000); // u in [1, sqrt(2))
    } else {
      k += 1;
      u = withHigh(u, hu | 0x3fe00000); // u in [sqrt(2)/2, 1)
      hu = (0x00100000 - hu) >>> 2;
    }
    f = u - 1;
  }
  const hfsq = 0.5 * f * f;
  if (hu === 0) {
    // |f| < 2^-20
    if (f === 0) {
      if (k === 0) return 0;
      return fma(k, LN2_HI, fma(k, LN2_LO, c));
    }
    const r = hfsq * fma(-0.6666666666666666, f, 1);
    if (k === 0) return f - r;
    return fma(k, LN2_HI, -(r - fma(k, LN2_LO, c) - f));
  }
  const s = f / (2 + f);
  const z = s * s;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const r = fma(z6, fma(z, LP7, LP6), fma(z4, fma(z, LP5, LP4), fma(z, LP1, z2 * fma(z, LP3, LP2))));
  const sr = s * (hfsq + r);
  if (k === 0) return f - (hfsq - sr);
  return fma(k, LN2_HI, -(hfsq - (fma(k, LN2_LO, c) + sr) - f));
}
