// Unit tests of the safe pickle VM on hand-assembled pickles: refused opcodes and globals, bounds, literals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PickleFormatError, PickleLimitError, UnsafePickleError } from './errors.js';
import { unpickle } from './pickle-vm.js';
import { NdArray, PyObject, PyTuple } from './values.js';

/** A tiny assembler: strings are latin-1 bytes, numbers are single bytes. */
function pk(...parts: Array<string | number | Uint8Array>): Uint8Array {
  const chunks = parts.map((p) =>
    typeof p === 'number' ? Uint8Array.of(p) : typeof p === 'string' ? Buffer.from(p, 'latin1') : p,
  );
  return Buffer.concat(chunks);
}
const P2 = pk(0x80, 2);
const glob = (m: string, n: string) => `c${m}\n${n}\n`;
const u = (s: string) => {
  const b = Buffer.from(s, 'utf8');
  return pk(0x8c, b.length, b); // SHORT_BINUNICODE
};
const int1 = (n: number) => pk(0x4b, n); // BININT1
const le64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return b;
};

function refused(
  bytes: Uint8Array,
  pattern: RegExp,
  type: new (...a: never[]) => Error = UnsafePickleError,
): void {
  assert.throws(
    () => unpickle(bytes),
    (e: Error) => {
      assert.ok(e instanceof type, `${e.name}: ${e.message}`);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

test('opcodes that run code or need callbacks are refused by name', () => {
  refused(pk(P2, '(', u('x'), 'ios\nsystem\n.'), /INST/);
  refused(pk(P2, '(', glob('numpy', 'ndarray'), 'o.'), /OBJ/);
  refused(pk(P2, 0x82, 1, '.'), /EXT1/);
  refused(pk(P2, 0x83, 1, 0, '.'), /EXT2/);
  refused(pk(P2, 0x84, 1, 0, 0, 0, '.'), /EXT4/);
  refused(pk(P2, 'Pfoo\n.'), /PERSID/);
  refused(pk(P2, u('foo'), 'Q.'), /BINPERSID/);
  refused(pk(0x80, 5, 0x97, '.'), /NEXT_BUFFER/);
  refused(pk(0x80, 5, u('x'), 0x98, '.'), /READONLY_BUFFER/);
});

test('globals outside the allow-list are refused by their full name', () => {
  refused(pk(P2, glob('os', 'system'), u('touch x'), 0x85, 'R.'), /refused pickle global os\.system/);
  refused(pk(0x80, 4, u('builtins'), u('eval'), 0x93, '.'), /builtins\.eval/);
  refused(pk(P2, glob('numpy', 'load'), '.'), /numpy\.load/);
  refused(pk(P2, glob('joblib.numpy_pickle', 'load'), '.'), /joblib\.numpy_pickle\.load/);
});

test('allowed names are usable only in their role: no calling classes or types', () => {
  const tree = glob('sklearn.tree._classes', 'DecisionTreeClassifier');
  refused(pk(P2, tree, ')R.'), /REDUCE \(call\) of sklearn\.tree\._classes\.DecisionTreeClassifier/);
  refused(pk(P2, glob('numpy', 'ndarray'), ')R.'), /REDUCE \(call\) of numpy\.ndarray/);
  refused(pk(P2, glob('numpy', 'dtype'), ')', 0x81, '.'), /NEWOBJ of numpy\.dtype/);
  refused(pk(P2, u('x'), ')', 0x81, '.'), /NEWOBJ of str/);
  const recon = glob('numpy.core.multiarray', '_reconstruct');
  refused(pk(P2, recon, glob('numpy', 'memmap'), ')', u('b'), 0x87, 'R.'), /only numpy\.ndarray/);
});

test('_codecs.encode works only as latin1', () => {
  const enc = glob('_codecs', 'encode');
  const ok = unpickle(pk(P2, enc, u('\u00ffA'), u('latin1'), 0x86, 'R.'));
  assert.deepEqual(Array.from(ok as Uint8Array), [0xff, 0x41]);
  refused(pk(P2, enc, u('x'), u('rot13'), 0x86, 'R.'), /only \(str, 'latin1'\)/);
  refused(pk(P2, enc, u('x'), 0x85, 'R.'), /_codecs\.encode/);
});

test("a NumpyArrayWrapper's subclass must be ndarray or memmap", () => {
  const wrapper = glob('joblib.numpy_pickle', 'NumpyArrayWrapper');
  const state = pk('}(', u('subclass'), glob('numpy', 'dtype'), 'u');
  refused(pk(P2, wrapper, ')', 0x81, state, 'b.'), /subclass numpy\.dtype/);
});

test('lengths past the end, huge lengths, deep nesting and huge shapes are refused before allocating', () => {
  refused(pk(0x80, 4, 0x8e, le64(2n ** 62n), '.'), /BINBYTES8 claims/, PickleLimitError);
  refused(pk(0x80, 4, 0x8d, le64(100n), 'abc'), /truncated/, PickleFormatError);
  refused(pk(P2, 'X', 0xff, 0xff, 0xff, 0x7f, 'abc'), /truncated/, PickleFormatError);
  refused(pk(P2, '('.repeat(5000), '.'), /nesting exceeds/, PickleLimitError);
  refused(pk(P2, 0x8a, 200, '.'), /integer of 200 bytes/, PickleLimitError);
  // _frombuffer(b'', dtype('f8'), (2**31, 2**31), 'C'): the shape product is refused, not allocated.
  const dstate = pk(
    '(',
    int1(3),
    u('<'),
    'NNN',
    'J',
    0xff,
    0xff,
    0xff,
    0xff,
    'J',
    0xff,
    0xff,
    0xff,
    0xff,
    int1(0),
    't',
  );
  const shape = pk('J', 0, 0, 0, 0x40, 'J', 0, 0, 0, 0x40, 0x86);
  const fromBuffer = glob('numpy.core.numeric', '_frombuffer');
  const bytes = pk(
    P2,
    fromBuffer,
    '(',
    'C',
    0,
    pk(glob('numpy', 'dtype'), u('f8'), 0x89, 0x88, 0x87, 'R', dstate, 'b'),
  );
  refused(pk(bytes, shape, u('C'), 't', 'R.'), /elements in one array \d+ > limit \d+/, PickleLimitError);
});

test('protocol 0/1 text opcodes and unknown protocols are refused with a hint', () => {
  refused(pk(P2, 'I1\n.'), /protocol 0\/1; re-save/, PickleFormatError);
  refused(pk(0x80, 6, '.'), /protocol 6 is not supported/, PickleFormatError);
  refused(pk('(lp0\n.'), /not a pickle: expected the PROTO opcode/, PickleFormatError);
  refused(pk(P2, 0xfe, '.'), /invalid pickle opcode 0xfe/, PickleFormatError);
});

test('literals, containers and the memo decode like Python', () => {
  const v = unpickle(
    pk(
      P2,
      '(',
      int1(7),
      'M',
      0x34,
      0x12,
      'J',
      0xfe,
      0xff,
      0xff,
      0xff,
      0x8a,
      2,
      0x00,
      0x80,
      'N',
      0x88,
      0x89,
      't.',
    ),
  );
  assert.ok(v instanceof PyTuple);
  assert.deepEqual(v.items, [7, 0x1234, -2, -32768, null, true, false]);
  const big = unpickle(pk(P2, 0x8a, 8, 0, 0, 0, 0, 0, 0, 0, 0x40, '.'));
  assert.equal(big, 2n ** 62n);
  const shared = unpickle(pk(P2, ']q', 0, 'h', 0, 0x86, '.')) as PyTuple;
  assert.equal(shared.items[0], shared.items[1]);
  refused(pk(P2, 'h', 5, '.'), /memo entry 5 read before/, PickleFormatError);
  const d = unpickle(pk(P2, '}(', u('a'), int1(1), u('b'), 'G', 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 'u.'));
  assert.deepEqual(
    [...(d as Map<string, number>)],
    [
      ['a', 1],
      ['b', 1.5],
    ],
  );
});

test('a Tree REDUCE is recorded as data, not called', () => {
  const v = unpickle(pk(P2, glob('sklearn.tree._tree', 'Tree'), '(', int1(4), int1(1), 't', 'R.'));
  assert.ok(v instanceof PyObject);
  assert.equal(v.cls.qualified, 'sklearn.tree._tree.Tree');
  assert.deepEqual(v.args, [4, 1]);
  assert.ok(!(v instanceof NdArray));
});
