// The JSON and UBJSON parsers on untrusted bytes: bare NaN/Infinity, typed arrays, and for truncated,
// corrupt or oversized input a typed error naming where -- never a crash, a hang or a huge allocation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { XGBoostError, XGBoostFormatError, XGBoostLimitError } from './errors.js';
import { DEFAULT_DOC_LIMITS, parseModelJson } from './json-text.js';
import { parseUbjson } from './ubjson.js';

const fixtures = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'xgboost');
const text = (s: string) => Buffer.from(s, 'utf8');

describe('parseModelJson', () => {
  it('reads bare NaN and Infinity tokens, and leaves them alone inside strings', () => {
    const doc = parseModelJson(text('{"a": [1.5, NaN, -Infinity, Infinity], "s": "NaN Infinity"}')) as {
      a: unknown[];
      s: string;
    };
    assert.deepEqual(doc.a.slice(2), [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
    assert.equal(doc.a[1], 'N'); // the reader's sentinel for a bare NaN
    assert.equal(doc.s, 'NaN Infinity');
  });

  it('names the line and column where a truncated or corrupt file breaks', () => {
    const err = (s: string) => {
      try {
        parseModelJson(text(s));
      } catch (e) {
        return e as XGBoostFormatError;
      }
      assert.fail('no error');
    };
    assert.match(err('{\n  "learner": {"a": [1, 2').message, /3 object\(s\)\/array\(s\) still open.*line 2/);
    assert.match(err('{"a": [1, 2}').message, /unexpected '}' at line 1, column 12/);
    assert.match(err('{\n"a": tru}').message, /expected a value, found 't' at line 2, column 6/);
    assert.match(err('{"a": 1 "b": 2}').message, /expected ',' or '}', found '"' at line 1, column 9/);
    assert.match(err('{"a": "abc').message, /never ends/);
    assert.ok(err('{"a": 1,}') instanceof XGBoostFormatError);
  });

  it('refuses nesting and sizes beyond its budget before parsing', () => {
    assert.throws(() => parseModelJson(text(`${'['.repeat(100)}${']'.repeat(100)}`)), XGBoostLimitError);
    const limits = { ...DEFAULT_DOC_LIMITS, maxValues: 10 };
    assert.throws(() => parseModelJson(text(`[${'1,'.repeat(20)}1]`), limits), XGBoostLimitError);
    assert.throws(
      () => parseModelJson(text('{}'), { ...DEFAULT_DOC_LIMITS, maxBytes: 1 }),
      XGBoostLimitError,
    );
  });

  it('every truncation of a real model is a typed error, never anything else', () => {
    const bytes = readFileSync(join(fixtures, 'booster_binary_hinge.json'));
    for (let n = 0; n < bytes.length; n += 7) {
      assert.throws(() => parseModelJson(bytes.subarray(0, n)), XGBoostError, `truncated at ${n}`);
    }
  });
});

/** UBJSON bytes from a template: strings become their bytes, numbers single bytes. */
function ubj(...parts: Array<string | number>): Uint8Array {
  return Uint8Array.from(
    parts.flatMap((p) => (typeof p === 'string' ? Array.from(Buffer.from(p, 'latin1')) : [p])),
  );
}

describe('parseUbjson', () => {
  it('reads objects, counted and typed arrays (big-endian) and scalars', () => {
    const doc = parseUbjson(
      ubj(
        '{',
        'i',
        1,
        'a',
        '[$d#',
        'i',
        2,
        0x3f,
        0xc0,
        0,
        0,
        0x7f,
        0xc0,
        0,
        0,
        'i',
        1,
        'b',
        'SU',
        3,
        'xyz',
        '}',
      ),
    ) as { a: Float32Array; b: string };
    assert.ok(doc.a instanceof Float32Array);
    assert.equal(doc.a[0], 1.5);
    assert.ok(Number.isNaN(doc.a[1]));
    assert.equal(doc.b, 'xyz');
  });

  it('checks a count against the bytes left before allocating', () => {
    // An array claiming 2^40 float32 values in a 20-byte file.
    const huge = ubj('[$d#L', 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3, 4);
    assert.throws(() => parseUbjson(huge), /needs 4398046511104 bytes but only 4 remain/);
    assert.throws(() => parseUbjson(ubj('[#L', 0, 0, 0, 0, 0x7f, 0, 0, 0, 'Z')), XGBoostFormatError);
    assert.throws(() => parseUbjson(ubj('SL', 0x7f, 0, 0, 0, 0, 0, 0, 0, 'ab')), XGBoostFormatError);
  });

  it('names the byte where a corrupt file breaks', () => {
    assert.throws(() => parseUbjson(ubj('{', 'i', 1, 'a', 'Q', '}')), /unknown type marker 'Q' at byte 4/);
    assert.throws(() => parseUbjson(ubj('{', 'i', 1, 'a', 'i', 1, '}', 'x')), /1 unexpected bytes after/);
    assert.throws(() => parseUbjson(ubj('SL', 0xff, 0, 0, 0, 0, 0, 0, 0)), /string length is -/);
    assert.throws(() => parseUbjson(ubj('[', ...new Array(100).fill(0x5b))), XGBoostLimitError);
  });

  it('every truncation of a real model is a typed error, never anything else', () => {
    const bytes = readFileSync(join(fixtures, 'binary.ubj'));
    for (let n = 0; n < bytes.length; n += 5) {
      assert.throws(() => parseUbjson(bytes.subarray(0, n)), XGBoostError, `truncated at ${n}`);
    }
  });

  it('random corruption of a real model never escapes as an untyped error', () => {
    const bytes = readFileSync(join(fixtures, 'binary.ubj'));
    let seed = 12345;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let k = 0; k < 300; k++) {
      const copy = Uint8Array.from(bytes);
      for (let j = 0; j < 3; j++) copy[Math.floor(rand() * copy.length)] = Math.floor(rand() * 256);
      try {
        parseUbjson(copy);
      } catch (e) {
        assert.ok(e instanceof XGBoostError, `corruption ${k}: ${String(e)}`);
      }
    }
  });
});
