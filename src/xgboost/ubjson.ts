// A bounded UBJSON decoder for XGBoost's `.ubj` models and pickled boosters: every count is checked
// against the bytes left before anything is allocated; typed arrays become JS typed arrays.
import { XGBoostFormatError, XGBoostLimitError } from './errors.js';
import { DEFAULT_DOC_LIMITS, type DocLimits } from './json-text.js';

/** Element size of each UBJSON type usable in an optimized (`$`) container. */
const SIZES: Readonly<Record<string, number>> = { i: 1, U: 1, I: 2, l: 4, L: 8, d: 4, D: 8, C: 1 };

class UbjReader {
  pos = 0;
  values = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: DocLimits,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(what: string, at = this.pos): never {
    throw new XGBoostFormatError(`XGBoost UBJSON: ${what} at byte ${at}`, { context: { offset: at } });
  }

  need(n: number, what: string): void {
    if (n > this.bytes.length - this.pos) {
      this.fail(
        `${what} needs ${n} bytes but only ${this.bytes.length - this.pos} remain (truncated or corrupt file)`,
      );
    }
  }

  count(): void {
    if (++this.values > this.limits.maxValues) {
      throw new XGBoostLimitError(
        `XGBoost UBJSON holds more than ${this.limits.maxValues} values (at byte ${this.pos})`,
      );
    }
  }

  marker(what: string): string {
    this.need(1, what);
    return String.fromCharCode(this.bytes[this.pos++] as number);
  }

  /** A scalar of the given type. */
  scalar(type: string, at: number): number | string | boolean | null {
    const v = this.view;
    switch (type) {
      case 'Z':
        return null;
      case 'T':
        return true;
      case 'F':
        return false;
      case 'S':
      case 'H':
        return this.string();
      case 'C':
        this.need(1, 'a char');
        return String.fromCharCode(this.bytes[this.pos++] as number);
    }
    const size = SIZES[type];
    if (size === undefined) this.fail(`unknown type marker '${printable(type)}'`, at);
    this.need(size, `a value of type '${type}'`);
    const p = this.pos;
    this.pos += size;
    switch (type) {
      case 'i':
        return v.getInt8(p);
      case 'U':
        return v.getUint8(p);
      case 'I':
        return v.getInt16(p);
      case 'l':
        return v.getInt32(p);
      case 'L':
        return Number(v.getBigInt64(p));
      case 'd':
        return v.getFloat32(p);
      default:
        return v.getFloat64(p);
    }
  }

  /** A length: an integer-typed value that must be a non-negative safe integer. */
  length(what: string): number {
    const at = this.pos;
    const type = this.marker(what);
    if (!'iUIlL'.includes(type)) this.fail(`${what} has type '${printable(type)}', expected an integer`, at);
    const n = this.scalar(type, at) as number;
    if (!Number.isSafeInteger(n) || n < 0) this.fail(`${what} is ${n}`, at);
    return n;
  }

