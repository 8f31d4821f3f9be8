// Small malicious joblib/pickle files built to exhaust memory, time or the call stack: each is refused
// with a typed error naming the offset (one resource budget), and the process survives.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { PickleLimitError, SklearnError } from '../src/sklearn/errors.js';
import { fortranToC } from '../src/sklearn/fortran.js';
import { DEFAULT_LIMITS, pickleBudget, unpickle } from '../src/sklearn/pickle-vm.js';
import { readSklearnBytes } from '../src/sklearn/read.js';
import { NdArray, PySet } from '../src/sklearn/values.js';

/** A tiny assembler: strings are latin-1 bytes, numbers single bytes. */
function pk(...parts: Array<string | number | Uint8Array>): Buffer {
  return Buffer.concat(
    parts.map((p) =>
      typeof p === 'number' ? Uint8Array.of(p) : typeof p === 'string' ? Buffer.from(p, 'latin1') : p,
    ),
  );
}
const u = (s: string) => pk(0x8c, Buffer.byteLength(s), s); // SHORT_BINUNICODE
const glob = (m: string, n: string) => `c${m}\n${n}\n`;
const int4 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return pk('J', b);
};
/** numpy.dtype(code) with a version-3 state (byte order '<' or '|'). */
function dtype(code: string, elsize = -1): Buffer {
  const order = code.startsWith('f') || code.startsWith('i') ? '<' : '|';
  const state = pk('(', 'K', 3, u(order), 'NNN', int4(elsize), int4(1), 'K', 0, 't');
  return pk(glob('numpy', 'dtype'), u(code), 0x89, 0x88, 0x87, 'R', state, 'b');
}

/** Runs the reader and returns the typed error it must throw. */
function refusal(bytes: Uint8Array): SklearnError {
  try {
    readSklearnBytes(bytes);
  } catch (error) {
    assert.ok(error instanceof SklearnError, `untyped ${String(error)}`);
    return error;
  }
  assert.fail('the file was accepted');
}

