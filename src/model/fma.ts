// An exact fused multiply-add for doubles (JavaScript has none): error-free product and sum, then
// Boldo & Melquiond's rounding-to-odd step, which makes the final addition round exactly once.

const SPLIT = 134217729; // 2^27 + 1, Veltkamp splitting
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Rounds x + y to odd: exact sums stay, inexact ones take the neighbour with an odd last bit. */
function addRoundOdd(x: number, y: number): number {
  const s = x + y;
  const bb = s - x;
  const e = x - (s - bb) + (y - bb);
  if (e === 0 || !Number.isFinite(s)) return s;
  f64[0] = s;
  if ((u32[0] as number) & 1) return s;
  // Step one ulp toward the exact value: up in magnitude if e has the sign of s, else down.
  if (e > 0 === s > 0) {
    u32[0] = ((u32[0] as number) + 1) >>> 0;
    if (u32[0] === 0) u32[1] = ((u32[1] as number) + 1) >>> 0;
  } else {
    if (u32[0] === 0) u32[1] = ((u32[1] as number) - 1) >>> 0;
    u32[0] = ((u32[0] as number) - 1) >>> 0;
  }
  return f64[0] as number;
}

/** fma(a, b, c) = a * b + c rounded once (valid away from overflow and underflow, as in glibc's log). */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  if (p === 0 || c === 0 || !Number.isFinite(p) || !Number.isFinite(c)) return p + c;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const pe = ah * bh - p + ah * bl + al * bh + al * bl;
  const th = c + p;
  const bb = th - c;
  const tl = c - (th - bb) + (p - bb);
  return th + addRoundOdd(tl, pe);
}