  string(): string {
    const n = this.length('a string length');
    this.need(n, 'a string');
    const s = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.pos, n).toString('utf8');
    this.pos += n;
    return s;
  }

  value(depth: number): unknown {
    const at = this.pos;
    let type = this.marker('a value');
    while (type === 'N') type = this.marker('a value'); // no-op markers
    this.count();
    if (type === '[' || type === '{') {
      if (depth >= this.limits.maxDepth) {
        throw new XGBoostLimitError(
          `XGBoost UBJSON nests deeper than ${this.limits.maxDepth} levels at byte ${at}`,
        );
      }
      return type === '[' ? this.array(depth + 1) : this.object(depth + 1);
    }
    return this.scalar(type, at);
  }

  /** After `[` or `{`: an optional `$type` and `#count`. */
  header(): { type: string | null; n: number | null } {
    let type: string | null = null;
    let n: number | null = null;
    if (this.bytes[this.pos] === 0x24 /* $ */) {
      this.pos++;
      type = this.marker('a container type');
      if (this.bytes[this.pos] !== 0x23 /* # */) this.fail("a typed container without a '#' count");
    }
    if (this.bytes[this.pos] === 0x23 /* # */) {
      this.pos++;
      n = this.length('a container count');
    }
    return { type, n };
  }

  array(depth: number): unknown {
    const { type, n } = this.header();
    if (type !== null && n !== null) {
      const size = SIZES[type];
      if (size !== undefined) return this.typed(type, size, n);
      if (type === 'Z' || type === 'T' || type === 'F') return new Array(n).fill(this.scalar(type, this.pos));
      this.fail(`a typed array of '${printable(type)}' (not supported in a model)`);
    }
    const out: unknown[] = [];
    if (n !== null) {
      // Every element takes at least one byte: a count beyond the bytes left is a lie, caught before allocating.
      this.need(n, `an array of ${n} elements`);
      for (let k = 0; k < n; k++) out.push(this.value(depth));
      return out;
    }
    for (;;) {
      this.need(1, 'the rest of an array');
      if (this.bytes[this.pos] === 0x5d /* ] */) {
        this.pos++;
        return out;
      }
      out.push(this.value(depth));
    }
  }

  typed(type: string, size: number, n: number): ArrayLike<number> | string {
    this.need(n * size, `a typed array of ${n} '${type}' values`);
    this.values += n;
    if (this.values > this.limits.maxValues) this.count();
    const p = this.pos;
    this.pos += n * size;
    const v = this.view;
    switch (type) {
      case 'U':
        return this.bytes.slice(p, p + n);
      case 'C':
        return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + p, n).toString('latin1');
      case 'i':
        return Int8Array.from(this.bytes.subarray(p, p + n), (b) => (b << 24) >> 24);
      case 'd': {
        const out = new Float32Array(n);
        for (let k = 0; k < n; k++) out[k] = v.getFloat32(p + 4 * k);
        return out;
      }
      case 'D': {
        const out = new Float64Array(n);
        for (let k = 0; k < n; k++) out[k] = v.getFloat64(p + 8 * k);
        return out;
      }
      case 'I': {
        const out = new Int16Array(n);
        for (let k = 0; k < n; k++) out[k] = v.getInt16(p + 2 * k);
        return out;
      }
      case 'l': {
        const out = new Int32Array(n);
        for (let k = 0; k < n; k++) out[k] = v.getInt32(p + 4 * k);
        return out;
      }
      default: {
        // int64: exact as doubles up to 2^53, which any count or category in a model is.
        const out = new Float64Array(n);
        for (let k = 0; k < n; k++) out[k] = Number(v.getBigInt64(p + 8 * k));
        return out;
      }
    }
  }

  object(depth: number): Record<string, unknown> {
    const { type, n } = this.header();
    if (type !== null) this.fail('a typed object (not written by XGBoost)');
    const out: Record<string, unknown> = Object.create(null);
    if (n !== null) this.need(n, `an object of ${n} entries`);
    for (let k = 0; n === null || k < n; k++) {
      if (n === null) {
        this.need(1, 'the rest of an object');
        if (this.bytes[this.pos] === 0x7d /* } */) {
          this.pos++;
          break;
        }
      }
      const key = this.string();
      out[key] = this.value(depth);
    }
    return out;
  }
}

function printable(type: string): string {
  const c = type.charCodeAt(0);
  return c >= 0x20 && c < 0x7f ? type : `0x${c.toString(16).padStart(2, '0')}`;
}

/** Decodes one UBJSON document (the whole input); throws XGBoostFormatError naming the byte offset. */
export function parseUbjson(bytes: Uint8Array, limits: DocLimits = DEFAULT_DOC_LIMITS): unknown {
  if (bytes.length > limits.maxBytes) {
    throw new XGBoostLimitError(
      `XGBoost UBJSON model is ${bytes.length} bytes; the reader accepts at most ${limits.maxBytes}`,
    );
  }
  const r = new UbjReader(bytes, limits);
  const doc = r.value(0);
  if (r.pos !== bytes.length) r.fail(`${bytes.length - r.pos} unexpected bytes after the document`);
  return doc;
}
