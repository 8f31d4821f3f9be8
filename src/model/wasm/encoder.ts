// A minimal WebAssembly binary writer: enough to emit one generated function over an imported memory.
// lambda-ml generates its prediction kernels at load time with it, so the function image needs no
// compiler and no npm package (WebAssembly is part of Node itself).

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const name = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'utf8')];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** Instructions, as byte arrays to concatenate (memory accesses take natural alignment). */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  select: [0x1b],
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  tee: (local: number) => [0x22, ...uleb(local)],
  i32Load: (offset = 0) => [0x28, 2, ...uleb(offset)],
  f32Load: (offset = 0) => [0x2a, 2, ...uleb(offset)],
  f64Load: (offset = 0) => [0x2b, 3, ...uleb(offset)],
  f32Store: (offset = 0) => [0x38, 2, ...uleb(offset)],
  f64Store: (offset = 0) => [0x39, 3, ...uleb(offset)],
  i32: (value: number) => [0x41, ...sleb(value)],
  /** +0.0 of the given float type. */
  f32Zero: [0x43, 0, 0, 0, 0],
  f64Zero: [0x44, 0, 0, 0, 0, 0, 0, 0, 0],
  i32Eqz: [0x45],
  i32LtS: [0x48],
  i32GtS: [0x4a],
  i32GeS: [0x4e],
  f32Eq: [0x5b],
  f32Ne: [0x5c],
  f32Gt: [0x5e],
  f32Ge: [0x60],
  f64Eq: [0x61],
  f64Ne: [0x62],
  f64Gt: [0x64],
  f64Ge: [0x66],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Or: [0x72],
  i32Xor: [0x73],
  i32ShrU: [0x76],
  f32Add: [0x92],
  f64Add: [0xa0],
} as const;

export interface FunctionDef {
  readonly params: readonly number[];
  /** Extra locals after the parameters, as [count, type] runs. */
  readonly locals: readonly (readonly [number, number])[];
  readonly body: readonly number[];
}

/**
 * A module importing memory `env.memory` (shared when `shared`, with `maxPages` then required) and
 * exporting one function `run` without results.
 */
export function moduleBytes(fn: FunctionDef, memory: { shared: boolean; maxPages: number }): Uint8Array {
  const type = section(1, vec([[0x60, ...vec(fn.params.map((p) => [p])), ...uleb(0)]]));
  const limits = memory.shared ? [0x03, ...uleb(0), ...uleb(memory.maxPages)] : [0x00, ...uleb(0)];
  const imports = section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]]));
  const functions = section(3, vec([uleb(0)]));
  const exports = section(7, vec([[...name('run'), 0x00, ...uleb(0)]]));
  const code = [...vec(fn.locals.map(([n, t]) => [...uleb(n), t])), ...fn.body, ...op.end];
  const codeSection = section(10, vec([[...uleb(code.length), ...code]]));
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...type,
    ...imports,
    ...functions,
    ...exports,
    ...codeSection,
  ]);
}
