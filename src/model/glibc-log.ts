// A port of glibc 2.36's `log` (ARM optimized-routines algorithm), the function numpy's gaussian
// sampler and scikit-learn's entropy criterion call. JavaScript's Math.log differs from it by 1 ulp in
// ~7% of inputs; this port matches it exactly, in the FMA variant glibc picks on x86-64 CPUs with
// FMA/AVX2 (the default) or the plain variant.
import { fma } from './fma.js';
import { LOG_DATA_BITS } from './glibc-log-data.js';

const D = (() => {
  const n = LOG_DATA_BITS.length / 16;
  const out = new Float64Array(n);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    view.setUint32(i * 8 + 4, Number.parseInt(LOG_DATA_BITS.slice(i * 16, i * 16 + 8), 16), true);
    view.setUint32(i * 8, Number.parseInt(LOG_DATA_BITS.slice(i * 16 + 8, i * 16 + 16), 16), true);
  }
  return out;
})();

const LN2HI = D[0] as number;
const LN2LO = D[1] as number;
const A0 = D[2] as number;
const A1 = D[3] as number;
const A2 = D[4] as number;
const A3 = D[5] as number;
const A4 = D[6] as number;
const TAB = 18; // invc, logc pairs
const TAB2 = 18 + 256; // chi, clo pairs
const [B0, B1, B2, B3, B4, B5, B6, B7, B8, B9, B10] = Array.from(D.subarray(7, 18)) as [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function nearOne(x: number, useFma: boolean): number {
  if (x === 1.0) return 0;
  const r = x - 1.0;
  const r2 = r * r;
  const r3 = r * r2;
  const w = r * 134217728; // 2^27
  const rhi = r + w - w;
  const rlo = r - rhi;
  const hh = rhi * rhi * B0;
  const hi = r + hh;
  let lo = r - hi + hh;
  if (!useFma) {
    const p = B1 + r * B2 + r2 * B3 + r3 * (B4 + r * B5 + r2 * B6 + r3 * (B7 + r * B8 + r2 * B9 + r3 * B10));
    let y = r3 * p;
    lo = lo + B0 * rlo * (rhi + r);
    y = y + lo;
    return y + hi;
  }
  const q1 = fma(r, B2, B1);
  const q4 = fma(r, B5, B4);
  const q7 = fma(r, B8, B7);
  const Q1 = fma(r2, B3, q1);
  const Q4 = fma(r2, B6, q4);
  const Q7 = fma(r2, B9, q7);
  const P3 = fma(r3, B10, Q7);
  const P2 = fma(P3, r3, Q4);
  const P1 = fma(P2, r3, Q1);
  const lo2 = fma(B0 * rlo, rhi + r, lo);
  return fma(P1, r3, lo2) + hi;
}

/** glibc 2.36 `log(x)`; `useFma` selects the variant (FMA: x86-64 with FMA/AVX2, the usual case). */
export function glibcLog(x0: number, useFma = true): number {
  let x = x0;
  if (x >= 0.9375 && x < 1.064697265625) return nearOne(x, useFma);
  if (!(x > 0) || x === Infinity || Number.isNaN(x)) {
    if (x === 0) return -Infinity;
    if (x === Infinity) return Infinity;
    return Number.NaN;
  }
  let kAdjust = 0;
  if (x < 2.2250738585072014e-308) {
    x *= 4503599627370496; // 2^52: normalise a subnormal
    kAdjust = -52;
  }
  f64[0] = x;
  const hiWord = u32[1] as number;
  const tmpHi = (hiWord - 0x3fe60000) | 0;
  const i = (tmpHi >> 13) & 127;
  const kd = (tmpHi >> 20) + kAdjust;
  u32[1] = (hiWord - (tmpHi & 0xfff00000)) >>> 0;
  const z = f64[0] as number;
  const invc = D[TAB + 2 * i] as number;
  const logc = D[TAB + 2 * i + 1] as number;
  if (useFma) {
    const r = fma(z, invc, -1.0);
    const w = fma(kd, LN2HI, logc);
    const hi = w + r;
    const lo = fma(kd, LN2LO, w - hi + r);
    const r2 = r * r;
    const r3 = r * r2;
    const t = fma(r2, A0, lo);
    const P = fma(fma(r, A4, A3), r2, fma(r, A2, A1));
    return fma(r3, P, t) + hi;
  }
  const chi = D[TAB2 + 2 * i] as number;
  const clo = D[TAB2 + 2 * i + 1] as number;
  const r = (z - chi - clo) * invc;
  const w = kd * LN2HI + logc;
  const hi = w + r;
  const lo = w - hi + r + kd * LN2LO;
  const r2 = r * r;
  return lo + r2 * A0 + r * r2 * (A1 + r * A2 + r2 * (A3 + r * A4)) + hi;
}
