// A bounds-checked cursor over the pickle bytes: every read checks the remaining length first.
import { PickleFormatError, PickleLimitError } from './errors.js';

export class ByteReader {
  pos = 0;
  private readonly view: DataView;
  /** A Buffer view (no copy) of the same bytes, for decoding strings in place. */
  private readonly buf: Buffer;

  readonly bytes: Uint8Array;

  constructor(input: Uint8Array) {
    // A plain Uint8Array view even when given a Buffer: Buffer#subarray builds a Buffer object on a
    // slow path, and the reader takes a subarray for every array and bytes value it meets.
    this.bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    this.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
    this.buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** Throws a truncation error unless `n` more bytes exist (checked before anything is allocated). */
  need(n: number, what: string): void {
    if (n > this.remaining) {
      throw new PickleFormatError(
        `truncated pickle: ${what} needs ${n} bytes at offset ${this.pos}, only ${this.remaining} remain`,
      );
    }
  }

  u8(what = 'an opcode argument'): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }

  u16(): number {
    this.need(2, 'a 2-byte argument');
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  i32(): number {
    this.need(4, 'a 4-byte argument');
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u32(): number {
    this.need(4, 'a 4-byte argument');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** An 8-byte little-endian length; anything past the remaining input is refused without allocating. */
  length8(what: string): number {
    this.need(8, what);
    // Two 32-bit halves, no BigInt: exact below 2^53, and anything that large is refused anyway.
    const v = this.view.getUint32(this.pos + 4, true) * 4294967296 + this.view.getUint32(this.pos, true);
    this.pos += 8;
    if (v > this.remaining) {
      // Absurd sizes are refused as limits; anything else past the end means the file was cut short.
      const msg = `${what} claims ${v} bytes at offset ${this.pos - 8}, only ${this.remaining} remain`;
      if (v > 2 ** 40) throw new PickleLimitError(msg);
      throw new PickleFormatError(`truncated pickle: ${msg}`);
    }
    return v;
  }

  f64be(): number {
    this.need(8, 'a float');
    const v = this.view.getFloat64(this.pos, false);
    this.pos += 8;
    return v;
  }

  /** A view (no copy) of the next `n` bytes. */
  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A '\n'-terminated ASCII line (GLOBAL's module and name), at most `max` bytes. */
  line(max: number): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0 || end - this.pos > max) {
      throw new PickleFormatError(
        `GLOBAL at offset ${this.pos} has no newline-terminated name within ${max} bytes`,
      );
    }
    const s = this.buf.toString('latin1', this.pos, end);
    this.pos = end + 1;
    return s;
  }

  utf8(n: number, what: string): string {
    this.need(n, what);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  latin1(n: number, what: string): string {
    this.need(n, what);
    const s = this.buf.toString('latin1', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}
