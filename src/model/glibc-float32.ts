// Ports of glibc 2.36's float functions `expf` and `logf` (ARM optimized-routines algorithms), which
// XGBoost's C++ calls for its sigmoid, softmax and base-score transforms. Math.fround(Math.exp(x))
// differs from glibc's expf in ~0.07% of inputs (logf ~0.1%); these ports match it exactly in the
// FMA variant glibc's IFUNC picks on x86-64 CPUs with FMA and AVX2 (the same contractions as the
// compiled `__expf_fma` / `__logf_fma`).
import { fma } from './fma.js';

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const w32 = new Uint32Array(f64.buffer); // [low word, high word] on little-endian hosts
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function fromBits(hex: string): number {
  u64[0] = BigInt(`0x${hex}`);
  return f64[0] as number;
}

// Coefficients and tables of glibc 2.36 (sysdeps/ieee754/flt-32/e_exp2f_data.c and e_logf_data.c,
// from ARM's optimized-routines, MIT OR Apache-2.0 WITH LLVM-exception), as IEEE-754 bit patterns.
const EXP2F_N = 32;
/** tab[i] = bits(2^(i/32)) - (i << 47), as (low, high) words: 2^(k/32) is asdouble(tab[k % 32] + (k << 47)). */
const EXP2F_TAB = [
  '3ff0000000000000 3fefd9b0d3158574 3fefb5586cf9890f 3fef9301d0125b51',
  '3fef72b83c7d517b 3fef54873168b9aa 3fef387a6e756238 3fef1e9df51fdee1',
  '3fef06fe0a31b715 3feef1a7373aa9cb 3feedea64c123422 3feece086061892d',
  '3feebfdad5362a27 3feeb42b569d4f82 3feeab07dd485429 3feea47eb03a5585',
  '3feea09e667f3bcd 3fee9f75e8ec5f74 3feea11473eb0187 3feea589994cce13',
  '3feeace5422aa0db 3feeb737b0cdc5e5 3feec49182a3f090 3feed503b23e255d',
  '3feee89f995ad3ad 3feeff76f2fb5e47 3fef199bdd85529c 3fef3720dcef9069',
  '3fef5818dcfba487 3fef7c97337b9b5f 3fefa4afa2a490da 3fefd0765b6e4540',
]
  .join(' ')
  .split(' ')
  .flatMap((h) => [Number.parseInt(h.slice(8), 16), Number.parseInt(h.slice(0, 8), 16)]);
const EXPF_C0 = fromBits('3fac6af84b912394') / (EXP2F_N * EXP2F_N * EXP2F_N);
const EXPF_C1 = fromBits('3fcebfce50fac4f3') / (EXP2F_N * EXP2F_N);
const EXPF_C2 = fromBits('3fe62e42ff0c52d6') / EXP2F_N;
const EXPF_INVLN2N = fromBits('3ff71547652b82fe') * EXP2F_N;
const EXPF_SHIFT = fromBits('4338000000000000'); // 0x1.8p52

/** (invc, logc) for the 16 subintervals of [OFF, 2 OFF). */
const LOGF_TAB = [
  '3ff661ec79f8f3be bfd57bf7808caade 3ff571ed4aaf883d bfd2bef0a7c06ddb',
  '3ff49539f0f010b0 bfd01eae7f513a67 3ff3c995b0b80385 bfcb31d8a68224e9',
  '3ff30d190c8864a5 bfc6574f0ac07758 3ff25e227b0b8ea0 bfc1aa2bc79c8100',
  '3ff1bb4a4a1a343f bfba4e76ce8c0e5e 3ff12358f08ae5ba bfb1973c5a611ccc',
  '3ff0953f419900a7 bfa252f438e10c1e 3ff0000000000000 0000000000000000',
  '3fee608cfd9a47ac 3faaa5aa5df25984 3feca4b31f026aa0 3fbc5e53aa362eb4',
  '3feb2036576afce6 3fc526e57720db08 3fe9c2d163a1aa2d 3fcbc2860d224770',
  '3fe886e6037841ed 3fd1058bc8a07ee1 3fe767dcf5534862 3fd4043057b6ee09',
]
  .join(' ')
  .split(' ')
  .map(fromBits);
const LOGF_LN2 = fromBits('3fe62e42fefa39ef');
const LOGF_A0 = fromBits('bfd00ea348b88334');
const LOGF_A1 = fromBits('3fd5575b0be00b6a');
const LOGF_A2 = fromBits('bfdffffef20a4123');
const LOGF_OFF = 0x3f330000;

/** glibc's expf(x) for a float32 x; the result is a float32 value. */
export function expf(x0: number): number {
  const x = Math.fround(x0);
  if (Number.isNaN(x)) return x;
  f32[0] = x;
  const abstop = ((u32[0] as number) >>> 20) & 0x7ff;
  if (abstop >= 0x42b) {
    // |x| >= 88 (top12(88.0f) = 0x42b): the special cases of glibc's slow path.
    if (x === Number.NEGATIVE_INFINITY) return 0;
    if (x === Number.POSITIVE_INFINITY) return x;
    if (x > 88.72283172607422) return Number.POSITIVE_INFINITY; // overflow
    if (x < -103.97207641601562) return 0; // underflow
  }
  // x*N/Ln2 = k + r with r in [-1/2, 1/2]: kd = fma(x, InvLn2N, SHIFT) rounds to an integer.
  let kd = fma(x, EXPF_INVLN2N, EXPF_SHIFT);
  f64[0] = kd;
  // ki << 47 only reaches the high word: only ki's low 17 bits (in its low word) matter.
  const kiLow = w32[0] as number;
  kd -= EXPF_SHIFT;
  const r = fma(x, EXPF_INVLN2N, -kd);
  const j = kiLow & 31;
  w32[0] = EXP2F_TAB[2 * j] as number;
  w32[1] = ((EXP2F_TAB[2 * j + 1] as number) + (kiLow << 15)) >>> 0;
  const s = f64[0] as number;
  const z = fma(EXPF_C0, r, EXPF_C1);
  const r2 = r * r;
  let y = fma(EXPF_C2, r, 1);
  y = fma(z, r2, y);
  return Math.fround(y * s);
}

/** glibc's logf(x) for a float32 x; the result is a float32 value. */
export function logf(x0: number): number {
  const x = Math.fround(x0);
  f32[0] = x;
  let ix = u32[0] as number;
  if (ix === 0x3f800000) return 0;
  if (ix - 0x00800000 >= 0x7f800000 - 0x00800000 || ix < 0x00800000) {
    if (x === 0) return Number.NEGATIVE_INFINITY;
    if (x === Number.POSITIVE_INFINITY) return x;
    if (x < 0 || Number.isNaN(x)) return Number.NaN;
    // subnormal: normalise
    f32[0] = x * 8388608; // 0x1p23
    ix = ((u32[0] as number) - (23 << 23)) >>> 0;
  }
  const tmp = (ix - LOGF_OFF) >>> 0;
  const i = (tmp >>> 19) % 16;
  const k = (tmp | 0) >> 23;
  const iz = (ix - (tmp & (0x1ff << 23))) >>> 0;
  const invc = LOGF_TAB[2 * i] as number;
  const logc = LOGF_TAB[2 * i + 1] as number;
  u32[0] = iz;
  const z = f32[0] as number;
  const r = fma(z, invc, -1);
  const y0 = fma(k, LOGF_LN2, logc);
  const r2 = r * r;
  let y = fma(LOGF_A1, r, LOGF_A2);
  y = fma(LOGF_A0, r2, y);
  return Math.fround(fma(y, r2, y0 + r));
}