test('MARK + millions of NONE + APPENDS (zlib, 30 KB) is refused by the item budget, naming the offset', () => {
  const batch = pk('(', Buffer.alloc(1_000_000, 'N'), 'e');
  const bytes = deflateSync(pk(0x80, 2, ']', ...Array(30).fill(batch), '.'), { level: 9 });
  const error = refusal(bytes);
  assert.ok(error instanceof PickleLimitError, error.message);
  assert.match(error.message, /APPENDS at offset \d+ exceeds the reader's resource budget: container items/);
  assert.equal(error.context.resource, 'items');
});

test('a MEMOIZE flood is refused by the item budget, not by "Map maximum size exceeded"', () => {
  const bytes = deflateSync(pk(0x80, 4, 'N', Buffer.alloc(30_000_000, 0x94), '.'), { level: 9 });
  const error = refusal(bytes);
  assert.ok(error instanceof PickleLimitError, error.message);
  assert.match(error.message, /(MEMOIZE|memo entry) at offset \d+ exceeds/);
  // LONG_BINPUT to sparse indices (a Map each) is charged the same way.
  const put = (i: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(i);
    return pk('r', b);
  };
  const puts = Buffer.concat(Array.from({ length: 1_100_000 }, (_, i) => put(2_000_000 + i)));
  const sparse = pk(0x80, 2, 'N', puts, '.');
  // (as if it had come out of a 1 KB compressed file: the budget is scaled to the stored size)
  assert.throws(
    () => unpickle(sparse, DEFAULT_LIMITS, pickleBudget(1000)),
    /memo entry at offset \d+ exceeds/,
  );
});

test('an ADDITEMS of 300,000 items builds the set (no "Maximum call stack size exceeded")', () => {
  const bytes = pk(0x80, 4, 0x8f, '(', Buffer.alloc(300_000, 'N'), 0x90, '.');
  const set = unpickle(bytes);
  assert.ok(set instanceof PySet);
  assert.equal(set.items.length, 300_000);
  // As a file it is read, then refused as not being an estimator: a typed error, not a RangeError.
  assert.match(refusal(deflateSync(bytes)).message, /holds PySet, not a supported estimator/);
});

/** A joblib NumpyArrayWrapper of `shape` in Fortran order with `data` following it. */
function wrapped(shape: number[], code: string, data: Uint8Array): Buffer {
  const state = pk(
    '}(',
    u('subclass'),
    glob('numpy', 'ndarray'),
    u('shape'),
    '(',
    ...shape.map(int4),
    't',
    u('order'),
    u('F'),
    u('dtype'),
    dtype(code),
    u('allow_mmap'),
    0x89,
    'u',
  );
  return pk(glob('joblib.numpy_pickle', 'NumpyArrayWrapper'), ')', 0x81, state, 'b', data);
}

test('a huge unused Fortran-order array in a small file is refused by the decompression budget', () => {
  const side = 8192;
  const bytes = deflateSync(pk(0x80, 2, wrapped([side, side], 'b1', new Uint8Array(side * side)), '0N.'), {
    level: 9,
  });
  const error = refusal(bytes);
  assert.ok(error instanceof PickleLimitError, error.message);
  assert.match(error.message, /inflates to more than \d+ bytes/);
});

test('Fortran-order arrays are reordered to C order exactly (2-D and 3-D, 1-, 4- and 8-byte items)', () => {
  for (const shape of [
    [3, 5],
    [2, 3, 4],
    [4, 1, 3],
  ]) {
    for (const itemsize of [1, 4, 8, 3]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const f = Uint8Array.from({ length: n * itemsize }, (_, i) => (i * 7 + 3) % 251);
      const expected = new Uint8Array(n * itemsize);
      // Naive reference: C index from the multi-index of each Fortran position.
      for (let fi = 0; fi < n; fi++) {
        let rest = fi;
        const idx = shape.map((d) => {
          const i = rest % d;
          rest = Math.floor(rest / d);
          return i;
        });
        const c = idx.reduce((acc, i, a) => acc * (shape[a] as number) + i, 0);
        expected.set(f.subarray(fi * itemsize, (fi + 1) * itemsize), c * itemsize);
      }
      assert.deepEqual(fortranToC(f, shape, itemsize), expected, `${shape} x ${itemsize}`);
    }
  }
  // Through the VM: a 2x3 float64 F-order wrapper reads back in C order.
  const values = [0, 3, 1, 4, 2, 5]; // F order of [[0,1,2],[3,4,5]]
  const data = Buffer.alloc(48);
  values.forEach((v, i) => {
    data.writeDoubleLE(v, i * 8);
  });
  const array = unpickle(pk(0x80, 2, wrapped([2, 3], 'f8', data), '.'));
  assert.ok(array instanceof NdArray);
  assert.deepEqual(Array.from(new Float64Array(array.bytes.slice().buffer)), [0, 1, 2, 3, 4, 5]);
});

test('a string dtype of 25,000,000 characters (U25000000) is refused before any label is decoded', () => {
  const bytes = deflateSync(pk(0x80, 2, dtype('U25000000', 100_000_000), '.'));
  const error = refusal(bytes);
  assert.ok(error instanceof PickleLimitError, error.message);
  assert.match(error.message, /numpy dtype 'U25000000' of 100000000-byte items at offset \d+/);
  assert.equal(error.context.resource, 'stringBytes');
});

test('one byte string turned into arrays again and again is refused by the byte budget', () => {
  const mib = Buffer.alloc(1 << 20);
  const frombuffer = glob('numpy.core.numeric', '_frombuffer');
  const one = pk(frombuffer, '(', 'h', 0, 'h', 1, '(', int4(1 << 20), 't', u('C'), 't', 'R', '0');
  const bytes = pk(0x80, 4, 'B', Buffer.from([0, 0, 0x10, 0]), mib, 'q', 0, dtype('u1'), 'q', 1, '0');
  const attack = deflateSync(pk(bytes, ...Array(200).fill(one), 'N.'), { level: 9 });
  const error = refusal(attack);
  assert.ok(error instanceof PickleLimitError, error.message);
  assert.match(
    error.message,
    /array of shape \(1048576\) and dtype 'u1' at offset \d+ exceeds .*bytes of strings/,
  );
});

test('an error the checks did not foresee still comes out typed, with the offset', () => {
  // A dict key that is itself a dict: refused as a format error that names where it happened.
  const error = (() => {
    try {
      unpickle(pk(0x80, 2, '}', '}', 'N', 's', '.'));
    } catch (e) {
      return e as Error;
    }
    return null;
  })();
  assert.ok(error instanceof SklearnError, String(error));
  assert.match(error.message, /offset \d+/);
});
