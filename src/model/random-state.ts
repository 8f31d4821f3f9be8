// numpy 1.24's legacy RandomState (MT19937 + init_genrand seeding): the seeded RNG scikit-learn uses,
// reproduced draw for draw (random_sample, standard_normal with its gauss cache, masked randint, shuffle).

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;

/** The Mersenne Twister state with numpy's `mt19937_seed` (the classic init_genrand). */
export class MT19937 {
  private readonly key = new Uint32Array(N);
  private pos = N;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`Seed must be between 0 and 2**32 - 1, got ${seed}`);
    }
    const key = this.key;
    key[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const p = key[i - 1] as number;
      key[i] = (Math.imul(1812433253, (p ^ (p >>> 30)) >>> 0) + i) >>> 0;
    }
  }

  private regenerate(): void {
    const key = this.key;
    let i = 0;
    for (; i < N - M; i++) {
      const y = ((key[i] as number) & UPPER) | ((key[i + 1] as number) & LOWER);
      key[i] = ((key[i + M] as number) ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)) >>> 0;
    }
    for (; i < N - 1; i++) {
      const y = ((key[i] as number) & UPPER) | ((key[i + 1] as number) & LOWER);
      key[i] = ((key[i + M - N] as number) ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)) >>> 0;
    }
    const y = ((key[N - 1] as number) & UPPER) | ((key[0] as number) & LOWER);
    key[N - 1] = ((key[M - 1] as number) ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)) >>> 0;
    this.pos = 0;
  }

  /** One tempered 32-bit word (`mt19937_next32`). */
  next32(): number {
    if (this.pos === N) this.regenerate();
    let y = this.key[this.pos++] as number;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A 53-bit double in [0, 1): the first word gives the high 27 bits, the second the low 26. */
  nextDouble(): number {
    const a = this.next32() >>> 5;
    const b = this.next32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** 64-bit word: the FIRST 32-bit draw is the high half (checked against Debian's numpy). */
  next64(): bigint {
    const hi = BigInt(this.next32());
    const lo = BigInt(this.next32());
    return (hi << 32n) | lo;
  }
}

/** Smallest 2^k - 1 that is >= v (numpy's gen_mask), for 32-bit values. */
function mask32(v: number): number {
  let m = v >>> 0;
  m |= m >>> 1;
  m |= m >>> 2;
  m |= m >>> 4;
  m |= m >>> 8;
  m |= m >>> 16;
  return m >>> 0;
}

function mask64(v: bigint): bigint {
  let m = v;
  for (const s of [1n, 2n, 4n, 8n, 16n, 32n]) m |= m >> s;
  return m;
}

/** numpy's `RandomState(seed)` with the legacy (masked, unbuffered) integer and gaussian paths. */
export class RandomState {
  readonly mt: MT19937;
  private hasGauss = false;
  private gauss = 0.0;
  /** The natural log used by the polar Box-Muller method (glibc's `log` in numpy; see glibc-log.ts). */
  private readonly log: (x: number) => number;

  constructor(seed: number, log: (x: number) => number = Math.log) {
    this.mt = new MT19937(seed);
    this.log = log;
  }

  next32(): number {
    return this.mt.next32();
  }

  /** `random_sample()`: one double in [0, 1). */
  randomSample(): number {
    return this.mt.nextDouble();
  }

  /** `uniform(size=n)` with low 0, high 1: the same stream as random_sample. */
  uniform(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.mt.nextDouble();
    return out;
  }

  /** `legacy_gauss`: the polar method; the x1 branch is cached and returned by the next call. */
  standardNormal(): number {
    if (this.hasGauss) {
      const t = this.gauss;
      this.hasGauss = false;
      this.gauss = 0.0;
      return t;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2.0 * this.mt.nextDouble() - 1.0;
      x2 = 2.0 * this.mt.nextDouble() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    const f = Math.sqrt((-2.0 * this.log(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /**
   * One value of `randint(low, high)` (high exclusive) on the legacy masked path. Ranges up to 2^32
   * use one 32-bit word per try; wider ranges (up to 2^53 here) use 64-bit words.
   */
  randint(low: number, high: number): number {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high <= low) {
      throw new RangeError(`randint: expected integers low < high, got low=${low}, high=${high}`);
    }
    const rng = high - 1 - low;
    if (rng === 0) return low;
    if (rng <= 0xffffffff) {
      if (rng === 0xffffffff) return low + this.mt.next32();
      const mask = mask32(rng);
      let v: number;
      do v = (this.mt.next32() & mask) >>> 0;
      while (v > rng);
      return low + v;
    }
    const big = BigInt(rng);
    const mask = mask64(big);
    let v: bigint;
    do v = this.mt.next64() & mask;
    while (v > big);
    return low + Number(v);
  }

  /**
   * Adds one to counts[v] for each of n draws v of `randint(0, high, size=n)` (high <= 2^32), without
   * materialising the draws: the forest's bootstrap multiplicities.
   */
  bincountRandint(high: number, n: number, counts: Float64Array): void {
    const rng = high - 1;
    if (rng === 0) {
      counts[0] = (counts[0] as number) + n;
      return;
    }
    if (!(rng > 0 && rng < 0xffffffff)) {
      for (let k = 0; k < n; k++) {
        const v = this.randint(0, high);
        counts[v] = (counts[v] as number) + 1;
      }
      return;
    }
    const mask = mask32(rng);
    const mt = this.mt;
    for (let k = 0; k < n; k++) {
      let v: number;
      do v = (mt.next32() & mask) >>> 0;
      while (v > rng);
      counts[v] = (counts[v] as number) + 1;
    }
  }

  /** `randint(low, high, size=n)` as numbers (C order). */
  randintArray(low: number, high: number, n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.randint(low, high);
    return out;
  }

  /** `random_interval(max)`: uniform on [0, max] by masked rejection; no draw when max is 0. */
  randomInterval(max: number): number {
    if (max === 0) return 0;
    return this.randint(0, max + 1);
  }

  /** `shuffle(a)` for a 1-d array: Fisher-Yates from the end, as numpy's `_shuffle_raw`. */
  shuffle<T extends { [i: number]: number; length: number }>(a: T): T {
    for (let i = a.length - 1; i >= 1; i--) {
      const j = this.randomInterval(i);
      const t = a[i] as number;
      a[i] = a[j] as number;
      a[j] = t;
    }
    return a;
  }

  /** `permutation(n)`: arange(n) shuffled. */
  permutation(n: number): Int32Array | Float64Array {
    const out = n < 2 ** 31 ? new Int32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }
}
