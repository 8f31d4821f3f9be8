// Decodes the pickle opcodes that push a literal: ints, floats, bools, None, strings and bytes.
import type { Budget } from '../core/budget.js';
import type { ByteReader } from './byte-reader.js';
import { PickleFormatError, PickleLimitError } from './errors.js';
import { OP } from './opcodes.js';
import type { PyValue } from './values.js';

/** Returned for an opcode that is not a literal. */
export const NOT_LITERAL: unique symbol = Symbol('not a literal');
/** Returned for PROTO and FRAME, which are handled but push nothing. */
export const NOTHING: unique symbol = Symbol('nothing');

/** Reads the argument of a literal opcode and returns its value. */
export function readLiteral(
  op: number,
  r: ByteReader,
  budget: Budget,
): PyValue | typeof NOT_LITERAL | typeof NOTHING {
  switch (op) {
    case OP.PROTO: {
      const p = r.u8();
      if (p < 2 || p > 5)
        throw new PickleFormatError(`pickle protocol ${p} is not supported (expected 2 to 5)`);
      return NOTHING;
    }
    case OP.FRAME:
      // Frames only group bytes for buffered reading; the stream is read straight through.
      r.length8('FRAME');
      return NOTHING;
    case OP.NONE:
      return null;
    case OP.NEWTRUE:
      return true;
    case OP.NEWFALSE:
      return false;
    case OP.BININT:
      return r.i32();
    case OP.BININT1:
      return r.u8();
    case OP.BININT2:
      return r.u16();
    case OP.LONG1:
      return readLong(r, r.u8());
    case OP.LONG4:
      return readLong(r, r.i32());
    case OP.BINFLOAT:
      return r.f64be();
    default:
      return readText(op, r, budget);
  }
}

/**
 * A decoded string's length, charged to the budget's byte total before it is decoded. No per-string
 * cap: protocol 2 writes array data as one long str (for `_codecs.encode`), and a string costs its own
 * length in input bytes. Byte strings are views of the input (no copy) and cost nothing until an
 * array is built from them.
 */
function sized(n: number, what: string, r: ByteReader, budget: Budget): number {
  r.need(n, what);
  budget.bytes(n, what);
  return n;
}

function readText(op: number, r: ByteReader, budget: Budget): PyValue | typeof NOT_LITERAL {
  switch (op) {
    case OP.SHORT_BINUNICODE:
      // At most 255 bytes: charged without a call (the most frequent literal of all).
      return r.utf8(r.u8(), 'SHORT_BINUNICODE');
    case OP.BINUNICODE:
      return r.utf8(sized(r.u32(), 'BINUNICODE', r, budget), 'BINUNICODE');
    case OP.BINUNICODE8:
      return r.utf8(sized(r.length8('BINUNICODE8'), 'BINUNICODE8', r, budget), 'BINUNICODE8');
    case OP.SHORT_BINBYTES:
      return r.take(r.u8(), 'SHORT_BINBYTES');
    case OP.BINBYTES:
      return r.take(r.u32(), 'BINBYTES');
    case OP.BINBYTES8:
    case OP.BYTEARRAY8:
      return r.take(r.length8('BINBYTES8'), 'BINBYTES8');
    case OP.SHORT_BINSTRING:
      return r.latin1(r.u8(), 'SHORT_BINSTRING');
    case OP.BINSTRING: {
      const n = r.i32();
      if (n < 0) throw new PickleFormatError('BINSTRING has a negative length');
      return r.latin1(sized(n, 'BINSTRING', r, budget), 'BINSTRING');
    }
    default:
      return NOT_LITERAL;
  }
}

/** LONG1/LONG4: little-endian two's complement; a number when it fits exactly, else a bigint. */
function readLong(r: ByteReader, n: number): number | bigint {
  if (n < 0 || n > 64) throw new PickleLimitError(`integer of ${n} bytes refused (limit 64)`);
  const bytes = r.take(n, 'LONG');
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] ?? 0);
  if (n > 0 && ((bytes[n - 1] ?? 0) & 0x80) !== 0) v -= 1n << BigInt(8 * n);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
